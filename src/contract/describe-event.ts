/**
 * How each timeline event reads in one line: the detail the `trace` command prints after its kind,
 * and the colour it is shown in. The page's table, tooltips and details say the same.
 */

import { describeBehaviour } from "./client-behaviour.ts";
import type { JsonLineEvent } from "./json-line-events.ts";
import type { OpenEvent, SseEvent, SseNoEventEvent, TimelineEvent } from "./timeline-events.ts";
import { describeWebSocketEvent } from "./describe-websocket-event.ts";
import type { EventColour } from "./event-colour.ts";
import { escapeInvisible, visiblePreview, visibleText } from "./visible-text.ts";
import { countWithNoun } from "./format-count.ts";
import { requestEnd } from "./request-end.ts";

/**
 * `#7`: what `MessageEvent.lastEventId` is, whether this event's block or an earlier one set it; nothing when it is
 * empty.
 */
function lastEventIdLabel(event: SseEvent): string {
  return event.lastEventId === "" ? "" : ` #${escapeInvisible(event.lastEventId)}`;
}

const noEventReasons: Record<SseNoEventEvent["reason"], (event: SseNoEventEvent) => string> = {
  "id-only": (event) =>
    event.lastEventId === ""
      ? "id reset, no data: no event fired"
      : `lastEventId is now ${visibleText(event.lastEventId, 40)}, no data: no event fired`,
  "no-data": () => "no data: no event fired",
  unfinished: () => "the stream ended before the blank line: not dispatched",
};

/** `line 3: {"done":false}`, the line as written, its invisible characters escaped; or why it is not JSON. */
function describeJsonLine(event: JsonLineEvent): string {
  const text = escapeInvisible(event.text.length > 80 ? `${event.text.slice(0, 80)}…` : event.text);
  if (event.error !== undefined) return `line ${event.line} is not JSON (${event.error}): ${text}`;
  return `line ${event.line}: ${text}${event.value === undefined ? ` (${event.bytes} B, too long to keep its value)` : ""}`;
}

/** What else an `open` says: the server's side it cannot see, and how the client misbehaves. */
function openNotes(event: OpenEvent): string {
  const notes = [
    ...(event.external ? ["server side not visible"] : []),
    ...(event.outside !== undefined ? [`outside client from ${event.outside}, as the server saw it`] : []),
    ...(event.slow ? [describeBehaviour(event.slow)] : []),
  ];
  return notes.length === 0 ? "" : ` (${notes.join("; ")})`;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const contentType = (headers: Record<string, string>) => (headers["content-type"] ? ` ${headers["content-type"]}` : "");
/**
 * What a `Content-Encoding` on an event stream means for its events: a compressor emits bytes when
 * its buffer fills or it is flushed, so events arrive late and in clumps (CompressionStream, and
 * proxies that compress), unless every event is flushed.
 */
function encodingNote(headers: Record<string, string>): string {
  const encoding = headers["content-encoding"];
  if (!encoding || encoding === "identity") return "";
  const type = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  const stream = type === "text/event-stream" || type === "application/x-ndjson" || type === "application/jsonl";
  return stream
    ? `, ${encoding}-encoded: events are read from the decoded bytes, and arrive only when the compressor flushes (late and in clumps, through CompressionStream or a compressing proxy)`
    : `, ${encoding}-encoded`;
}
const at = (line: number | undefined) => (line === undefined ? "" : ` (line ${line})`);

/** The detail column, and the colour the kind is shown in. */
export function describeEvent(event: TimelineEvent): { detail: string; colour: EventColour } {
  switch (event.kind) {
    case "loaded": {
      const notices = event.notices.map((n) => `\n      notice${at(n.line)}: ${n.message}`).join("");
      return {
        detail: `v${event.version} (${event.form}) in ${ms(event.loadMs)}, serving ${event.url}${notices}`,
        colour: "green",
      };
    }
    case "load-error": {
      const where = event.line === undefined ? "" : ` at ${event.line}:${event.column ?? 1}`;
      const serving = event.serving === undefined ? "nothing is serving" : `v${event.serving} keeps serving`;
      return { detail: `v${event.version} ${event.failure}${where}: ${event.message} (${serving})`, colour: "red" };
    }
    case "restarted":
      return { detail: `${event.cause}: ${event.reason}`, colour: "red" };
    case "log":
      return {
        detail: `${event.level}${at(event.line)}: ${event.text}`,
        colour: event.level === "error" || event.level === "stderr" ? "yellow" : "dim",
      };
    case "uncaught":
      return { detail: `${event.message}${at(event.line)}`, colour: "red" };
    case "pitfall":
      return { detail: `${event.pitfall}${at(event.line)}: ${event.message}`, colour: "yellow" };
    case "summary":
      return {
        detail: Object.entries(event.counts)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(", "),
        colour: "dim",
      };
    case "request":
      return {
        detail: `${event.method} ${event.path} → v${event.version}${event.from !== undefined ? ` from ${event.from}` : ""}`,
        colour: "blue",
      };
    case "response":
      if (event.status === 101)
        return {
          detail: `101 Switching Protocols: upgraded to ${event.headers.upgrade ?? "another protocol"}`,
          colour: "blue",
        };
      return { detail: `${event.status}${contentType(event.headers)} (${event.body} body)`, colour: "blue" };
    case "write": {
      const waited = event.waitedMs !== undefined && event.waitedMs >= 1 ? `, waited ${ms(event.waitedMs)}` : "";
      if (event.upstream)
        return {
          detail: `${event.bytes} B by ${event.via}${at(event.line)} into the handler's own stream, upstream of the wire ${visiblePreview(event)}`,
          colour: "dim",
        };
      if (event.unsent)
        return {
          detail: `${event.bytes} B by ${event.via}${at(event.line)} after ${requestEnd(event.cause)}, never sent ${visiblePreview(event)}`,
          colour: "dim",
        };
      return {
        detail: `${event.bytes} B by ${event.via}${at(event.line)}${waited} ${visiblePreview(event)}`,
        colour: "reset",
      };
    }
    case "end":
      return { detail: `${countWithNoun(event.writes, "write")}, ${event.bytes} B`, colour: "blue" };
    case "error":
      return {
        detail: `${event.handler === undefined ? event.during : `${event.handler} handler`}${at(event.line)}: ${event.message}`,
        colour: "red",
      };
    case "abort":
      return {
        detail:
          event.cause === undefined || event.cause === "client-left"
            ? "req.signal aborted: the client went away"
            : `req.signal aborted: ${event.detail ?? event.cause}`,
        // The client leaving and the server being stopped are ends someone chose; the others are faults.
        colour:
          event.cause === undefined || event.cause === "client-left" || event.cause === "server-stopped"
            ? "yellow"
            : "red",
      };
    case "cancel":
      return { detail: event.reason, colour: "yellow" };
    case "cleanup":
      return {
        detail:
          event.via === "timer-cleared"
            ? `the snippet cleared its request's timer ${ms(event.afterMs)} after ${requestEnd(event.cause)}`
            : `${event.via} finished ${ms(event.afterMs)} after ${requestEnd(event.cause)}`,
        colour: "green",
      };
    case "leak":
      return { detail: `${event.what}${at(event.line)}: ${event.detail}`, colour: "red" };
    case "folded":
      if (event.of === "uncaught")
        return {
          detail: `${event.count} more of the same uncaught error over ${ms(event.t - event.since)}, folded`,
          colour: "dim",
        };
      return {
        detail: `${countWithNoun(event.count, `${event.upstream ? "upstream " : ""}${event.of} event`)} (${event.bytes} B) over ${ms(event.t - event.since)}, folded`,
        colour: "dim",
      };
    case "open":
      return {
        detail: `${event.client} ${event.method} ${event.url}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}${openNotes(event)}`,
        colour: "cyan",
      };
    case "headers":
      return {
        detail: `${event.status}${contentType(event.headers)}, first byte after ${ms(event.ttfbMs)}${encodingNote(event.headers)}`,
        colour: "cyan",
      };
    case "chunk":
      if (event.decoded) {
        const { encoding, bytes, error } = event.decoded;
        const decoded =
          error === undefined ? `${bytes} B ${visiblePreview(event.decoded)}` : `not ${encoding}: ${error}`;
        return { detail: `${event.bytes} B ${encoding} → ${decoded}`, colour: error === undefined ? "reset" : "red" };
      }
      return { detail: `${event.bytes} B ${visiblePreview(event)}`, colour: "reset" };
    case "sse":
      return {
        detail: `${escapeInvisible(event.event)}${lastEventIdLabel(event)} ${visibleText(event.data)}`,
        colour: "magenta",
      };
    case "sse-no-event":
      return {
        detail: `${noEventReasons[event.reason](event)} ${visibleText(event.block, 60)}`,
        colour: event.reason === "unfinished" ? "yellow" : "dim",
      };
    case "sse-comment":
      return { detail: visibleText(event.text), colour: "dim" };
    case "sse-retry":
      return {
        detail: event.reset ? `${ms(event.ms)}: an empty retry goes back to the default` : ms(event.ms),
        colour: "magenta",
      };
    case "sse-invalid":
      return { detail: `${event.type}: ${visibleText(event.line)}`, colour: "red" };
    case "json-line":
      return { detail: describeJsonLine(event), colour: event.error === undefined ? "magenta" : "yellow" };
    case "reading":
      return {
        detail: `${event.state} reading (${event.cause === "stall" ? "the lane's stall setting" : "from the lane's chip"})`,
        colour: event.state === "paused" ? "yellow" : "cyan",
      };
    case "disconnect":
      if (event.by === "drop")
        return {
          detail: `dropped after ${countWithNoun(event.chunks, "chunk")}, ${event.bytes} B, as the lane's setting says: no clean close`,
          colour: "yellow",
        };
      return {
        // An error's own full stop ("…closed unexpectedly.") would end the sentence before its count.
        detail: `by ${event.by}${event.message ? `: ${event.message.replace(/\.$/, "")}` : ""} after ${countWithNoun(event.chunks, "chunk")}, ${event.bytes} B${event.causeDetail ? `, because ${event.causeDetail}` : ""}`,
        colour: event.by === "error" ? "red" : "cyan",
      };
    case "reconnect":
      return {
        // The Last-Event-ID first: it is what a reader looks for, and a narrow column cuts the end.
        detail: `${event.lastEventId ? `Last-Event-ID: ${visibleText(event.lastEventId, 40)}` : "no Last-Event-ID"}, after ${ms(event.delayMs)}`,
        colour: "cyan",
      };
    case "ws-open":
    case "ws-message":
    case "ws-send":
    case "ws-drain":
    case "ws-close":
    case "ws-publish":
    case "ws-error":
      return describeWebSocketEvent(event, (text) => visibleText(text));
    default: {
      const _never: never = event;
      return { detail: JSON.stringify(_never), colour: "reset" };
    }
  }
}
