/** How each event kind's mark looks on the timeline: its colour role, its label and its size. */

import { type TimelineEvent, escapeInvisible } from "../../contract/index.ts";
import type { MarkRole } from "./timeline-types.ts";

/** Every role, in drawing order (later roles are drawn on top). */
export const markRoles: readonly MarkRole[] = [
  "lifecycle",
  "log",
  "folded",
  "chunk",
  "write",
  "sse",
  "abort",
  "cleanup",
  "load",
  "error",
  "leak",
];

/** Each role's position in `markRoles`. */
export const roleIds = Object.fromEntries(markRoles.map((role, i) => [role, i])) as Record<MarkRole, number>;

export interface MarkLook {
  role: MarkRole;
  label: string;
  /** 0..1, see `TimelineMark.size`. */
  size: number;
}

const lifecycleSize = 0.9;
const pointSize = 0.55;

/** 1 B → 0.25, 1 MiB and more → 1, logarithmic in between. */
export function sizeForBytes(bytes: number): number {
  if (!(bytes > 0)) return 0.25;
  return 0.25 + 0.75 * Math.min(1, Math.log2(bytes) / 20);
}

/** `6 B`, `1.5 KiB`, `2.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `4 ms`, `0.61 ms`, `1.2 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${Number(ms.toPrecision(2))} ms`;
}

const lineSuffix = (line: number | undefined) => (line === undefined ? "" : `, line ${line}`);

function clip(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * How `event`'s mark looks on the timeline: its colour role, short label and size. (Its one-line
 * text for the table and the CLI is the contract's `describeEvent`.)
 */
export function markLookOf(event: TimelineEvent): MarkLook {
  switch (event.kind) {
    case "loaded":
      return { role: "load", label: `v${event.version} loaded`, size: 1 };
    case "load-error":
      return { role: "error", label: `v${event.version} failed: ${event.failure}${lineSuffix(event.line)}`, size: 1 };
    case "restarted":
      return { role: "load", label: `restarted (${event.cause})`, size: 1 };
    case "log":
      return {
        role: event.level === "error" || event.level === "stderr" ? "error" : "log",
        label: clip(event.text),
        size: 0.4,
      };
    case "uncaught":
      return { role: "error", label: `uncaught: ${clip(event.message)}`, size: 1 };
    case "pitfall":
      return { role: "log", label: event.pitfall, size: 1 };
    case "summary":
      return { role: "lifecycle", label: "summary", size: lifecycleSize };
    case "request":
      return {
        role: "lifecycle",
        label: `${event.method} ${clip(event.path, 24)} → v${event.version}`,
        size: lifecycleSize,
      };
    case "response":
      return { role: "lifecycle", label: `${event.status}`, size: lifecycleSize };
    case "write":
      // The handler's own writes into a transform the body reads through: drawn faint, they are not the wire's.
      if (event.upstream)
        return { role: "folded", label: `upstream ${formatBytes(event.bytes)}`, size: sizeForBytes(event.bytes) };
      return { role: "write", label: formatBytes(event.bytes), size: sizeForBytes(event.bytes) };
    case "end":
      return { role: "lifecycle", label: `end, ${event.writes} writes`, size: lifecycleSize };
    case "error":
      return { role: "error", label: `error: ${clip(event.message)}${lineSuffix(event.line)}`, size: 1 };
    case "abort":
      if (event.cause === "idle-timeout")
        return { role: "error", label: `idle timeout (${event.idleTimeout?.seconds ?? "?"} s)`, size: pointSize };
      if (event.cause === "runner-lost") return { role: "error", label: "runner lost", size: pointSize };
      return { role: "abort", label: "abort", size: pointSize };
    case "cancel":
      return { role: "abort", label: "cancel", size: pointSize };
    case "cleanup":
      return { role: "cleanup", label: `cleanup after ${formatDuration(event.afterMs)}`, size: 1 };
    case "leak":
      return { role: "leak", label: `leak: ${event.what}${lineSuffix(event.line)}`, size: 1 };
    case "folded":
      return { role: "folded", label: `×${event.count} ${event.of}`, size: sizeForBytes(event.bytes) };
    case "open":
      return { role: "lifecycle", label: event.attempt > 1 ? `open #${event.attempt}` : "open", size: lifecycleSize };
    case "headers":
      return { role: "lifecycle", label: `${event.status} after ${formatDuration(event.ttfbMs)}`, size: lifecycleSize };
    case "chunk":
      return { role: "chunk", label: formatBytes(event.bytes), size: sizeForBytes(event.bytes) };
    case "sse":
      return {
        role: "sse",
        label: `${clip(escapeInvisible(event.event), 24)}${event.lastEventId === "" ? "" : ` #${clip(escapeInvisible(event.lastEventId), 12)}`}`,
        size: pointSize,
      };
    case "sse-no-event":
      return event.reason === "id-only"
        ? {
            role: "sse",
            label: event.lastEventId === "" ? "id reset" : `id → ${clip(escapeInvisible(event.lastEventId), 12)}`,
            size: 0.4,
          }
        : {
            role: event.reason === "unfinished" ? "abort" : "log",
            label: event.reason === "unfinished" ? "unfinished event dropped" : "no data",
            size: 0.4,
          };
    case "sse-comment":
      return { role: "log", label: `: ${clip(event.text, 20)}`, size: 0.4 };
    case "sse-retry":
      return { role: "lifecycle", label: `retry ${formatDuration(event.ms)}`, size: pointSize };
    case "sse-invalid":
      return { role: "error", label: `invalid SSE: ${event.type}`, size: 1 };
    case "json-line":
      return event.error === undefined
        ? { role: "sse", label: clip(escapeInvisible(event.text), 24), size: pointSize }
        : { role: "error", label: `line ${event.line}: not JSON`, size: 1 };
    case "reading":
      return {
        role: event.state === "paused" ? "abort" : "lifecycle",
        label: `${event.state === "paused" ? "paused" : "resumed"} reading`,
        size: pointSize,
      };
    case "disconnect":
      if (event.by === "drop") return { role: "abort", label: "dropped", size: lifecycleSize };
      return {
        role: event.by === "error" ? "error" : "lifecycle",
        label: `disconnect by ${event.by}${event.cause === "idle-timeout" ? ": idle timeout" : event.cause === "runner-lost" ? ": runner lost" : ""}`,
        size: lifecycleSize,
      };
    case "reconnect":
      return { role: "lifecycle", label: `reconnect after ${formatDuration(event.delayMs)}`, size: lifecycleSize };
    case "ws-open":
      return {
        role: "lifecycle",
        label: event.side === "server" ? `ws open v${event.version}` : "ws open",
        size: lifecycleSize,
      };
    // What a side sent is drawn as a write, what it received as a chunk, on either row.
    case "ws-send":
      return { role: "write", label: messageLabel(event), size: sizeForBytes(event.bytes) };
    case "ws-message":
      return { role: "chunk", label: messageLabel(event), size: sizeForBytes(event.bytes) };
    case "ws-drain":
      return { role: "cleanup", label: "drain", size: pointSize };
    case "ws-close":
      return {
        role: event.code === 1000 || event.code === 1001 || event.code === 1005 ? "lifecycle" : "abort",
        label: `ws close ${event.code}`,
        size: lifecycleSize,
      };
    case "ws-publish":
      return { role: "sse", label: `publish ${clip(event.topic, 16)} → ${event.subscribers}`, size: pointSize };
    case "ws-error":
      return { role: "error", label: `ws error: ${clip(event.message)}`, size: 1 };
    default: {
      const _never: never = event;
      return _never;
    }
  }
}

/** A message's text, or its size when it is binary. */
function messageLabel(payload: { binary: boolean; bytes: number; text: string }): string {
  return payload.binary ? `${formatBytes(payload.bytes)} binary` : `"${clip(payload.text, 24)}"`;
}
