import { describe, expect, test } from "bun:test";
import type { ClientEvent, FoldedEvent } from "../src/contract/index.ts";
import { createSseRecorder } from "../src/runner/probe/sse-recorder.ts";
import type { FloodGateOptions } from "../src/runner/flood-gate.ts";

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

// Every line ending the spec allows, a BOM, characters of 2 and 4 bytes, and each field kind.
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
    "data: never finished\n",
);

const expected: Received[] = [
  { kind: "sse-comment", text: "hello comment" },
  { kind: "sse-retry", ms: 1500 },
  { kind: "sse", event: "greeting", id: "1", data: "héllo 🌍" },
  { kind: "sse", event: "message", data: "line one\nline two\nline three" },
  { kind: "sse-invalid", type: "unknown-field", line: "foo: bar", message: 'Unknown field "foo"' },
  { kind: "sse-invalid", type: "invalid-retry", line: "retry: soon", message: 'Invalid `retry` value: "soon"' },
  { kind: "sse", event: "update", id: "", data: "" },
];

describe("sse recorder", () => {
  test("records a whole stream as the events written out by hand", () => {
    const { recorder, received } = record([stream]);
    expect(received()).toEqual(expected);
    // `id: 2` came in a block without data: it still sets the last event id.
    expect({ lastEventId: recorder.lastEventId, retryMs: recorder.retryMs }).toEqual({ lastEventId: "2", retryMs: 1500 });
  });

  test("records the same events when the stream is cut in two at every byte", () => {
    for (let at = 0; at <= stream.byteLength; at++) {
      const { recorder, received } = record([stream.subarray(0, at), stream.subarray(at)]);
      expect({ at, events: received(), lastEventId: recorder.lastEventId }).toEqual({ at, events: expected, lastEventId: "2" });
    }
  });

  test("records the same events when the stream arrives one byte at a time", () => {
    const bytes = Array.from({ length: stream.byteLength }, (_, i) => stream.subarray(i, i + 1));
    const { recorder, received } = record(bytes);
    expect(received()).toEqual(expected);
    expect(recorder.lastEventId).toBe("2");
  });

  test("ignores only one leading byte order mark", () => {
    const { received } = record([encode("\uFEFF\uFEFFdata: x\n\n")]);
    expect(received()).toEqual([
      { kind: "sse-invalid", type: "unknown-field", line: "\uFEFFdata: x", message: 'Unknown field "\uFEFFdata"' },
    ]);
  });

  test("an empty id field resets the last event id", () => {
    const { recorder } = record([encode("id: 7\ndata: a\n\n")]);
    expect(recorder.lastEventId).toBe("7");
    recorder.feed(encode("id:\n\n"));
    expect(recorder.lastEventId).toBe("");
  });

  test("reset drops the unfinished event but keeps the last event id and retry", () => {
    const { recorder, received } = record([encode("retry: 50\nid: a\ndata: one\n\ndata: cut off")]);
    recorder.reset();
    recorder.feed(encode("\uFEFFdata: two\n\n"));
    expect(received()).toEqual([
      { kind: "sse-retry", ms: 50 },
      { kind: "sse", event: "message", id: "a", data: "one" },
      { kind: "sse", event: "message", data: "two" },
    ]);
    expect({ lastEventId: recorder.lastEventId, retryMs: recorder.retryMs }).toEqual({ lastEventId: "a", retryMs: 50 });
  });

  test("folds events past the flood gate's burst and emits the fold on reset", () => {
    const floodGate = { burst: 3, perSecond: 0, foldWindowMs: 60_000 };
    const { recorder, received } = record([encode("data: ab\n\n".repeat(100))], floodGate);
    recorder.reset();
    expect(received()).toEqual([
      { kind: "sse", event: "message", data: "ab" },
      { kind: "sse", event: "message", data: "ab" },
      { kind: "sse", event: "message", data: "ab" },
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
      { kind: "sse", event: "message", data: "a" },
      { kind: "folded", of: "sse", count: 2, bytes: 2, since: expect.any(Number) },
    ]);
  });
});
