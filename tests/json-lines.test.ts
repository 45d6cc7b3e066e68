import { describe, expect, test } from "bun:test";
import type { ClientEvent, FoldedEvent, JsonLineEvent } from "../src/contract/index.ts";
import { openClient } from "../src/clients/index.ts";
import { createJsonLinesRecorder } from "../src/clients/json-lines-recorder.ts";

type Recorded = ClientEvent | FoldedEvent;
const encoder = new TextEncoder();

/** What a recorder made of `body` fed in `pieces`, without times and lanes. */
function record(pieces: readonly Uint8Array[], complete = true) {
  const events: Recorded[] = [];
  const recorder = createJsonLinesRecorder({ lane: 1, now: () => 0, emit: (event) => events.push(event) });
  for (const piece of pieces) recorder.feed(piece);
  recorder.reset(complete);
  return events.map((event) => {
    const { t: _t, lane: _lane, side: _side, ...rest } = event;
    return rest;
  });
}

/** `bytes` cut at `at`. */
const cutAt = (bytes: Uint8Array, at: number) => [bytes.subarray(0, at), bytes.subarray(at)];

// An Ollama-style stream, with what makes reading lines hard: CRLF, a blank line, a line that is
// not JSON, characters of two, three and four bytes, a BOM in front, no line end at the very end.
const body = encoder.encode(
  '\uFEFF{"model":"llama3","response":"Hé","done":false}\r\n{"response":"ll€ 🌍","done":false}\n\nnot json at all\n{"response":"","done":true,"total_duration":123}',
);

describe("the JSON-lines recorder", () => {
  test("each line is an event with its number, size, text and parsed value; a blank line makes none; a line that is not JSON says why", () => {
    expect(record([body])).toEqual([
      {
        kind: "json-line",
        line: 1,
        bytes: 48,
        text: '{"model":"llama3","response":"Hé","done":false}',
        value: { model: "llama3", response: "Hé", done: false },
      },
      {
        kind: "json-line",
        line: 2,
        bytes: 38,
        text: '{"response":"ll€ 🌍","done":false}',
        value: { response: "ll€ 🌍", done: false },
      },
      {
        kind: "json-line",
        line: 4,
        bytes: 15,
        text: "not json at all",
        error: 'JSON Parse error: Unexpected identifier "not"',
      },
      {
        kind: "json-line",
        line: 5,
        bytes: 48,
        text: '{"response":"","done":true,"total_duration":123}',
        value: { response: "", done: true, total_duration: 123 },
      },
    ]);
  });

  test("the values are what JSON.parse gives for each non-blank line (the oracle)", () => {
    const lines = new TextDecoder()
      .decode(body)
      .split("\n")
      .map((line) => line.replace(/\r$/, ""));
    const oracle = lines
      .filter((line) => line.trim() !== "")
      .map((line) => {
        try {
          return { value: JSON.parse(line) as unknown };
        } catch {
          return { error: true };
        }
      });
    expect(
      record([body]).map((event) => ("value" in event ? { value: event.value as unknown } : { error: true })),
    ).toEqual(oracle);
  });

  test("cut at every byte, even inside a character or between CR and LF, it reads the same", () => {
    const whole = record([body]);
    for (let at = 1; at < body.byteLength; at++)
      expect({ at, events: record(cutAt(body, at)) }).toEqual({ at, events: whole });
  });

  test("fed one byte at a time, it reads the same", () => {
    expect(record(Array.from(body, (byte) => new Uint8Array([byte])))).toEqual(record([body]));
  });

  test("a connection that broke inside a line says the line was cut off", () => {
    expect(record([encoder.encode('{"a":1}\n{"b":')], false)).toEqual([
      { kind: "json-line", line: 1, bytes: 7, text: '{"a":1}', value: { a: 1 } },
      { kind: "json-line", line: 2, bytes: 5, text: '{"b":', error: "cut off: the connection ended inside this line" },
    ]);
  });

  test("a number too large for an event, and nesting past the limit, are reported instead of sent on", () => {
    const deep = `${"[".repeat(70)}${"]".repeat(70)}`;
    const events = record([encoder.encode(`{"n":1e999}\n${deep}\n`)]);
    expect(events.map((event) => (event as JsonLineEvent).error)).toEqual([
      "parsed, but it cannot be shown as JSON: the value n must be a finite number",
      `parsed, but it cannot be shown as JSON: the value ${"[0]".repeat(64)} must be nested at most 64 deep`,
    ]);
  });

  test("a line longer than 64 KiB keeps its text preview and size but not its value", () => {
    const long = JSON.stringify({ text: "x".repeat(70_000) });
    const [event] = record([encoder.encode(`${long}\n`)]) as Omit<JsonLineEvent, "t" | "lane" | "side">[];
    expect({
      bytes: event!.bytes,
      textLength: event!.text.length,
      hasValue: "value" in event!,
      error: event!.error,
    }).toEqual({ bytes: 70_011, textLength: 1024, hasValue: false, error: undefined });
  });
});

describe("the stream client on an NDJSON body", () => {
  for (const contentType of ["application/x-ndjson", "application/jsonl; charset=utf-8", "application/x-jsonlines"]) {
    test(`${contentType}: lines cut across writes arrive as whole json-line events, after the chunks that completed them`, async () => {
      // The second write waits for the client to have read the first, so they are two chunks however busy the machine.
      const firstRead = Promise.withResolvers<void>();
      await using server = Bun.serve({
        port: 0,
        fetch: () =>
          new Response(
            new ReadableStream({
              async pull(controller) {
                controller.enqueue('{"i":1}\n{"i"');
                await firstRead.promise;
                controller.enqueue(':2}\n{"i":3}\n');
                controller.close();
              },
            }),
            { headers: { "content-type": contentType } },
          ),
      });
      const events: Recorded[] = [];
      const probe = openClient({
        lane: 1,
        url: server.url.href,
        client: "stream",
        now: () => performance.now(),
        emit: (event) => {
          events.push(event);
          if (event.kind === "chunk") firstRead.resolve();
        },
      });
      await probe.done;
      const kinds = events.map((event) =>
        event.kind === "json-line" ? `line ${event.line}: ${JSON.stringify(event.value)}` : event.kind,
      );
      expect(kinds).toEqual([
        "open",
        "headers",
        "chunk",
        'line 1: {"i":1}',
        "chunk",
        'line 2: {"i":2}',
        'line 3: {"i":3}',
        "disconnect",
      ]);
    });
  }

  test("a text/plain body of the same bytes makes no json-line events", async () => {
    await using server = Bun.serve({
      port: 0,
      fetch: () => new Response('{"i":1}\n', { headers: { "content-type": "text/plain" } }),
    });
    const events: Recorded[] = [];
    await openClient({
      lane: 1,
      url: server.url.href,
      client: "stream",
      now: () => performance.now(),
      emit: (event) => events.push(event),
    }).done;
    expect(events.map((event) => event.kind)).toEqual(["open", "headers", "chunk", "disconnect"]);
  });
});
