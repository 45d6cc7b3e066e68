/**
 * Streaming surprises told where they happen: unit tests of the runner's watch (fed responses and
 * writes directly), and traces of small snippets that have each mistake and of the same snippets
 * without it, which must draw no pitfall at all.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { PitfallEvent, TimelineEvent } from "../src/contract/index.ts";
import { createStreamPitfalls } from "../src/runner/stream-pitfalls.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { createReconnectStorms } from "../src/supervisor/reconnect-storms.ts";

const fixtures = join(import.meta.dir, "fixtures", "snippets", "pitfalls");

function watch(source = "") {
  const told: PitfallEvent[] = [];
  const pitfalls = createStreamPitfalls({
    now: () => 5,
    emit: (event) => told.push(event),
    sourceLine: (_version, pattern) => {
      const index = source.split("\n").findIndex((line) => pattern.test(line));
      return index === -1 ? undefined : index + 1;
    },
  });
  return { pitfalls, told };
}

const request = (requestId = 1) => ({ requestId, lane: 1, version: 1 });
const sse = { "content-type": "text/event-stream; charset=utf-8" };

describe("the runner's pitfall watch", () => {
  test("data going on over lines is told once, at the writing line, even when the lines arrive in pieces", () => {
    const { pitfalls, told } = watch();
    const one = request();
    pitfalls.response(one, sse);
    pitfalls.write(one, 'data: {\n  "ho', 12);
    pitfalls.write(one, 'me": 2\n}\n\n', 12);
    pitfalls.write(one, 'data: {\n  "home": 3\n}\n\n', 12);
    expect(told.map(({ pitfall, line, requestId }) => ({ pitfall, line, requestId }))).toEqual([
      { pitfall: "multi-line-data", line: 12, requestId: 1 },
    ]);
    expect(told[0]!.message).toContain('("  \\"home\\": 2")');
  });

  test("fields, comments, CRLF, bytes and an unknown field outside data are not multi-line data", () => {
    const { pitfalls, told } = watch();
    const one = request();
    pitfalls.response(one, sse);
    pitfalls.write(one, ": comment\r\nretry: 100\r\nevent: score\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\n", 3);
    pitfalls.write(one, new TextEncoder().encode("data: bytes\n\n"), 4);
    // A typo of a field name is the browser's to ignore (an sse-invalid), not data spread over lines.
    pitfalls.write(one, "evnt: x\ndata: y\n\n", 5);
    // Not an event stream: its lines are nobody's fields.
    const text = request(2);
    pitfalls.response(text, { "content-type": "text/plain" });
    pitfalls.write(text, 'data: {\n  "a": 1\n}\n\n', 9);
    expect(told).toEqual([]);
  });

  test("a compressed event stream is told at the line that asks for the encoding; a compressed page is not", () => {
    const source = [
      "// gzip everything",
      'const body = events.pipeThrough(new CompressionStream("gzip"));',
      '  headers: { "Content-Encoding": "gzip" },',
    ].join("\n");
    const { pitfalls, told } = watch(source);
    pitfalls.response(request(1), { ...sse, "content-encoding": "gzip" });
    pitfalls.response(request(2), { "content-type": "text/html", "content-encoding": "gzip" });
    pitfalls.response(request(3), { ...sse, "content-encoding": "identity" });
    expect(told.map(({ pitfall, line }) => ({ pitfall, line }))).toEqual([
      { pitfall: "compressed-event-stream", line: 3 },
    ]);
  });

  test("an idle timeout points at the last write's line; a write after close at its own", () => {
    const { pitfalls, told } = watch();
    const one = request();
    pitfalls.response(one, sse);
    pitfalls.write(one, "data: hello\n\n", 7);
    pitfalls.idleTimeout(one, 4_012, 2);
    pitfalls.writeAfterClose(one, 9, "the client left");
    pitfalls.writeAfterClose(request(2), 9, "the server was stopped");
    expect(told.map(({ pitfall, line }) => ({ pitfall, line }))).toEqual([
      { pitfall: "idle-timeout", line: 7 },
      { pitfall: "write-after-close", line: 9 },
    ]);
    // Under a limit of 4 s or less no heartbeat helps (Bun's sweep): the cure says so.
    expect(told[0]!.message).toStartWith(
      "the stream was quiet for 4.0 s and Bun closed it (its idle timeout is 2 s: at 4 s or less Bun's next idle sweep, every 4 s, ends a stream whatever it writes). Raise the limit above 4 s",
    );
    expect(told[1]!.message).toStartWith("the stream is written after the client left (on a ReadableStream,");
  });
});

/** The pitfalls a trace of `file` (one of the fixtures) drew: kind and line. */
async function pitfallsOf(
  file: string,
  options: Parameters<typeof traceSnippet>[0] extends infer O ? Partial<O> : never,
) {
  const result = await traceSnippet({ snippetPath: join(fixtures, file), ...options });
  return result.events
    .filter((event): event is Extract<TimelineEvent, { kind: "pitfall" }> => event.kind === "pitfall")
    .map(({ pitfall, line }) => ({ pitfall, line }));
}

describe("each mistake in a snippet, and the same snippet without it", () => {
  test("pretty-printed JSON in SSE data: at the line that pretty-prints it; on one line, nothing", async () => {
    expect(await pitfallsOf("multi-line-data.ts", { path: "/pretty" })).toEqual([
      { pitfall: "multi-line-data", line: 8 },
    ]);
    expect(await pitfallsOf("multi-line-data.ts", { path: "/fixed" })).toEqual([]);
  }, 20_000);

  test("gzip on an event stream: at its Content-Encoding header; uncompressed, nothing", async () => {
    expect(await pitfallsOf("compressed.ts", { path: "/gzip" })).toEqual([
      { pitfall: "compressed-event-stream", line: 15 },
    ]);
    expect(await pitfallsOf("compressed.ts", { path: "/plain" })).toEqual([]);
  }, 20_000);

  test("a timer enqueueing after the client left: at the enqueue; cleared in cancel(), nothing", async () => {
    expect(await pitfallsOf("write-after-close.ts", { path: "/leaky", disconnectAfterMs: 200 })).toEqual([
      { pitfall: "write-after-close", line: 5 },
    ]);
    expect(await pitfallsOf("write-after-close.ts", { path: "/fixed", disconnectAfterMs: 200 })).toEqual([]);
  }, 20_000);

  test("a quiet stream past the idle timeout: told when Bun closes it; with a comment heartbeat, nothing", async () => {
    const [quiet, kept] = await Promise.all([
      pitfallsOf("idle.ts", { path: "/", durationMs: 10_000 }),
      pitfallsOf("idle.ts", { path: "/heartbeat", durationMs: 10_000 }),
    ]);
    expect(quiet).toEqual([{ pitfall: "idle-timeout", line: 16 }]);
    expect(kept).toEqual([]);
  }, 30_000);
});

describe("reconnect storms, across lanes", () => {
  const reconnect = (t: number, lane: number, delayMs: number): TimelineEvent => ({
    t,
    lane,
    side: "client",
    kind: "reconnect",
    delayMs,
  });

  test("three or more lanes back within one moment after the same delay: one storm, counting the whole herd", () => {
    const events: TimelineEvent[] = [];
    const timers: (() => void)[] = [];
    const storms = createReconnectStorms({
      emit: (event) => events.push(event),
      sourceOf: () => "const a = 1;\n// retry: not this one\nyield `retry: 1000\\n`;",
      setTimer: (run) => timers.push(run),
    });
    storms.take({
      t: 1,
      lane: 1,
      side: "server",
      kind: "write",
      requestId: 1,
      version: 1,
      bytes: 12,
      text: "retry: 1000\n",
      via: "yield",
    });
    for (const [t, lane] of [
      [1000, 1],
      [1001, 2],
      [1002, 3],
      [1003, 4],
      [1040, 5],
    ] as const)
      storms.take(reconnect(t, lane, 1000));
    // Later reconnects after the same delay belong to no new storm: one is told.
    for (const [t, lane] of [
      [3000, 1],
      [3001, 2],
      [3002, 3],
    ] as const)
      storms.take(reconnect(t, lane, 1000));
    for (const run of timers) run();
    const told = events.filter((event) => event.kind === "pitfall");
    expect(told).toEqual([expect.objectContaining({ pitfall: "reconnect-storm", line: 3, t: 1040, version: 1 })]);
    expect((told[0] as PitfallEvent).message).toStartWith(
      "5 clients reconnected within 40.0 ms of each other, each after the same 1000 ms",
    );
  });

  test("clients back after delays of their own, or too few, or too far apart, are no storm", () => {
    const events: TimelineEvent[] = [];
    const storms = createReconnectStorms({ emit: (event) => events.push(event), setTimer: (run) => run() });
    for (const [t, lane, delay] of [
      [1000, 1, 1200],
      [1001, 2, 2500],
      [1002, 3, 1800],
      [1003, 4, 2900],
    ] as const)
      storms.take(reconnect(t, lane, delay));
    storms.take(reconnect(5000, 1, 1000));
    storms.take(reconnect(5001, 2, 1000));
    for (const [t, lane] of [
      [9000, 1],
      [9100, 2],
      [9200, 3],
    ] as const)
      storms.take(reconnect(t, lane, 1000));
    expect(events.filter((event) => event.kind === "pitfall")).toEqual([]);
  });
});
