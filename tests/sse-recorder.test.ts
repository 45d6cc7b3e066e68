import { describe, expect, test } from "bun:test";
import type { ClientEvent, FoldedEvent } from "../src/contract/index.ts";
import { createSseRecorder } from "../src/clients/sse-recorder.ts";
import type { FloodGateOptions } from "../src/shared/flood-gate.ts";

type Recorded = ClientEvent | FoldedEvent;

/** An event without the fields every event has, so lists compare on what was received. */
function withoutEnvelope(event: Recorded) {
  const { t: _t, lane: _lane, side: _side, ...rest } = event;
  return rest;
}

type Received = ReturnType<typeof withoutEnvelope>;

function record(chunks: Uint8Array[], floodGate?: FloodGateOptions) {
  const events: Recorded[] = [];
  const recorder = createSseRecorder({ lane: 1, now: () => 0, emit: (event) => events.push(event), floodGate });
  for (const chunk of chunks) recorder.feed(chunk);
  return { recorder, events, received: () => events.map(withoutEnvelope) };
}

const encode = (text: string) => new TextEncoder().encode(text);

// Every line ending the spec allows, a BOM, characters of 2 and 4 bytes, each field kind, and each
// kind of block that fires no event.
const stream = encode(
  "\uFEFF" +
    ": hello comment\r\n" +
    "retry: 1500\n" +
    "id: 1\r" +
    "event: greeting\r" +
    "data: héllo 🌍\r\n" +
    "\r\n" +
    "data: line one\n" +
    "data: line two\r" +
    "data:line three\n" +
    "\n" +
    "foo: bar\r\n" +
    "retry: soon\r" +
    "event: update\n" +
    "id\n" +
    "data\n" +
    "\n" +
    "id: 2\r\n" +
    "\r\n" +
    "event: nothing\n" +
    "\n" +
    ": only a comment\n" +
    "\n" +
    "id: 3\u0000\n" +
    "data: kept id\n" +
    "\n" +
    "retry:\n" +
    "data: never finished\n",
);

const expected: Received[] = [
  { kind: "sse-comment", text: "hello comment" },
  { kind: "sse-retry", ms: 1500 },
  { kind: "sse", event: "greeting", id: "1", lastEventId: "1", data: "héllo 🌍" },
  { kind: "sse", event: "message", lastEventId: "1", data: "line one\nline two\nline three" },
  { kind: "sse-invalid", type: "unknown-field", line: "foo: bar", message: 'Unknown field "foo"' },
  { kind: "sse-invalid", type: "invalid-retry", line: "retry: soon", message: 'Invalid `retry` value: "soon"' },
  { kind: "sse", event: "update", id: "", lastEventId: "", data: "" },
  { kind: "sse-no-event", reason: "id-only", block: "id: 2", lastEventId: "2" },
  { kind: "sse-no-event", reason: "no-data", block: "event: nothing", lastEventId: "2" },
  { kind: "sse-comment", text: "only a comment" },
  {
    kind: "sse-invalid",
    type: "id-with-null",
    line: "id: 3\u0000",
    message: 'An `id` containing U+0000 NULL is ignored: lastEventId stays "2"',
  },
  { kind: "sse", event: "message", lastEventId: "2", data: "kept id" },
  { kind: "sse-retry", ms: 3000, reset: true },
];

/** What `reset` adds at the end of `stream`: the block the stream ended inside. */
const unfinished: Received = {
  kind: "sse-no-event",
  reason: "unfinished",
  block: "retry:\ndata: never finished",
  lastEventId: "2",
};

describe("sse recorder", () => {
  test("records a whole stream as the events written out by hand", () => {
    const { recorder, received } = record([stream]);
    expect(received()).toEqual(expected);
    // An empty `retry` went back to the default, which the recorder leaves to its client.
    expect({ lastEventId: recorder.lastEventId, retryMs: recorder.retryMs }).toEqual({
      lastEventId: "2",
      retryMs: undefined,
    });
    recorder.reset();
    expect(received()).toEqual([...expected, unfinished]);
  });

  test("records the same events when the stream is cut in two at every byte", () => {
    for (let at = 0; at <= stream.byteLength; at++) {
      const { recorder, received } = record([stream.subarray(0, at), stream.subarray(at)]);
      recorder.reset();
      expect({ at, events: received(), lastEventId: recorder.lastEventId }).toEqual({
        at,
        events: [...expected, unfinished],
        lastEventId: "2",
      });
    }
  });

  test("records the same events when the stream arrives one byte at a time", () => {
    const bytes = Array.from({ length: stream.byteLength }, (_, i) => stream.subarray(i, i + 1));
    const { recorder, received } = record(bytes);
    recorder.reset();
    expect(received()).toEqual([...expected, unfinished]);
    expect(recorder.lastEventId).toBe("2");
  });

  test("ignores only one leading byte order mark", () => {
    const { received } = record([encode("\uFEFF\uFEFFdata: x\n\n")]);
    expect(received()).toEqual([
      { kind: "sse-invalid", type: "unknown-field", line: "\uFEFFdata: x", message: 'Unknown field "\uFEFFdata"' },
      { kind: "sse-no-event", reason: "no-data", block: "\uFEFFdata: x", lastEventId: "" },
    ]);
  });

  test("keeps the text ï»¿ at the start, which is not a byte order mark once decoded", () => {
    const { received } = record([encode("\xEF\xBB\xBFdata: x\n\ndata: y\n\n")]);
    expect(received()).toEqual([
      {
        kind: "sse-invalid",
        type: "unknown-field",
        line: "\xEF\xBB\xBFdata: x",
        message: 'Unknown field "\xEF\xBB\xBFdata"',
      },
      { kind: "sse-no-event", reason: "no-data", block: "\xEF\xBB\xBFdata: x", lastEventId: "" },
      { kind: "sse", event: "message", lastEventId: "", data: "y" },
    ]);
  });

  test("every event carries the last id set so far, by its own block or an earlier one", () => {
    const { received } = record([
      encode("id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\nid\ndata: d\n\ndata: e\n\n"),
    ]);
    expect(received()).toEqual([
      { kind: "sse", event: "message", id: "1", lastEventId: "1", data: "a" },
      { kind: "sse", event: "message", lastEventId: "1", data: "b" },
      { kind: "sse-no-event", reason: "id-only", block: "id: 2", lastEventId: "2" },
      { kind: "sse", event: "message", lastEventId: "2", data: "c" },
      { kind: "sse", event: "message", id: "", lastEventId: "", data: "d" },
      { kind: "sse", event: "message", lastEventId: "", data: "e" },
    ]);
  });

  test("an empty id field resets the last event id", () => {
    const { recorder } = record([encode("id: 7\ndata: a\n\n")]);
    expect(recorder.lastEventId).toBe("7");
    recorder.feed(encode("id:\n\n"));
    expect(recorder.lastEventId).toBe("");
  });

  test("a block of comments only, or of retry only, fires nothing and says nothing more", () => {
    const { recorder, received } = record([encode(": ping\n\nretry: 10\n\n: a\n")]);
    recorder.reset();
    expect(received()).toEqual([
      { kind: "sse-comment", text: "ping" },
      { kind: "sse-retry", ms: 10 },
      { kind: "sse-comment", text: "a" },
    ]);
  });

  test("a retry value past 64 bits is ignored, as Chromium does, and one that fits is kept", () => {
    const { recorder, received } = record([encode("retry: 18446744073709551615\nretry: 18446744073709551616\n\n")]);
    // The largest 64-bit value, as a JavaScript number reads it.
    const largest = Number("18446744073709551615");
    expect(received()).toEqual([
      { kind: "sse-retry", ms: largest },
      {
        kind: "sse-invalid",
        type: "invalid-retry",
        line: "retry: 18446744073709551616",
        message: 'Invalid `retry` value: "18446744073709551616" does not fit in 64 bits, so the browser ignores it',
      },
    ]);
    expect(recorder.retryMs).toBe(largest);
  });

  test("an empty retry goes back to the client's default", () => {
    const events: Recorded[] = [];
    const recorder = createSseRecorder(
      { lane: 1, now: () => 0, emit: (event) => events.push(event) },
      { defaultRetryMs: 250 },
    );
    recorder.feed(encode("retry: 40\nretry\n\n"));
    expect({ events: events.map(withoutEnvelope), retryMs: recorder.retryMs }).toEqual({
      events: [
        { kind: "sse-retry", ms: 40 },
        { kind: "sse-retry", ms: 250, reset: true },
      ],
      retryMs: undefined,
    });
  });

  test("reset says what the stream ended inside, drops it, and keeps the last event id and retry", () => {
    const { recorder, received } = record([encode("retry: 50\nid: a\ndata: one\n\nid: b\ndata: two\ndata: cut o")]);
    recorder.reset();
    recorder.feed(encode("\uFEFFdata: three\n\n"));
    recorder.reset();
    expect(received()).toEqual([
      { kind: "sse-retry", ms: 50 },
      { kind: "sse", event: "message", id: "a", lastEventId: "a", data: "one" },
      { kind: "sse-no-event", reason: "unfinished", block: "id: b\ndata: two\ndata: cut o", lastEventId: "a" },
      { kind: "sse", event: "message", lastEventId: "a", data: "three" },
    ]);
    expect({ lastEventId: recorder.lastEventId, retryMs: recorder.retryMs }).toEqual({ lastEventId: "a", retryMs: 50 });
  });

  test("a character the stream ended inside is part of the unfinished block, as U+FFFD", () => {
    const { recorder, received } = record([new Uint8Array([...encode("data: caf"), 0xc3])]);
    recorder.reset();
    expect(received()).toEqual([
      { kind: "sse-no-event", reason: "unfinished", block: "data: caf\uFFFD", lastEventId: "" },
    ]);
  });

  test("hands dispatched events to onDispatch instead of the timeline when asked", () => {
    const events: Recorded[] = [];
    const dispatched: unknown[] = [];
    const recorder = createSseRecorder(
      { lane: 1, now: () => 0, emit: (event) => events.push(event) },
      { onDispatch: (event) => dispatched.push(event) },
    );
    recorder.feed(encode("id: 1\nevent: tick\ndata: a\n\n: c\n\n"));
    expect({ events: events.map(withoutEnvelope), dispatched }).toEqual({
      events: [{ kind: "sse-comment", text: "c" }],
      dispatched: [{ event: "tick", id: "1", lastEventId: "1", data: "a" }],
    });
  });

  test("folds events past the flood gate's burst and emits the fold on reset", () => {
    const floodGate = { burst: 3, perSecond: 0, foldWindowMs: 60_000 };
    const { recorder, received } = record([encode("data: ab\n\n".repeat(100))], floodGate);
    recorder.reset();
    expect(received()).toEqual([
      { kind: "sse", event: "message", lastEventId: "", data: "ab" },
      { kind: "sse", event: "message", lastEventId: "", data: "ab" },
      { kind: "sse", event: "message", lastEventId: "", data: "ab" },
      { kind: "folded", of: "sse", count: 97, bytes: 97 * 2, since: 0 },
    ]);
  });

  test("emits a fold once its window is over, even when no event follows", async () => {
    const folded = Promise.withResolvers<Recorded>();
    const events: Recorded[] = [];
    const recorder = createSseRecorder({
      lane: 1,
      now: () => performance.now(),
      emit(event) {
        events.push(event);
        if (event.kind === "folded") folded.resolve(event);
      },
      floodGate: { burst: 1, perSecond: 0, foldWindowMs: 5 },
    });
    recorder.feed(encode("data: a\n\ndata: b\n\ndata: c\n\n"));
    await folded.promise;
    expect(events.map(withoutEnvelope)).toEqual([
      { kind: "sse", event: "message", lastEventId: "", data: "a" },
      { kind: "folded", of: "sse", count: 2, bytes: 2, since: expect.any(Number) },
    ]);
  });
});
