/** How each event kind's mark looks on the timeline: its colour role, its label and its size. */

import {
  countWithNoun,
  type EndCause,
  type TimelineEvent,
  escapeInvisible,
  logHeadline,
} from "../../contract/index.ts";
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

/** Where `event`'s mark begins: a folded run's first event, any other event's own time. */
export function markStart(event: TimelineEvent): number {
  return event.kind === "folded" ? Math.min(event.since, event.t) : event.t;
}

/**
 * `event`'s colour role: what the timeline needs of every event as it arrives, so it allocates
 * nothing. Its size (`markSizeOf`) is worked out when the mark is drawn, and its label
 * (`markLabelOf`) only for the marks drawn with one or hovered: written for every event, labels took
 * over a tenth of the model's time opening a million-event recording, and few of them are ever drawn.
 */
export function markRoleOf(event: TimelineEvent): MarkRole {
  switch (event.kind) {
    case "loaded":
    case "restarted":
      return "load";
    case "load-error":
    case "uncaught":
    case "error":
    case "sse-invalid":
    case "ws-error":
      return "error";
    case "log":
      return event.level === "error" || event.level === "stderr" ? "error" : "log";
    case "pitfall":
    case "sse-comment":
      return "log";
    case "summary":
    case "request":
    case "response":
    case "end":
    case "open":
    case "headers":
    case "reconnect":
    case "ws-open":
    case "sse-retry":
      return "lifecycle";
    case "write":
      // The handler's own writes into a transform the body reads through, and a generator's yield after
      // the client left: drawn faint, they are not the wire's.
      return event.upstream || event.unsent ? "folded" : "write";
    case "abort":
      return event.cause === "idle-timeout" || event.cause === "runner-lost" ? "error" : "abort";
    case "cancel":
      return "abort";
    case "cleanup":
    case "ws-drain":
      return "cleanup";
    case "leak":
      return "leak";
    case "folded":
      return "folded";
    case "chunk":
    case "ws-message":
      return "chunk";
    case "sse":
    case "ws-publish":
      return "sse";
    case "sse-no-event":
      return event.reason === "id-only" ? "sse" : event.reason === "unfinished" ? "abort" : "log";
    case "json-line":
      return event.error === undefined ? "sse" : "error";
    case "reading":
      return event.state === "paused" ? "abort" : "lifecycle";
    case "disconnect":
      return event.by === "drop" ? "abort" : event.by === "error" ? "error" : "lifecycle";
    // What a side sent is drawn as a write, what it received as a chunk, on either row.
    case "ws-send":
      return "write";
    case "ws-close":
      return event.code === 1000 || event.code === 1001 || event.code === 1005 ? "lifecycle" : "abort";
    default: {
      const _never: never = event;
      return _never;
    }
  }
}

/** `event`'s mark's height, 0..1 (see `TimelineMark.size`): by its bytes for what carries bytes. */
export function markSizeOf(event: TimelineEvent): number {
  switch (event.kind) {
    case "write":
    case "folded":
    case "chunk":
    case "ws-send":
    case "ws-message":
      return sizeForBytes(event.bytes);
    case "log":
    case "sse-no-event":
    case "sse-comment":
      return 0.4;
    case "abort":
    case "cancel":
    case "sse":
    case "sse-retry":
    case "ws-publish":
    case "reading":
    case "ws-drain":
      return pointSize;
    case "summary":
    case "request":
    case "response":
    case "end":
    case "open":
    case "headers":
    case "reconnect":
    case "ws-open":
    case "disconnect":
    case "ws-close":
      return lifecycleSize;
    case "json-line":
      return event.error === undefined ? pointSize : 1;
    case "loaded":
    case "restarted":
    case "load-error":
    case "uncaught":
    case "error":
    case "sse-invalid":
    case "ws-error":
    case "pitfall":
    case "cleanup":
    case "leak":
      return 1;
    default: {
      const _never: never = event;
      return _never;
    }
  }
}

/** A client reset's cause, as its mark's label says it. */
const disconnectCauseLabels: Record<Exclude<EndCause, "client-left">, string> = {
  "idle-timeout": "idle timeout",
  "runner-lost": "runner lost",
  "server-stopped": "server stopped",
};

/**
 * `event`'s mark's short label, as the timeline writes it beside the mark and in its tooltip. (Its
 * one-line text for the table and the CLI is the contract's `describeEvent`.)
 */
export function markLabelOf(event: TimelineEvent): string {
  switch (event.kind) {
    case "loaded":
      return `v${event.version} loaded`;
    case "load-error":
      return `v${event.version} failed: ${event.failure}${lineSuffix(event.line)}`;
    case "restarted":
      return `restarted (${event.cause})`;
    case "log":
      // A print of Bun's is labelled by its error, not by the code frame above it.
      return clip(logHeadline(event.text));
    case "uncaught":
      return `uncaught: ${clip(event.message)}`;
    case "pitfall":
      return event.pitfall;
    case "summary":
      return "summary";
    case "request":
      return `${event.method} ${clip(event.path, 24)} → v${event.version}`;
    case "response":
      return `${event.status}`;
    case "write":
      if (event.upstream) return `upstream ${formatBytes(event.bytes)}`;
      return event.unsent ? `unsent ${formatBytes(event.bytes)}` : formatBytes(event.bytes);
    case "end":
      return `end, ${countWithNoun(event.writes, "write")}`;
    case "error":
      return `error: ${clip(event.message)}${lineSuffix(event.line)}`;
    case "abort":
      if (event.cause === "idle-timeout") return `idle timeout (${event.idleTimeout?.seconds ?? "?"} s)`;
      if (event.cause === "server-stopped") return "server stopped";
      return event.cause === "runner-lost" ? "runner lost" : "abort";
    case "cancel":
      return "cancel";
    case "cleanup":
      return `cleanup after ${formatDuration(event.afterMs)}`;
    case "leak":
      return `leak: ${event.what}${lineSuffix(event.line)}`;
    case "folded":
      return `×${event.count} ${event.of}`;
    case "open":
      return event.attempt > 1 ? `open #${event.attempt}` : "open";
    case "headers":
      return `${event.status} after ${formatDuration(event.ttfbMs)}`;
    case "chunk":
      return formatBytes(event.bytes);
    case "sse":
      return `${clip(escapeInvisible(event.event), 24)}${event.lastEventId === "" ? "" : ` #${clip(escapeInvisible(event.lastEventId), 12)}`}`;
    case "sse-no-event":
      if (event.reason === "id-only")
        return event.lastEventId === "" ? "id reset" : `id → ${clip(escapeInvisible(event.lastEventId), 12)}`;
      return event.reason === "unfinished" ? "unfinished event dropped" : "no data";
    case "sse-comment":
      return `: ${clip(event.text, 20)}`;
    case "sse-retry":
      return `retry ${formatDuration(event.ms)}`;
    case "sse-invalid":
      return `invalid SSE: ${event.type}`;
    case "json-line":
      return event.error === undefined ? clip(escapeInvisible(event.text), 24) : `line ${event.line}: not JSON`;
    case "reading":
      return `${event.state === "paused" ? "paused" : "resumed"} reading`;
    case "disconnect":
      if (event.by === "drop") return "dropped";
      return `disconnect by ${event.by}${event.cause === undefined ? "" : `: ${disconnectCauseLabels[event.cause]}`}`;
    case "reconnect":
      return `reconnect after ${formatDuration(event.delayMs)}`;
    case "ws-open":
      return event.side === "server" ? `ws open v${event.version}` : "ws open";
    case "ws-send":
    case "ws-message":
      return messageLabel(event);
    case "ws-drain":
      return "drain";
    case "ws-close":
      return event.side === "client" && event.by !== undefined
        ? `ws close ${event.code} by ${event.by}`
        : `ws close ${event.code}`;
    case "ws-publish":
      return `publish ${clip(event.topic, 16)} → ${event.subscribers}`;
    case "ws-error":
      return `ws error: ${clip(event.message)}`;
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
