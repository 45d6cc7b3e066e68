/**
 * NDJSON / JSON Lines on the client side: a body whose content type says it is one JSON value per
 * line (as Ollama and many LLM and log APIs stream) is also read as `json-line` events, one per
 * line, like the `sse` events of an event stream.
 * @see https://github.com/ndjson/ndjson-spec
 * @see https://jsonlines.org/
 */

import { integer, literal, number, object, optional, string, type Check } from "./check.ts";
import { jsonValue, type JsonValue } from "./json-value.ts";
import type { EventAt } from "./event-at.ts";

/** The media types read as JSON lines (parameters such as `charset` are ignored). */
export const jsonLinesMediaTypes = [
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonl",
  "application/jsonlines",
  "application/x-jsonlines",
] as const;
export type JsonLinesMediaType = (typeof jsonLinesMediaTypes)[number];

/** Whether a MIME essence (`application/x-ndjson`, lowercase, no parameters) names JSON lines. */
export function isJsonLinesType(essence: string | undefined): boolean {
  return jsonLinesMediaTypes.includes(essence as JsonLinesMediaType);
}

/** Lines longer than this keep their text preview, but their parsed value is left out of the event. */
export const maxJsonLineValueBytes = 64 * 1024;

/** One line of a JSON-lines body: its value, or why it is not JSON. */
export interface JsonLineEvent extends EventAt<"client", "json-line"> {
  /** 1-based line number within the response body (blank lines count, though they make no event). */
  line: number;
  /** The line's size in bytes, without its line end. */
  bytes: number;
  /** The line as text (a preview, up to 1,024 characters), without its line end. */
  text: string;
  /**
   * The parsed value, when the line is JSON and at most `maxJsonLineValueBytes` long. Absent for a
   * longer line (its `text` still shows the start) and for a line that is not JSON.
   */
  value?: JsonValue | undefined;
  /** Why the line is not JSON (the parser's message); absent when it is. */
  error?: string | undefined;
}

export const jsonLineCheck: Check<JsonLineEvent> = object({
  t: number,
  lane: integer(0),
  side: literal("client"),
  kind: literal("json-line"),
  line: integer(1),
  bytes: integer(0),
  text: string,
  value: optional(jsonValue),
  error: optional(string),
});
