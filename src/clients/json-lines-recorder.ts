/**
 * Turns the bytes of an NDJSON / JSON Lines body into `json-line` events: one per line, with the
 * parsed value, or the parser's message for a line that is not JSON. A line cut across chunks (or
 * a character cut across them) is joined first, as SSE events are.
 *
 * Lines end at LF; a CR before it is dropped (JSON Lines allows `\r\n`). A blank line makes no
 * event (NDJSON lets parsers skip them) but still counts for line numbers. The last line needs no
 * line end: what is left when the stream ends is a line too.
 * @see https://github.com/ndjson/ndjson-spec#31-serialization
 */

import {
  jsonValue,
  maxJsonLineValueBytes,
  runCheck,
  type JsonLineEvent,
  type JsonValue,
  errorMessage,
} from "../contract/index.ts";
import { chunkBytes, previewChars } from "../shared/index.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import type { ClientEventSink } from "./types.ts";

const LF = "\n";

/**
 * The line's value, or why it has none: not JSON, or a value JSON text can hold but an event cannot (`1e999` parses to
 * Infinity).
 */
function parseLine(text: string, bytes: number): { value?: JsonValue; error?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: errorMessage(error) };
  }
  if (bytes > maxJsonLineValueBytes) return {};
  const checked = runCheck(jsonValue, parsed);
  return checked.ok
    ? { value: checked.value }
    : { error: `parsed, but it cannot be shown as JSON: the value ${checked.problem}` };
}

/** Turns a JSON Lines body into `json-line` events, one per line. */
export interface JsonLinesRecorder {
  /** Feeds the next bytes of the body, cut anywhere (even inside a character). */
  feed(bytes: Uint8Array): void;
  /**
   * The connection ended. When the body was complete, its last line, if it had no line end, is a
   * line too; when the connection broke or was dropped, that line was cut off, and says so.
   */
  reset(complete?: boolean): void;
}

export function createJsonLinesRecorder(sink: ClientEventSink): JsonLinesRecorder {
  const { lane, now } = sink;
  const lineEvents = createGatedEmitter<JsonLineEvent>({
    of: "json-line",
    lane,
    emit: sink.emit,
    floodGate: sink.floodGate,
  });
  // A leading BOM is dropped (RFC 8259 §8.1 lets a parser ignore it); bad bytes become U+FFFD.
  let decoder = new TextDecoder("utf-8");
  /** The start of a line still arriving, in pieces: joined once its end comes. */
  let held: string[] = [];
  let lineNumber = 0;

  /** Records line number `line`, `text`, with what `outcome` makes of it (asked only when the event is kept). */
  function recordLine(
    line: number,
    text: string,
    outcome: (bytes: number) => { value?: JsonValue; error?: string },
  ): void {
    const t = now();
    const bytes = chunkBytes(text);
    lineEvents.record(t, bytes, () => ({
      t,
      lane,
      side: "client",
      kind: "json-line",
      line,
      bytes,
      text: text.length > previewChars ? text.slice(0, previewChars) : text,
      ...outcome(bytes),
    }));
  }

  function takeLine(received: string): void {
    lineNumber++;
    const text = received.endsWith("\r") ? received.slice(0, -1) : received;
    if (text.trim() === "") return;
    recordLine(lineNumber, text, (bytes) => parseLine(text, bytes));
  }

  /** A line the connection ended inside: its text so far, and why it has no value. */
  function cutLine(text: string): void {
    recordLine(++lineNumber, text, () => ({ error: "cut off: the connection ended inside this line" }));
  }

  function take(text: string): void {
    let from = 0;
    for (let end = text.indexOf(LF); end !== -1; end = text.indexOf(LF, from)) {
      const piece = text.slice(from, end);
      takeLine(held.length === 0 ? piece : held.join("") + piece);
      held = [];
      from = end + 1;
    }
    if (from < text.length) held.push(text.slice(from));
  }

  return {
    feed(bytes: Uint8Array): void {
      take(decoder.decode(bytes, { stream: true }));
    },
    reset(complete = true): void {
      take(decoder.decode());
      const rest = held.join("");
      if (rest !== "" && complete) takeLine(rest);
      else if (rest.trim() !== "") cutLine(rest);
      lineEvents.flush();
      held = [];
      lineNumber = 0;
      decoder = new TextDecoder("utf-8");
    },
  };
}
