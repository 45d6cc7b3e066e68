/**
 * Turns the bytes of a `text/event-stream` body into timeline events, as a browser's EventSource
 * sees them, and keeps the state an EventSource carries across reconnects (the last event id and
 * the reconnection time).
 *
 * Fields are parsed by eventsource-parser, fed one whole line at a time. Beside it, the recorder
 * keeps the current block's lines, to say what the browser did with a block that fired no event
 * (an `id` without data, no data at all, a block the stream ended inside) and with an `id` that
 * contains U+0000, none of which the parser reports. Where the spec leaves a choice, Chromium's
 * `EventSource` decides (tests/browser/sse-oracle.test.ts compares the two).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */

import { createParser } from "eventsource-parser";
import type { SseEvent, SseNoEventReason } from "../contract/index.ts";
import { chunkBytes, previewChars } from "../shared/index.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import { createLineSplitter, fieldOf } from "./sse-lines.ts";
import type { ClientEventSink } from "./types.ts";

/** The reconnection time before the stream sets one; the spec leaves it to the user agent, Chromium waits 3 s. */
export const defaultRetryMs = 3_000;

/** Chromium reads `retry` as an unsigned 64-bit number, and ignores a value that does not fit. */
const largestRetry = 2n ** 64n - 1n;

/** An event the browser dispatches: what its `MessageEvent` says, and the block's own id. */
export type DispatchedEvent = Pick<SseEvent, "event" | "id" | "lastEventId" | "data">;

export interface SseRecorderOptions {
  /** What an empty `retry` goes back to (see `SseRetryEvent.reset`); `defaultRetryMs` when left out. */
  defaultRetryMs?: number | undefined;
  /**
   * Receives the events the browser dispatches instead of the timeline, for a lane whose `sse`
   * events a real browser reports itself. Left out, they are recorded as `sse` events.
   */
  onDispatch?: ((event: DispatchedEvent) => void) | undefined;
}

/** The stream is UTF-8 whatever its headers say, and bad bytes become U+FFFD (spec, as above). */
function createStreamDecoder(): TextDecoder {
  // `ignoreBOM` keeps a leading U+FEFF in the text so that the parser strips it. Left to both, the
  // decoder would strip one and the parser a second, where the spec ignores only one.
  return new TextDecoder("utf-8", { ignoreBOM: true });
}

/** Turns an SSE body into the events a browser's `EventSource` would fire, and the blocks it would not. */
export interface SseRecorder {
  /** Feeds the next bytes of the body, cut anywhere (even inside a character or a CRLF). */
  feed(bytes: Uint8Array): void;
  /**
   * The stream ended (or is being dropped for a reconnect): emits what the flood gate still
   * holds, says what the browser dropped (a block with no blank line after it yet), and readies
   * the recorder for a new stream. The last event id and retry are kept.
   */
  reset(): void;
  /** The browser's last event id string: what the next event's `lastEventId` is, and what a reconnect sends. */
  readonly lastEventId: string;
  /** The last valid `retry:` value in ms, if the stream sent one (an empty `retry` forgets it). */
  readonly retryMs: number | undefined;
}

export function createSseRecorder(sink: ClientEventSink, options: SseRecorderOptions = {}): SseRecorder {
  const { lane, now, emit } = sink;
  const sseEvents = createGatedEmitter<SseEvent>({ of: "sse", lane, emit, floodGate: sink.floodGate });
  const lines = createLineSplitter();
  let lastEventId = "";
  let retryMs: number | undefined;
  let decoder = createStreamDecoder();
  /** The next line is the stream's first: the one a BOM may begin. */
  let firstLine = true;
  /**
   * Whole lines not yet handed to the parser, each with its line end: they go to it together at
   * the end of a block or of a chunk, or before the recorder says something of its own, so every
   * event keeps its place in the stream.
   */
  let unfed: string[] = [];
  /** The values of `retry` lines fed but not yet reported by the parser, in order: one report each. */
  const retryValues: string[] = [];
  /**
   * The current block's lines (up to the preview limit), and whether it has a field that is not a comment or `retry`.
   */
  let block: string[] = [];
  let blockChars = 0;
  let blockHasFields = false;
  /** What the parser reported for the blank line being fed. */
  let dispatched = false;
  let idSet = false;

  const invalid = (type: string, line: string, message: string) =>
    emit({ t: now(), lane, side: "client", kind: "sse-invalid", type, line, message });

  const parser = createParser({
    // Called for every block with a valid `id` field, data or not, before its event: the spec's
    // "last event ID buffer", which becomes each event's `lastEventId`.
    onId(id) {
      lastEventId = id;
      idSet = true;
    },
    onEvent(message) {
      dispatched = true;
      const { id, data } = message;
      const event = message.event ?? "message";
      const last = lastEventId;
      if (options.onDispatch) {
        options.onDispatch(
          id === undefined ? { event, lastEventId: last, data } : { event, id, lastEventId: last, data },
        );
        return;
      }
      const t = now();
      // Built field by field, not spread: this runs for every event of a flood.
      sseEvents.record(t, chunkBytes(data), () =>
        id === undefined
          ? { t, lane, side: "client", kind: "sse", event, lastEventId: last, data }
          : { t, lane, side: "client", kind: "sse", event, id, lastEventId: last, data },
      );
    },
    onRetry(ms) {
      const value = retryValues.shift() ?? "";
      if (BigInt(value) > largestRetry) {
        invalid(
          "invalid-retry",
          `retry: ${value}`,
          `Invalid \`retry\` value: "${value}" does not fit in 64 bits, so the browser ignores it`,
        );
        return;
      }
      retryMs = ms;
      emit({ t: now(), lane, side: "client", kind: "sse-retry", ms });
    },
    onComment(text) {
      emit({ t: now(), lane, side: "client", kind: "sse-comment", text });
    },
    onError(error) {
      if (error.type === "invalid-retry") retryValues.shift();
      // eventsource-parser 4.1.3 calls an empty value invalid; Chromium goes back to its default.
      if (error.type === "invalid-retry" && error.value === "") {
        retryMs = undefined;
        emit({
          t: now(),
          lane,
          side: "client",
          kind: "sse-retry",
          ms: options.defaultRetryMs ?? defaultRetryMs,
          reset: true,
        });
        return;
      }
      invalid(error.type, error.line ?? "", error.message);
    },
  });

  function noEvent(reason: SseNoEventReason, partial = ""): void {
    const lines = partial === "" ? block : [...block, partial];
    const text = lines.join("\n");
    emit({
      t: now(),
      lane,
      side: "client",
      kind: "sse-no-event",
      reason,
      block: text.length > previewChars ? text.slice(0, previewChars) : text,
      lastEventId,
    });
  }

  function endBlock(): void {
    block = [];
    blockChars = 0;
    blockHasFields = false;
  }

  function feedParser(): void {
    if (unfed.length === 0) return;
    const text = unfed.join("");
    unfed = [];
    parser.feed(text);
  }

  function takeLine(received: string): void {
    let line = received;
    let fed = received;
    if (firstLine) {
      firstLine = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      // eventsource-parser 4.1.3 also strips "\xEF\xBB\xBF" as three characters, for callers that
      // decode as Latin-1; decoded as UTF-8 those are the text "ï»¿", which the spec keeps. A BOM
      // put in front is what it strips instead.
      else if (line.startsWith("\xEF\xBB\xBF")) fed = `\uFEFF${line}`;
    }
    if (line === "") {
      unfed.push(`${fed}\n`);
      dispatched = false;
      idSet = false;
      feedParser();
      if (!dispatched && idSet) noEvent("id-only");
      else if (!dispatched && blockHasFields) noEvent("no-data");
      endBlock();
      return;
    }
    if (blockChars < previewChars) {
      block.push(line);
      blockChars += line.length + 1;
    }
    // Only `id` and `retry` lines need a closer look; `data:` and `event:` lines, most of a stream, do not.
    const first = line.charCodeAt(0);
    if (first !== 105 && first !== 114) {
      if (first !== 58) blockHasFields = true;
      unfed.push(`${fed}\n`);
      return;
    }
    const field = fieldOf(line);
    if (field !== undefined && field.field !== "retry") blockHasFields = true;
    if (field?.field === "retry") retryValues.push(field.value);
    if (field?.field === "id" && field.value.includes("\0")) {
      // What the lines before it did comes first.
      feedParser();
      const kept = lastEventId === "" ? "stays empty" : `stays "${lastEventId}"`;
      invalid("id-with-null", line, `An \`id\` containing U+0000 NULL is ignored: lastEventId ${kept}`);
    }
    unfed.push(`${fed}\n`);
  }

  return {
    feed(bytes: Uint8Array): void {
      lines.feed(decoder.decode(bytes, { stream: true }), takeLine);
      feedParser();
    },
    reset(): void {
      feedParser();
      sseEvents.flush();
      const partial = lines.partial + decoder.decode();
      if (blockHasFields || partial !== "")
        noEvent("unfinished", partial.length > previewChars ? partial.slice(0, previewChars) : partial);
      parser.reset();
      decoder = createStreamDecoder();
      lines.reset();
      retryValues.length = 0;
      firstLine = true;
      endBlock();
    },
    get lastEventId(): string {
      return lastEventId;
    },
    get retryMs(): number | undefined {
      return retryMs;
    },
  };
}
