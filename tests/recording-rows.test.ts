/**
 * A recording's events as rows between the worker and the page (`recording-worker-messages.ts`):
 * what the page rebuilds is what the worker had, field for field and in the same order, across
 * batches and through the structured clone a message makes; a batch that breaks the form is refused.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import {
  createEventRowsDecoder,
  createEventRowsEncoder,
  type EventRows,
} from "../src/webview/recording-worker-messages.ts";

const lesson = (name: string) => join(import.meta.dir, "..", "assets", "examples", name);

/** Sends `events` in batches of `size` as the worker does, and takes them as the page does. */
function roundTrip(events: readonly TimelineEvent[], size: number): { decoded: TimelineEvent[]; batches: EventRows[] } {
  const encoder = createEventRowsEncoder();
  const decoder = createEventRowsDecoder();
  const decoded: TimelineEvent[] = [];
  const batches: EventRows[] = [];
  for (let at = 0; at < events.length; at += size) {
    // A message's data is a structured clone of what was posted.
    const batch = structuredClone(encoder.encode(events.slice(at, at + size)));
    batches.push(batch);
    for (const event of decoder.decode(batch)) decoded.push(event);
  }
  return { decoded, batches };
}

const chunk = (t: number, text: string): TimelineEvent => ({
  t,
  lane: 1,
  side: "client",
  kind: "chunk",
  bytes: text.length,
  text,
});

/** A server write on lane 1: of `a` by `enqueue` unless told otherwise. */
const write = (
  t: number,
  { text = "a", via = "enqueue", upstream }: { text?: string; via?: "enqueue" | "yield"; upstream?: true } = {},
): TimelineEvent => ({
  t,
  lane: 1,
  side: "server",
  kind: "write",
  requestId: 1,
  version: 1,
  bytes: text.length,
  text,
  via,
  ...(upstream ? { upstream } : {}),
});

describe("recording rows", () => {
  test("a traced run's events come back as they were, field order included, in any batch size", async () => {
    // SSE with ids, retries and comments, and a generator's cleanup: many kinds and shapes.
    const sse = await traceSnippet({ snippetPath: lesson("06-sse-fields.ts") });
    const cleanup = await traceSnippet({ snippetPath: lesson("07-cleanup.ts") });
    // Messages sent and received on both sides: one kind, two sides.
    const chat = await traceSnippet({
      snippetPath: lesson("15-websocket-chat.ts"),
      client: "websocket",
      path: "/chat?name=ada",
      send: ["hi"],
      durationMs: 600,
    });
    // What a recording file carries: the events as JSON.
    const events = JSON.parse(JSON.stringify([...sse.events, ...cleanup.events, ...chat.events])) as TimelineEvent[];
    expect(new Set(events.map((event) => event.kind)).size).toBeGreaterThan(12);
    expect(new Set(events.filter((event) => event.kind === "ws-send").map((event) => event.side)).size).toBe(2);
    for (const size of [1, 7, 4_000]) {
      const { decoded } = roundTrip(events, size);
      expect(decoded).toEqual(events);
      expect(decoded.map((event) => Object.keys(event))).toEqual(events.map((event) => Object.keys(event)));
      expect(decoded.every((event) => Object.getPrototypeOf(event) === Object.prototype)).toBe(true);
    }
  }, 30_000);

  test("each shape is named once, in the batch that first uses it; the same kind with other fields is a shape of its own", () => {
    const events = [chunk(1, "a"), write(2), chunk(3, "b"), write(4, { upstream: true }), write(5), chunk(6, "c")];
    const { decoded, batches } = roundTrip(events, 3);
    expect(decoded).toEqual(events);
    expect(
      batches.map((batch) => batch.shapes.map(({ keys, kind, side }) => `${side} ${kind}: ${keys.join(",")}`)),
    ).toEqual([
      ["client chunk: t,lane,side,kind,bytes,text", "server write: t,lane,side,kind,requestId,version,bytes,text,via"],
      ["server write: t,lane,side,kind,requestId,version,bytes,text,via,upstream"],
    ]);
    // Values only after the first batch, and not the kind or side its shape holds: no field name travels twice.
    expect(batches[1]!.rows).toEqual([
      // write at 4 (upstream: its own shape), write at 5, chunk at 6
      ...[2, 4, 1, 1, 1, 1, "a", "enqueue", true],
      ...[1, 5, 1, 1, 1, 1, "a", "enqueue"],
      ...[0, 6, 1, 1, "c"],
    ]);
  });

  test("a field's strings come back as they were when they repeat, alternate, or recur in another shape", () => {
    const sse = (t: number, event: string, data: string): TimelineEvent => ({
      t,
      lane: 1,
      side: "client",
      kind: "sse",
      event,
      data,
      lastEventId: "",
    });
    const events = [
      sse(1, "message", "x"),
      sse(2, "message", "x"),
      sse(3, "ping", "y"),
      sse(4, "message", "x"),
      sse(5, "message", "xx"),
      sse(6, "message", "x"),
      write(7, { text: "data: 1\n\n", via: "yield" }),
      chunk(8, "data: 1\n\n"),
      chunk(9, "data: 2\n\n"),
      write(10, { text: "data: 1\n\n", via: "yield" }),
      chunk(11, ""),
      write(12, { text: "", via: "yield" }),
    ];
    for (const size of [1, 2, 12]) expect(roundTrip(events, size).decoded).toEqual(events);
  });

  test("a batch that names an unknown shape, stops mid-row or names __proto__ is refused", () => {
    const decoder = createEventRowsDecoder();
    expect(() => decoder.decode({ shapes: [], rows: [0, 1] })).toThrow(/names shape 0, never given/);
    const shape = (keys: string[]) => ({ keys, kind: "chunk" as const, side: "client" as const });
    expect(() => decoder.decode({ shapes: [shape(["t", "lane"])], rows: [0, 1] })).toThrow(/cut short/);
    expect(() => createEventRowsDecoder().decode({ shapes: [shape(["t", "__proto__"])], rows: [0, 1, {}] })).toThrow(
      /__proto__/,
    );
  });
});
