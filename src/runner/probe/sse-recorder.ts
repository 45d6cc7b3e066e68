/**
 * Turns the bytes of a `text/event-stream` body into timeline events, and keeps the state an
 * EventSource carries across reconnects (the last event id and the reconnection time).
 *
 * Parsing is eventsource-parser's; this adds the byte decoding and the line holding around it.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */

import { createParser } from "eventsource-parser";
import type { SseEvent } from "../../contract/index.ts";
import { chunkBytes } from "../preview.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import type { ProbeEventSink } from "./types.ts";

/** The stream is UTF-8 whatever its headers say, and bad bytes become U+FFFD (spec, as above). */
function createStreamDecoder(): TextDecoder {
  // `ignoreBOM` keeps a leading U+FEFF in the text so that the parser strips it. Left to both, the
  // decoder would strip one and the parser a second, where the spec ignores only one.
  return new TextDecoder("utf-8", { ignoreBOM: true });
}

function lastLineEnd(text: string): number {
  return Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
}

export function createSseRecorder(sink: ProbeEventSink) {
  const { lane, now, emit } = sink;
  const sseEvents = createGatedEmitter<SseEvent>({ of: "sse", lane, emit, floodGate: sink.floodGate });
  let lastEventId = "";
  let retryMs: number | undefined;
  let decoder = createStreamDecoder();
  /** Text after the last line end fed so far: the start of a line still arriving. */
  let heldLine: string[] = [];

  const parser = createParser({
    // Called for every block with an `id` field, data or not, so the last event id follows the
    // spec's "last event ID buffer" rather than only the dispatched events.
    onId(id) {
      lastEventId = id;
    },
    onEvent(message) {
      const t = now();
      sseEvents.record(t, chunkBytes(message.data), () => ({
        t,
        lane,
        side: "client",
        kind: "sse",
        event: message.event ?? "message",
        ...(message.id === undefined ? {} : { id: message.id }),
        data: message.data,
      }));
    },
    onRetry(ms) {
      retryMs = ms;
      emit({ t: now(), lane, side: "client", kind: "sse-retry", ms });
    },
    onComment(text) {
      emit({ t: now(), lane, side: "client", kind: "sse-comment", text });
    },
    onError(error) {
      emit({ t: now(), lane, side: "client", kind: "sse-invalid", type: error.type, line: error.line ?? "", message: error.message });
    },
  });

  return {
    /** Feeds the next bytes of the body, cut anywhere (even inside a character or a CRLF). */
    feed(bytes: Uint8Array): void {
      const text = decoder.decode(bytes, { stream: true });
      const end = lastLineEnd(text);
      if (end === -1) {
        if (text !== "") heldLine.push(text);
        return;
      }
      // Only whole lines go to the parser. eventsource-parser 4.1.3 drops an unfinished line that
      // cannot become a known field (`foo: b` of `foo: bar`) without calling onError, so the same
      // stream cut in different places would report different `sse-invalid` events.
      heldLine.push(text.slice(0, end + 1));
      const lines = heldLine.join("");
      heldLine = end + 1 < text.length ? [text.slice(end + 1)] : [];
      // A CR at the end may be half of a CRLF; the parser remembers to skip a following LF.
      parser.feed(lines);
    },
    /**
     * The stream ended (or is being dropped for a reconnect): emits what the flood gate still
     * holds, discards an event with no blank line after it yet (the spec does not dispatch it),
     * and readies the recorder for a new stream. The last event id and retry are kept.
     */
    reset(): void {
      sseEvents.flush();
      parser.reset();
      decoder = createStreamDecoder();
      heldLine = [];
    },
    /** The id of the last block that had an `id` field; `""` at first or after an empty `id:`. */
    get lastEventId(): string {
      return lastEventId;
    },
    /** The last valid `retry:` value in ms, if the stream sent one. */
    get retryMs(): number | undefined {
      return retryMs;
    },
  };
}

export type SseRecorder = ReturnType<typeof createSseRecorder>;
