/**
 * The examples menu is a short course: every lesson's text makes promises about what its snippet
 * does in the timeline. Each test traces a lesson with the options of its own `<!-- try: … -->`
 * line (plus, where the text says "now request …", an override) and checks those promises.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { examplesDir, listExamples } from "../src/main/examples.ts";
import { lessonTryArgs } from "../src/shared/index.ts";
import type { ServerWsOpenEvent, TimelineEvent } from "../src/contract/index.ts";
import { createRunner } from "../src/supervisor/supervisor.ts";
import { traceSnippet, type TraceOptions, type TraceResult } from "../src/supervisor/trace.ts";
import { type EventOfKind, kindsOf, ofKind, only, receivedText } from "./support/timeline.ts";
import { openClient } from "../src/clients/index.ts";
import { createEventLog } from "./support/event-log.ts";
import { readLanes } from "../src/lenses/index.ts";
import Anthropic from "@anthropic-ai/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { nextOnServer, openSocket } from "./support/websocket-clients.ts";

/** Traces lesson `id` as its try line says, with `overrides` on top (a changed `source`, as the text suggests). */
async function traceLesson(id: string, overrides: Omit<TraceOptions, "snippetPath"> = {}): Promise<TraceResult> {
  const args = lessonTryArgs(await Bun.file(join(examplesDir, `${id}.md`)).text());
  if (!args) throw new Error(`${id}.md has no try line`);
  const { snippetPath: _snippetPath, json: _json, help: _help, ...options } = args;
  const result = await traceSnippet({ ...options, snippetPath: join(examplesDir, `${id}.ts`), ...overrides });
  if (result.load.kind !== "loaded") throw new Error(`${id}.ts did not load: ${result.load.message}`);
  return result;
}

/** An event without its time and place, for whole-object comparisons. */
function fields(event: TimelineEvent): Record<string, unknown> {
  const { t: _t, lane: _lane, side: _side, ...rest } = event;
  return rest;
}

/** The client's SSE events (messages, comments, retries) as fields. */
function sseOf(events: readonly TimelineEvent[]): Record<string, unknown>[] {
  return events.filter((e) => e.kind === "sse" || e.kind === "sse-comment" || e.kind === "sse-retry").map(fields);
}

/** Differences between consecutive times. */
function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

const MiB = 1024 * 1024;

/**
 * A trace takes up to a few seconds, more on a loaded machine: past bun test's default of 5 s. The
 * lessons that mostly wait (an idle timeout, reconnects, a pretend model's pauses) run their tests
 * concurrently, so their waits overlap.
 */
const traceTimeoutMs = 20_000;

describe("the examples menu", () => {
  test(
    "lessons are numbered 01 to 24, each with a title, a valid try line and a snippet that loads without notices",
    async () => {
      const examples = await listExamples();
      expect(examples.map((e) => e.id.slice(0, 3))).toEqual(
        Array.from({ length: 24 }, (_, i) => `${String(i + 1).padStart(2, "0")}-`),
      );
      const runner = createRunner({ onEvent: () => {}, cleanupGraceMs: 3_000 });
      await runner.start();
      try {
        for (const example of examples) {
          const markdown = await Bun.file(join(examplesDir, `${example.id}.md`)).text();
          // "# Title", a blank line, the try line the reader never sees, then the text.
          expect(markdown).toMatch(/^# \S.*\n\n<!-- try: [^\n]+ -->\n\n\S/);
          expect(lessonTryArgs(markdown)).toBeDefined();
          // The try line stays an HTML comment in the rendered lesson: the reader never sees it.
          expect(example.lessonHtml).toContain("\n<!-- try:");
          const load = await runner.load(example.source, join(examplesDir, `${example.id}.ts`));
          // Only the pitfall lesson is meant to draw a notice.
          const notices = load.kind === "loaded" ? load.notices.length : undefined;
          expect({ id: example.id, kind: load.kind, notices }).toEqual({
            id: example.id,
            kind: "loaded",
            notices: example.id.startsWith("12-") ? 1 : 0,
          });
        }
      } finally {
        await runner.stop();
      }
    },
    traceTimeoutMs,
  );
});

describe("01: an async generator function as the body", () => {
  test.concurrent(
    "the string and then the bytes arrive as two chunks about 100 ms apart",
    async () => {
      const { events } = await traceLesson("01-generator-body");
      expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "write", "write", "end"]);
      const chunks = ofKind(events, "chunk", 1);
      expect(chunks.map((c) => c.text)).toEqual(["Hello from a generator!\n", "And these are bytes, 100 ms later.\n"]);
      // The generator waited 100 ms between its two yields: its writes are that far apart.
      const writes = ofKind(events, "write", 1);
      const [gap] = gaps(writes.map((w) => w.t));
      expect(gap).toBeGreaterThanOrEqual(95);
      expect(gap).toBeLessThan(400);
      // The first chunk was on its way while the generator waited, and the bytes came once written,
      // in a chunk of their own. How far apart the two were read also depends on how soon the
      // client read the first, which a busy machine can put off; the order cannot change.
      expect(chunks[0]!.t).toBeLessThan(writes[1]!.t);
      expect(chunks[1]!.t).toBeGreaterThanOrEqual(writes[1]!.t - 1);
      expect(only(events, "disconnect").by).toBe("server");
    },
    traceTimeoutMs,
  );
});

describe("02: any async iterable as the body", () => {
  test.concurrent(
    "each value of the iterator is a write and a chunk, 300 ms apart, then the end",
    async () => {
      const { events } = await traceLesson("02-async-iterable");
      expect(receivedText(events)).toBe("5...\n4...\n3...\n2...\n1...\nliftoff!\n");
      expect(ofKind(events, "write").length).toBe(6);
      // The sleeps are on the server: its writes are 300 ms apart; the client's reads may jitter.
      for (const gap of gaps(ofKind(events, "write").map((w) => w.t))) expect(gap).toBeGreaterThanOrEqual(280);
      const chunks = ofKind(events, "chunk");
      expect(chunks.at(-1)!.t - chunks[0]!.t).toBeGreaterThan(1_200);
      expect(only(events, "end")).toMatchObject({ writes: 6, bytes: 34 });
      // Bun calls return() after a normal end too; the iterator has nothing left to clean up then.
      expect(ofKind(events, "log")).toEqual([]);
    },
    traceTimeoutMs,
  );

  test.concurrent(
    "a client leaving early makes Bun call return(): abort, cancel, its log, cleanup",
    async () => {
      const { events } = await traceLesson("02-async-iterable", { disconnectAfterMs: 700 });
      const writes = ofKind(events, "write").length;
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThan(6);
      expect(kindsOf(events, "server", 1)).toEqual([
        "request",
        "response",
        ...Array<string>(writes).fill("write"),
        "abort",
        "cancel",
        "cleanup",
      ]);
      expect(only(events, "disconnect").by).toBe("client");
      expect(only(events, "log").text).toBe(`countdown cancelled before ${5 - writes}`);
    },
    traceTimeoutMs,
  );
});

describe("03: SSE from a generator, and the idle timeout", () => {
  test.concurrent("without server.timeout Bun closes the quiet stream before its first tick; with it the tick arrives at 13 s", async () => {
    // Both at once, so the test waits for the idle close only once.
    const durationMs = 14_000;
    const [unfixed, fixed] = await Promise.all([
      traceLesson("03-sse-generator", { durationMs }),
      traceLesson("03-sse-generator", { path: "/events", durationMs }),
    ]);
    const connected = { kind: "sse", event: "connected", lastEventId: "", data: "hello" };

    // The first connection's story; when the close comes early, the client may already have reconnected.
    const closed = ofKind(unfixed.events, "disconnect")[0]!;
    expect(closed.by).toBe("error");
    expect(sseOf(unfixed.events.filter((e) => e.t < closed.t))).toEqual([connected]);
    // Bun checks idle connections in 4 s steps: the 10 s limit lands 8 to 12 s after the last write.
    const openedAt = ofKind(unfixed.events, "open")[0]!.t;
    expect(closed.t - openedAt).toBeGreaterThan(7_500);
    expect(closed.t - openedAt).toBeLessThan(12_800);
    expect(ofKind(unfixed.events, "abort")[0]!.t).toBeLessThan(closed.t + 1_000);
    // Both sides name Bun's default idle timeout; Bun's own warning is not echoed.
    expect(ofKind(unfixed.events, "abort")[0]?.idleTimeout).toEqual({ seconds: 10, source: "default" });
    expect(closed.cause).toBe("idle-timeout");
    expect(ofKind(unfixed.events, "log")).toEqual([]);

    const ticks = ofKind(fixed.events, "sse");
    expect(ticks.map((e) => e.data.replace(/ at .*/, ""))).toEqual(["hello", "tick 1"]);
    expect(ticks[1]!.t - ticks[0]!.t).toBeGreaterThan(12_500);
    expect(only(fixed.events, "disconnect").by).toBe("client");
    expect(ofKind(fixed.events, "log")).toEqual([]);
  }, 25_000);
});

describe("04: SSE from a ReadableStream", () => {
  test.concurrent(
    "numbered ticks arrive until the client leaves; cancel clears the interval and nothing leaks",
    async () => {
      const { events } = await traceLesson("04-sse-readable-stream");
      const ticks = ofKind(events, "write").length - 1;
      expect(ticks).toBeGreaterThanOrEqual(2);
      expect(sseOf(events)).toEqual([
        { kind: "sse", event: "connected", lastEventId: "", data: "hello" },
        ...Array.from({ length: ticks }, (_, i) => ({
          kind: "sse",
          event: "message",
          id: String(i + 1),
          lastEventId: String(i + 1),
          data: `tick ${i + 1}`,
        })),
      ]);
      const reason = "AbortError: The connection was closed.";
      expect(only(events, "cancel").reason).toBe(reason);
      expect(only(events, "cleanup").via).toBe("stream-cancel");
      expect(only(events, "log").text).toBe(`stopped after ${ticks} ticks: ${reason}`);
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );
});

describe("05: the same stream written for Deno", () => {
  test.concurrent(
    "Deno.serve runs as is: the time as bytes once a second, cleared in cancel",
    async () => {
      const { load, events } = await traceLesson("05-deno-serve");
      expect(load).toMatchObject({ kind: "loaded", form: "deno-serve", notices: [] });
      const chunks = ofKind(events, "chunk");
      // Four on a quiet machine (at 0, 1, 2 and 3 s; the client leaves at 3.5 s). A loaded one may
      // take long enough to answer the request that the fourth falls after the client left.
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      expect(chunks.length).toBeLessThanOrEqual(4);
      for (const chunk of chunks) expect(chunk.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n$/);
      // The first write is on the timeline when the response's head went out (no body byte leaves
      // before it), a moment after start() wrote it and set the interval: on a loaded machine that
      // moment has been over 100 ms. The interval's own writes are a second apart.
      const [first, ...ticks] = gaps(ofKind(events, "write").map((w) => w.t));
      expect(first).toBeGreaterThan(500);
      for (const gap of ticks) expect(gap).toBeGreaterThan(900);
      for (const gap of gaps(chunks.map((c) => c.t))) expect(gap).toBeGreaterThan(500);
      expect(ofKind(events, "write").map((w) => w.via)).toEqual(chunks.map(() => "enqueue"));
      expect(only(events, "cleanup").via).toBe("stream-cancel");
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );
});

describe("06: every SSE field", () => {
  test(
    "each field is written in the wire format and parsed by the client as the lesson describes",
    async () => {
      const { events } = await traceLesson("06-sse-fields");
      const firstStream = ofKind(events, "write").filter((w) => w.requestId === 1);
      expect(firstStream.map((w) => w.text).join("")).toBe(
        "retry: 1000\n\n" +
          ": ping: a comment, which the client ignores\n\n" +
          "data: 42\n\n" +
          "data: two lines\ndata: of text\n\n" +
          "data: bytes, decoded as UTF-8\n\n" +
          'event: score\nid: 1\ndata: {"home":1,"away":0}\n\n' +
          'event: score\nid: 2\ndata: {"home":1,"away":1}\n\n',
      );
      expect(sseOf(events)).toEqual([
        { kind: "sse-retry", ms: 1000 },
        { kind: "sse-comment", text: "ping: a comment, which the client ignores" },
        { kind: "sse", event: "message", lastEventId: "", data: "42" },
        { kind: "sse", event: "message", lastEventId: "", data: "two lines\nof text" },
        { kind: "sse", event: "message", lastEventId: "", data: "bytes, decoded as UTF-8" },
        { kind: "sse", event: "score", id: "1", lastEventId: "1", data: '{"home":1,"away":0}' },
        { kind: "sse", event: "score", id: "2", lastEventId: "2", data: '{"home":1,"away":1}' },
        { kind: "sse", event: "final", id: "3", lastEventId: "3", data: '{"home":2,"away":1}' },
      ]);
    },
    traceTimeoutMs,
  );

  test(
    "the client reconnects after the retry delay with Last-Event-ID, and a 204 stops it",
    async () => {
      const { events } = await traceLesson("06-sse-fields");
      expect(ofKind(events, "reconnect").map(fields)).toEqual([
        { kind: "reconnect", lastEventId: "2", delayMs: 1000 },
        { kind: "reconnect", lastEventId: "3", delayMs: 1000 },
      ]);
      expect(ofKind(events, "response").map((r) => r.status)).toEqual([200, 200, 204]);
      expect(ofKind(events, "disconnect").map((d) => d.by)).toEqual(["server", "server", "error"]);
      expect(ofKind(events, "disconnect")[2]?.message).toContain("HTTP 204");
      expect(ofKind(events, "open").length).toBe(3);
    },
    traceTimeoutMs,
  );
});

describe("07: cleanup when the client leaves", () => {
  test(
    "/slow-finally: the generator's finally runs only when its sleep ends, after one more yield that is never sent",
    async () => {
      const { events } = await traceLesson("07-cleanup");
      expect(kindsOf(events, "server", 1)).toEqual([
        "request",
        "response",
        "write",
        "abort",
        "cancel",
        "write",
        "cleanup",
      ]);
      expect(ofKind(events, "write").map((write) => [write.text, write.unsent])).toEqual([
        ["data: tick 1\n\n", undefined],
        ["data: tick 2\n\n", true],
      ]);
      const cleanup = only(events, "cleanup");
      expect(cleanup.via).toBe("generator-finally");
      // Left at 500 ms, in a 2 s sleep that began at 0: the finally waits about 1.5 s.
      expect(cleanup.afterMs).toBeGreaterThan(1_000);
      expect(cleanup.afterMs).toBeLessThan(2_500);
      expect(only(events, "log")).toMatchObject({ text: "slow-finally: cleaned up", line: 31 });
    },
    traceTimeoutMs,
  );

  test(
    "/fixed: a sleep that ends on req.signal runs the finally at once",
    async () => {
      const { events } = await traceLesson("07-cleanup", { path: "/fixed" });
      const cleanups = ofKind(events, "cleanup");
      expect(cleanups.map((c) => c.via)).toEqual(["abort-listener", "generator-finally"]);
      expect(cleanups[1]!.afterMs).toBeLessThan(200);
      expect(only(events, "log")).toMatchObject({ text: "fixed: cleaned up", line: 47 });
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );

  test(
    "/leaky: the interval and the stream it writes to leak, each reported with its line",
    async () => {
      const { events } = await traceLesson("07-cleanup", { path: "/leaky" });
      expect(ofKind(events, "leak").map(({ what, line }) => ({ what, line }))).toEqual([
        { what: "stream", line: 60 },
        { what: "interval", line: 59 },
      ]);
      const uncaught = ofKind(events, "uncaught");
      expect(uncaught.length).toBeGreaterThanOrEqual(1);
      for (const error of uncaught)
        expect({ message: error.message, line: error.line }).toEqual({
          message: "TypeError: Invalid state: Controller is already closed",
          line: 60,
        });
    },
    traceTimeoutMs,
  );

  test(
    "/direct: the write loop goes on after the client left, reported at its write() line",
    async () => {
      const { events } = await traceLesson("07-cleanup", { path: "/direct" });
      expect(only(events, "cancel").reason).toBe("AbortError: The connection was closed.");
      expect(only(events, "leak")).toMatchObject({ what: "stream", line: 75 });
    },
    traceTimeoutMs,
  );
});

describe("08: coalescing", () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}\n`).join("");

  test(
    "/burst: 100 yields without an await arrive as a few chunks",
    async () => {
      const { events } = await traceLesson("08-coalescing");
      expect(ofKind(events, "write").length).toBe(100);
      expect(ofKind(events, "chunk").length).toBeLessThanOrEqual(10);
      expect(receivedText(events)).toBe(lines);
    },
    traceTimeoutMs,
  );

  test(
    "/paced: with an await after each yield, each line is a chunk of its own",
    async () => {
      const { events } = await traceLesson("08-coalescing", { path: "/paced" });
      expect(ofKind(events, "write").length).toBe(100);
      // 100 on a quiet machine; a busy one may read a few lines together.
      expect(ofKind(events, "chunk").length).toBeGreaterThanOrEqual(50);
      expect(receivedText(events)).toBe(lines);
    },
    traceTimeoutMs,
  );
});

describe("09: backpressure", () => {
  /** The most the server had written beyond what the client had received, at any write. */
  function mostAhead(events: readonly TimelineEvent[]): number {
    let written = 0;
    let received = 0;
    let most = 0;
    for (const event of events) {
      if (event.kind === "write") {
        written += event.bytes;
        most = Math.max(most, written - received);
      }
      if (event.kind === "chunk") received += event.bytes;
    }
    return most;
  }

  test(
    "/generator: every yield waits for the client, and the server stays a few MiB ahead",
    async () => {
      const { events } = await traceLesson("09-backpressure");
      const writes = ofKind(events, "write");
      expect(writes.length).toBe(64);
      expect(writes[0]!.waitedMs).toBeUndefined();
      const waits = writes.slice(1).map((w) => w.waitedMs);
      for (const waited of waits) expect(typeof waited).toBe("number");
      // The waits are the transfer itself: they add up to most of the time from first write to end.
      const span = only(events, "end").t - writes[0]!.t;
      const waited = waits.reduce((sum: number, ms) => sum + (ms ?? 0), 0);
      expect(waited).toBeGreaterThan(0.5 * span);
      // Spread over the yields, not one stall: many waits are at least half of what a chunk takes on
      // this run's wire (a fixed 1 ms would measure the client's speed: a fast one drains a MiB in less).
      const perChunk = span / writes.length;
      expect(waits.filter((ms) => (ms ?? 0) > perChunk / 2).length).toBeGreaterThanOrEqual(8);
      // Held back, where /enqueue-all is all 64 MiB ahead: 6 to 10 MiB on a 2-core machine, and up
      // to 27 MiB with both cores kept busy by other work (the client reading late, the buffers
      // between them full), never half the stream.
      expect(mostAhead(events)).toBeLessThan(32 * MiB);
      expect(only(events, "disconnect")).toMatchObject({ by: "server", bytes: 64 * MiB });
    },
    traceTimeoutMs,
  );

  test(
    "/enqueue-all: nothing waits, and all 64 MiB are queued before the client reads any",
    async () => {
      const { events } = await traceLesson("09-backpressure", { path: "/enqueue-all" });
      const writes = ofKind(events, "write");
      expect(writes.length).toBe(64);
      expect(writes.every((w) => w.waitedMs === undefined)).toBe(true);
      expect(writes.at(-1)!.t).toBeLessThan(ofKind(events, "chunk")[0]!.t);
      expect(mostAhead(events)).toBe(64 * MiB);
    },
    traceTimeoutMs,
  );

  /** Traced with a client that stops reading at once, for 1.5 s: what the server did meanwhile. */
  async function stalled(path: string) {
    const { events } = await traceLesson("09-backpressure", { path, slow: { stallAfterMs: 0, stallMs: 1_500 } });
    const [paused, resumed] = ofKind(events, "reading");
    expect([paused?.state, resumed?.state]).toEqual(["paused", "resumed"]);
    // Half a second for the buffers between to fill: far more than 64 MiB take at full speed.
    const writesWhilePaused = ofKind(events, "write").filter(
      (write) => write.t > paused!.t + 500 && write.t < resumed!.t,
    );
    return { events, resumed: resumed!, writesWhilePaused };
  }

  for (const path of ["/generator", "/pull"]) {
    test(
      `${path}, read by a client that stops reading: the server stops writing once the buffers are full, and goes on when it reads again`,
      async () => {
        const { events, resumed, writesWhilePaused } = await stalled(path);
        expect(writesWhilePaused).toEqual([]);
        const writes = ofKind(events, "write");
        expect(writes.filter((write) => write.t < resumed.t).length).toBeLessThan(32);
        expect(only(events, "disconnect")).toMatchObject({ by: "server", bytes: 64 * MiB });
        if (path === "/generator")
          expect(Math.max(...writes.map((write) => write.waitedMs ?? 0))).toBeGreaterThan(1_000);
      },
      traceTimeoutMs,
    );
  }

  test(
    "/enqueue-all, read by a client that stops reading: all 64 MiB were written before it read any",
    async () => {
      const { events, resumed } = await stalled("/enqueue-all");
      expect(ofKind(events, "write").every((write) => write.t < resumed.t)).toBe(true);
      expect(ofKind(events, "chunk").every((chunk) => chunk.t > resumed.t)).toBe(true);
    },
    traceTimeoutMs,
  );

  test(
    "/ws, read by a client that stops reading: send returns -1, the feed waits for drain, and drain comes once it reads again",
    async () => {
      // The trace ends once the client has all 64 messages: on a busy machine reading 64 MiB after
      // the pause takes longer than on a quiet one, so the duration is only the bound.
      const allReceived = new AbortController();
      let received = 0;
      const { events } = await traceLesson("09-backpressure", {
        path: "/ws",
        client: "websocket",
        slow: { stallAfterMs: 200, stallMs: 1_000 },
        durationMs: 15_000,
        onEvent: (event) => {
          if (event.kind === "ws-message" && event.side === "client" && ++received === 64) allReceived.abort();
        },
        stop: allReceived.signal,
      });
      const [paused, resumed] = ofKind(events, "reading");
      const sends = ofKind(events, "ws-send").filter((event) => event.side === "server");
      // The last time the feed found the socket backed up before the client read again: from then
      // on it waited, and the drain it waited for came only once the client read. (On a busy
      // machine the socket can back up before the pause too, the client reading 1 MiB every 10 ms
      // slower than the feed writes it.)
      const backedUp = sends.findLast((send) => send.result === -1 && send.t < resumed!.t);
      expect(backedUp).toBeDefined();
      const drains = ofKind(events, "ws-drain");
      expect(drains.filter((drain) => drain.t > backedUp!.t && drain.t < resumed!.t)).toEqual([]);
      expect(drains.some((drain) => drain.t > resumed!.t)).toBe(true);
      // Backed up for most of the 1 s the client did not read.
      expect(resumed!.t - Math.max(backedUp!.t, paused!.t)).toBeGreaterThan(500);
      expect({
        sent: sends.length,
        received: ofKind(events, "ws-message").filter((event) => event.side === "client").length,
      }).toEqual({ sent: 64, received: 64 });
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );
});

describe("10: errors mid-stream", () => {
  test(
    "/export: the throw is recorded with its line and the client's connection breaks",
    async () => {
      const { events } = await traceLesson("10-errors");
      expect(receivedText(events)).toBe('{"id":1,"name":"row 1"}\n{"id":2,"name":"row 2"}\n{"id":3,"name":"row 3"}\n');
      expect(only(events, "error")).toMatchObject({ message: "lost the database connection", line: 8, during: "body" });
      expect(only(events, "disconnect").by).toBe("error");
      expect(ofKind(events, "end")).toEqual([]);
      expect(ofKind(events, "log").some((log) => log.text.includes("lost the database connection"))).toBe(true);
    },
    traceTimeoutMs,
  );

  test(
    "/export-caught: catching in the body ends the stream cleanly with an error line",
    async () => {
      const { events } = await traceLesson("10-errors", { path: "/export-caught" });
      expect(ofKind(events, "chunk").at(-1)?.text).toBe('{"error":"lost the database connection"}\n');
      expect(ofKind(events, "error")).toEqual([]);
      expect(only(events, "end").writes).toBe(4);
      expect(only(events, "disconnect").by).toBe("server");
    },
    traceTimeoutMs,
  );
});

describe("11: reconnect lab", () => {
  /** Per lane: the ids received, and the Last-Event-ID each reconnect sent after the id before it. */
  function lanes(events: readonly TimelineEvent[]) {
    return [1, 2, 3].map((lane) => {
      const ids: number[] = [];
      const resumes: { lastEventId: string | undefined; lastSeen: number | undefined }[] = [];
      for (const event of events) {
        if (event.lane !== lane) continue;
        if (event.kind === "sse") ids.push(Number(event.id));
        if (event.kind === "reconnect") resumes.push({ lastEventId: event.lastEventId, lastSeen: ids.at(-1) });
      }
      return { ids, resumes };
    });
  }

  test.concurrent(
    "each of the three clients resumes after its Last-Event-ID: every lane counts up without a gap or a repeat",
    async () => {
      const { events } = await traceLesson("11-reconnect-lab");
      for (const { ids, resumes } of lanes(events)) {
        expect(ids.length).toBeGreaterThanOrEqual(4);
        expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
        expect(resumes.length).toBeGreaterThanOrEqual(1);
        for (const { lastEventId, lastSeen } of resumes) expect(lastEventId).toBe(String(lastSeen));
      }
    },
    traceTimeoutMs,
  );

  test.concurrent(
    "?cut: the event a connection ends inside is dropped with its id, asked for again, and the lane has no gap",
    async () => {
      const { events } = await traceLesson("11-reconnect-lab", { path: "/numbers?cut" });
      for (const { ids, resumes } of lanes(events)) {
        expect(resumes.length).toBeGreaterThanOrEqual(1);
        expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
        for (const { lastEventId, lastSeen } of resumes) expect(lastEventId).toBe(String(lastSeen));
      }
      const dropped = events.filter((e) => e.kind === "sse-no-event");
      expect(dropped.length).toBeGreaterThanOrEqual(3);
      for (const event of dropped)
        expect(event).toMatchObject({
          reason: "unfinished",
          block: expect.stringMatching(/^id: (\d+)\ndata: event \1$/),
        });
    },
    traceTimeoutMs,
  );

  test.concurrent(
    "?off-by-one: after every reconnect, the lane gets the last event again",
    async () => {
      const { events } = await traceLesson("11-reconnect-lab", { path: "/numbers?off-by-one" });
      for (const { ids, resumes } of lanes(events)) {
        expect(resumes.length).toBeGreaterThanOrEqual(1);
        const repeats = ids.filter((id, i) => i > 0 && id === ids[i - 1]).length;
        // Every reconnect that got at least one event back starts with a repeat.
        expect(repeats).toBeGreaterThanOrEqual(1);
        expect([...new Set(ids)]).toEqual(Array.from({ length: new Set(ids).size }, (_, i) => i + 1));
      }
    },
    traceTimeoutMs,
  );
});

describe("12: the function-body pitfall", () => {
  test(
    "the notice names the line when the snippet loads, and /broken sends the arrow's source text",
    async () => {
      const { load, events } = await traceLesson("12-function-body-pitfall");
      if (load.kind !== "loaded") throw new Error("not loaded");
      expect(load.notices.map(({ line, column }) => ({ line, column }))).toEqual([{ line: 15, column: 22 }]);
      expect(load.notices[0]!.message).toContain("source text");
      expect(only(events, "log")).toMatchObject({ level: "warn", line: 15 });
      expect(only(events, "response")).toMatchObject({ status: 200, body: "whole" });
      expect(only(events, "chunk").text).toBe("() => countdown()");
    },
    traceTimeoutMs,
  );

  test(
    "/fixed and /also-fixed stream the countdown in four writes, 100 ms apart, that reach the client",
    async () => {
      const countdown = ["3...\n", "2...\n", "1...\n", "liftoff!\n"];
      for (const path of ["/fixed", "/also-fixed"]) {
        const { events } = await traceLesson("12-function-body-pitfall", { path });
        expect(ofKind(events, "write").map((w) => w.text)).toEqual(countdown);
        // Four chunks on a quiet machine; a busy one may read two writes at once.
        expect(receivedText(events)).toBe(countdown.join(""));
        expect(ofKind(events, "chunk").length).toBeGreaterThan(1);
      }
    },
    traceTimeoutMs,
  );
});

describe("13: POST a prompt, stream the answer", () => {
  test(
    "the JSON body reaches the handler and every token arrives as an sse event of its own",
    async () => {
      const { events } = await traceLesson("13-post-llm-stream");
      expect(only(events, "request")).toMatchObject({ method: "POST", path: "/v1/completions" });
      expect(only(events, "log").text).toBe("prompt: Why is the sky blue?");
      const messages = ofKind(events, "sse");
      expect(messages.every((m) => m.event === "message")).toBe(true);
      expect(messages.at(-1)?.data).toBe("[DONE]");
      const tokens = messages.slice(0, -1).map((m) => (JSON.parse(m.data) as { token: string }).token);
      const answer = 'You asked: "Why is the sky blue?". This answer streams one token at a time.';
      expect(tokens).toEqual(answer.split(" ").map((word, i) => (i === 0 ? word : ` ${word}`)));
      // 15 tokens 50 ms apart: streamed over most of a second, not sent in one piece.
      expect(messages.at(-1)!.t - messages[0]!.t).toBeGreaterThan(500);
    },
    traceTimeoutMs,
  );

  test(
    "a body without a prompt is answered 400",
    async () => {
      const { events } = await traceLesson("13-post-llm-stream", { body: "{}" });
      expect(only(events, "headers").status).toBe(400);
      expect(receivedText(events)).toBe('{"error":"send a JSON body like {\\"prompt\\": \\"...\\"}"}');
    },
    traceTimeoutMs,
  );

  test(
    "the try line's rule, $.token, reads the answer as a client assembles it; without it no lens claims the stream",
    async () => {
      const { events } = await traceLesson("13-post-llm-stream");
      const read = readLanes(events, () => ({ rule: "$.token" })).get(1);
      expect({ protocol: read?.protocol, text: read?.text, deltas: read?.timing.deltas }).toEqual({
        protocol: "json-path",
        text: 'You asked: "Why is the sky blue?". This answer streams one token at a time.',
        deltas: 15,
      });
      expect(readLanes(events).get(1)).toBeUndefined();
    },
    traceTimeoutMs,
  );
});

describe("16: an LLM's reply, as its client assembles it", () => {
  const answer =
    'You asked "Why is the sky blue?". Sunlight scatters off the air\'s molecules, and blue light scatters most. That is why the sky looks blue.';

  test.concurrent(
    "the OpenAI lens reads the reply, its usage and a stall of about 400 ms at a sentence's end, with no violation",
    async () => {
      const { events } = await traceLesson("16-llm-chat-stream");
      const read = readLanes(events).get(1);
      expect({
        protocol: read?.protocol,
        text: read?.text,
        finish: read?.finishReason,
        usage: read?.usage,
        complete: read?.complete,
        violations: read?.violations,
      }).toEqual({
        protocol: "openai-chat",
        text: answer,
        finish: "stop",
        usage: { prompt_tokens: 5, completion_tokens: 25, total_tokens: 30 },
        complete: true,
        violations: [],
      });
      expect(read!.timing.stall!.ms).toBeGreaterThanOrEqual(380);
      expect(read!.timing.gapP50Ms!).toBeLessThan(200);
    },
    traceTimeoutMs,
  );

  test.concurrent(
    "as the text says: without [DONE] the terminator is missing; a finish reason after it comes after the terminator",
    async () => {
      const source = await Bun.file(join(examplesDir, "16-llm-chat-stream.ts")).text();
      const noDone = source.replace('yield "data: [DONE]\\n\\n";', "");
      const lateFinish = source
        .replace('yield chunk({}, "stop");\n', "")
        .replace('yield "data: [DONE]\\n\\n";', 'yield "data: [DONE]\\n\\n";\n            yield chunk({}, "stop");');
      expect([noDone, lateFinish]).not.toContain(source);
      const rulesOf = async (changed: string) => {
        const { events } = await traceLesson("16-llm-chat-stream", { source: changed });
        return [
          ...new Set(
            readLanes(events)
              .get(1)
              ?.violations.map((violation) => violation.rule),
          ),
        ];
      };
      expect(await rulesOf(noDone)).toEqual(["missing-terminator"]);
      expect(await rulesOf(lateFinish)).toEqual(["after-terminator"]);
    },
    traceTimeoutMs,
  );
});

describe("14: a framework's SSE helper, Hono's streamSSE", () => {
  test(
    "/clock: each writeSSE is a write and an sse event; the client leaving is abort, cancel, then onAbort as the cleanup",
    async () => {
      const { load, events } = await traceLesson("14-hono-sse");
      expect(load.kind === "loaded" && load.form).toBe("default-app");
      const writes = ofKind(events, "write", 1);
      const received = ofKind(events, "sse", 1);
      // Left at 1.2 s with a write every 500 ms: three events (two, on a machine too busy to keep time).
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(received.map(({ event, id }) => ({ event, id }))).toEqual(
        received.map((_, i) => ({ event: "time-update", id: String(i) })),
      );
      expect(received.map((e) => e.data)).toEqual(
        writes.slice(0, received.length).map((w) => /^data: (.*)$/m.exec(w.text)?.[1] ?? w.text),
      );
      const leaving = events
        .filter((e) => e.lane === 1 && ["disconnect", "abort", "cancel", "cleanup"].includes(e.kind))
        .map((e) => e.kind);
      expect(leaving).toEqual(["disconnect", "abort", "cancel", "cleanup"]);
      expect(only(events, "cleanup").via).toBe("stream-cancel");
      expect(only(events, "log")).toMatchObject({ text: "clock: the client left", line: 11 });
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );

  test(
    "/forever: the loop from Hono's docs goes on after the client left, and is reported at its sleep",
    async () => {
      const { events } = await traceLesson("14-hono-sse", { path: "/forever" });
      expect(only(events, "cleanup").via).toBe("stream-cancel");
      const leak = only(events, "leak");
      expect({ what: leak.what, line: leak.line }).toEqual({ what: "timeout", line: 28 });
      expect(leak.detail).toContain("after the client left");
    },
    traceTimeoutMs,
  );
});

describe("15: WebSocket or SSE, a chat over pub/sub", () => {
  test(
    "three clients chat: each hello reaches the other two and never its sender, and a join reaches only who was there",
    async () => {
      const { events } = await traceLesson("15-websocket-chat");
      const opened = events.filter((e): e is ServerWsOpenEvent => e.kind === "ws-open" && e.side === "server");
      const nameOf = (lane: number) =>
        (JSON.parse(opened.find((e) => e.lane === lane)?.data ?? "{}") as { name: string }).name;
      const received = (lane: number) =>
        ofKind(events, "ws-message", lane)
          .filter((e) => e.side === "client")
          .map((e) => e.text);
      const names = [1, 2, 3].map(nameOf);
      expect([...names].sort()).toEqual(["guest 1", "guest 2", "guest 3"]);
      for (const [index, name] of names.entries()) {
        const lane = index + 1;
        const hellos = received(lane).filter((text) => text.endsWith(": hello, room"));
        expect(hellos.some((text) => text.startsWith(`${name}:`))).toBe(false);
        // Two rounds at least after all three joined, each from both others.
        for (const other of names.filter((n) => n !== name))
          expect(hellos.filter((text) => text.startsWith(`${other}:`)).length).toBeGreaterThanOrEqual(2);
      }
      const joins = (name: string) => received(names.indexOf(name) + 1).filter((text) => text.endsWith(" joined"));
      expect({ first: joins("guest 1"), last: joins("guest 3") }).toEqual({
        first: ["guest 1 joined", "guest 2 joined", "guest 3 joined"],
        last: ["guest 3 joined"],
      });
      // Once all three are in the room, every ws.publish reaches the two others.
      const allIn = Math.max(
        ...ofKind(events, "ws-open")
          .filter((e) => e.side === "server")
          .map((e) => e.t),
      );
      const publishes = ofKind(events, "ws-publish").filter((e) => e.by === "ws" && e.t > allIn + 100);
      expect(publishes.length).toBeGreaterThanOrEqual(6);
      expect(new Set(publishes.map((e) => e.subscribers))).toEqual(new Set([2]));
      expect(
        ofKind(events, "ws-close")
          .filter((e) => e.side === "client")
          .map((e) => e.code),
      ).toEqual([1000, 1000, 1000]);
      expect({ errors: ofKind(events, "error"), leaks: ofKind(events, "leak") }).toEqual({ errors: [], leaks: [] });
    },
    traceTimeoutMs,
  );

  test(
    "an EventSource on /feed hears the room, one way",
    async () => {
      const log = createEventLog();
      const runner = createRunner({ onEvent: log.push, cleanupGraceMs: 3_000 });
      await runner.start();
      try {
        const path = join(examplesDir, "15-websocket-chat.ts");
        await runner.load(await Bun.file(path).text(), path);
        const feedOpen = nextOnServer(log, "response", 1);
        const feed = openClient({
          lane: 1,
          url: new URL("/feed", runner.url).href,
          client: "eventsource",
          now: () => performance.now(),
          emit: log.push,
        });
        await feedOpen;
        const socket = await openSocket(log, runner.url, 2, { path: "/chat?name=ann" });
        const heard = log.next(
          (e): e is Extract<TimelineEvent, { kind: "sse" }> => e.kind === "sse" && e.data === "ann: anyone here?",
        );
        socket.messages.send("anyone here?");
        await heard;
        // Awaited from before the close: the feed may hear it before the socket's own close is recorded.
        const left = log.next(
          (e): e is Extract<TimelineEvent, { kind: "sse" }> => e.kind === "sse" && e.data === "ann left",
        );
        socket.disconnect();
        await socket.done;
        await left;
        feed.disconnect();
        await feed.done;
        expect(ofKind(log.events, "sse", 1).map((e) => e.data)).toEqual([
          "ann joined",
          "ann: anyone here?",
          "ann left",
        ]);
      } finally {
        await runner.stop();
      }
    },
    traceTimeoutMs,
  );
});

describe("17: a tool call streamed in fragments", () => {
  /** What `@anthropic-ai/sdk` assembles from the bytes the lane received. */
  async function sdkMessage(events: readonly TimelineEvent[]) {
    await using server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Response(receivedText(events), { headers: { "content-type": "text/event-stream" } }),
    });
    const client = new Anthropic({ baseURL: server.url.href, apiKey: "none", maxRetries: 0 });
    // Awaited here: the server stops once this function returns.
    return await client.messages
      .stream({ model: "pretend-claude", max_tokens: 1024, messages: [{ role: "user", content: "Weather in Paris?" }] })
      .finalMessage();
  }
  const toolInput = (message: Awaited<ReturnType<typeof sdkMessage>>) =>
    message.content.flatMap((block) => (block.type === "tool_use" ? [{ name: block.name, input: block.input }] : []));

  test(
    "the lens assembles the text and get_weather's arguments as @anthropic-ai/sdk does, with no violation",
    async () => {
      const { events } = await traceLesson("17-tool-call-fragments");
      const read = readLanes(events).get(1)!;
      const message = await sdkMessage(events);
      expect<unknown>({
        protocol: read.protocol,
        text: read.text,
        tools: read.toolCalls.map((call) => ({ name: call.name, input: call.arguments })),
        finish: read.finishReason,
        violations: read.violations,
      }).toEqual({
        protocol: "anthropic",
        text: message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join(""),
        tools: toolInput(message),
        finish: message.stop_reason!,
        violations: [],
      });
      expect(read.toolCalls[0]!.arguments).toEqual({ city: "Paris", unit: "celsius" });
      // Seven characters at a time: no fragment was JSON on its own.
      expect(ofKind(events, "sse").filter((event) => event.data.includes("input_json_delta")).length).toBe(5);
    },
    traceTimeoutMs,
  );

  test(
    "?mistake: the SDK silently calls the tool with {}, the lens agrees and names out-of-order at the first fragment",
    async () => {
      const { events } = await traceLesson("17-tool-call-fragments", { path: "/v1/messages?mistake" });
      const read = readLanes(events).get(1)!;
      const message = await sdkMessage(events);
      expect(toolInput(message)).toEqual([{ name: "get_weather", input: {} }]);
      expect<unknown>(read.toolCalls.map((call) => ({ name: call.name, input: call.arguments }))).toEqual(
        toolInput(message),
      );
      const firstFragment = ofKind(events, "sse").find((event) => event.data.includes("input_json_delta"))!;
      expect(read.violations[0]).toEqual({
        t: firstFragment.t,
        rule: "out-of-order",
        message: "`content_block_delta` for block 2 before its `content_block_start`",
      });
    },
    traceTimeoutMs,
  );
});

describe("18: an MCP server, and a stream that resumes", () => {
  /** The official MCP client against the lesson, served by a runner: the tool's text and the messages it heard. */
  async function callWithSdk(args: { to: number; drop?: boolean }) {
    const log = createEventLog();
    const runner = createRunner({ onEvent: log.push, cleanupGraceMs: 3_000 });
    await runner.start();
    const client = new Client({ name: "lesson-18", version: "1.0.0" });
    try {
      const path = join(examplesDir, "18-mcp-resumption.ts");
      await runner.load(await Bun.file(path).text(), path);
      const heard: string[] = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        heard.push(String(notification.params.data));
      });
      await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", runner.url)));
      const result = await client.callTool({ name: "count", arguments: args });
      const text = (result.content as { text: string }[]).map((part) => part.text).join("");
      const requests = ofKind(log.events, "request").map((request) => `${request.method} ${request.path}`);
      return { text, heard, requests };
    } finally {
      await client.close();
      await runner.stop();
    }
  }

  test(
    "the lens lists each message and the result answering tools/call, as the SDK's client receives them",
    async () => {
      const sdk = await callWithSdk({ to: 3 });
      const { events } = await traceLesson("18-mcp-resumption");
      const { body } = lessonTryArgs(await Bun.file(join(examplesDir, "18-mcp-resumption.md")).text())!;
      const read = readLanes(events, () => ({ requestBody: body })).get(1)!;
      expect({
        protocol: read.protocol,
        text: read.text,
        rpc: read.rpc!.map((message) => `${message.type} ${message.method ?? message.answers}`),
        complete: read.complete,
        violations: read.violations,
      }).toEqual({
        protocol: "mcp",
        text: sdk.text,
        rpc: [...sdk.heard.map(() => "notification notifications/message"), "result tools/call"],
        complete: true,
        violations: [],
      });
      expect(sdk).toMatchObject({ text: "Counted to 3.", heard: ["counted 1", "counted 2", "counted 3"] });
    },
    traceTimeoutMs,
  );

  test(
    "drop: the lane's stream ends unanswered; the SDK resumes with Last-Event-ID and hears every message once, then the result",
    async () => {
      const body = JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "count", arguments: { to: 4, drop: true } },
      });
      const { events } = await traceLesson("18-mcp-resumption", { body });
      const read = readLanes(events, () => ({ requestBody: body })).get(1)!;
      expect(read.violations.map((violation) => violation.message)).toEqual([
        "the stream ended without answering tools/call (id 1)",
      ]);
      expect(read.rpc!.length).toBe(2);

      const sdk = await callWithSdk({ to: 4, drop: true });
      expect(sdk.text).toBe("Counted to 4.");
      expect(sdk.heard).toEqual(["counted 1", "counted 2", "counted 3", "counted 4"]);
      expect(sdk.requests.filter((request) => request === "GET /mcp").length).toBeGreaterThanOrEqual(1);
    },
    traceTimeoutMs,
  );
});

describe("19: idle timeouts", () => {
  test.concurrent("/quiet is closed by the 8 s idle timeout before goal! and told as a pitfall; /heartbeat's comments keep it to the end", async () => {
    const [quiet, kept] = await Promise.all([
      traceLesson("19-idle-timeout"),
      traceLesson("19-idle-timeout", { path: "/heartbeat" }),
    ]);
    const abort = only(quiet.events, "abort");
    expect({ cause: abort.cause, limit: abort.idleTimeout?.seconds }).toEqual({ cause: "idle-timeout", limit: 8 });
    expect(ofKind(quiet.events, "sse").map((e) => e.data)).toEqual(["waiting for the next score"]);
    expect(only(quiet.events, "disconnect").by).toBe("error");
    expect(ofKind(quiet.events, "pitfall").map((e) => e.pitfall)).toEqual(["idle-timeout"]);

    expect(ofKind(kept.events, "sse").map((e) => e.data)).toEqual(["waiting for the next score", "goal!"]);
    expect(ofKind(kept.events, "sse-comment").length).toBe(6);
    expect(only(kept.events, "disconnect").by).toBe("server");
    expect(ofKind(kept.events, "pitfall")).toEqual([]);
  }, 30_000);
});

describe("20: compression and buffering proxies", () => {
  /** How long after its write each event reached the client, in ms. */
  const lateness = (events: readonly TimelineEvent[]) => {
    const received = ofKind(events, "sse").map((e) => e.t);
    const written = ofKind(events, "write")
      .filter((w) => w.text.startsWith("data: update"))
      .map((w) => w.t);
    return received.map((t, i) => t - written[i]!);
  };

  test.concurrent(
    "/gzip and /proxied deliver the five events together at the end; /plain each right after its write; only gzip is a pitfall",
    async () => {
      const [gzip, proxied, plain] = await Promise.all([
        traceLesson("20-compression-buffering"),
        traceLesson("20-compression-buffering", { path: "/proxied" }),
        traceLesson("20-compression-buffering", { path: "/plain" }),
      ]);
      for (const clumped of [gzip, proxied]) {
        const sse = ofKind(clumped.events, "sse");
        expect(sse.map((e) => e.data)).toEqual(["update 1", "update 2", "update 3", "update 4", "update 5"]);
        // All five within a few ms of each other, the first over a second after it was written.
        expect(sse.at(-1)!.t - sse[0]!.t).toBeLessThan(50);
        expect(lateness(clumped.events)[0]).toBeGreaterThan(1_000);
      }
      expect(Math.max(...lateness(plain.events))).toBeLessThan(100);
      expect(ofKind(gzip.events, "pitfall").map(({ pitfall, line }) => ({ pitfall, line }))).toEqual([
        { pitfall: "compressed-event-stream", line: 43 },
      ]);
      expect([...ofKind(proxied.events, "pitfall"), ...ofKind(plain.events, "pitfall")]).toEqual([]);
    },
    traceTimeoutMs,
  );
});

describe("21: multi-line data", () => {
  test.concurrent(
    "/pretty: the event's data is only '{', the other lines are unknown fields, a pitfall at the writing line; /fixed: the whole JSON",
    async () => {
      const pretty = await traceLesson("21-multi-line-data");
      expect(ofKind(pretty.events, "sse").map((e) => e.data)).toEqual(["{"]);
      expect(ofKind(pretty.events, "sse-invalid").map((e) => e.type)).toEqual(Array(5).fill("unknown-field"));
      expect(ofKind(pretty.events, "pitfall").map(({ pitfall, line }) => ({ pitfall, line }))).toEqual([
        { pitfall: "multi-line-data", line: 10 },
      ]);
      const fixed = await traceLesson("21-multi-line-data", { path: "/fixed" });
      expect(ofKind(fixed.events, "sse").map((e) => JSON.parse(e.data))).toEqual([
        { match: "Lyon – Nantes", home: 2, away: 1, minute: 67 },
      ]);
      expect([...ofKind(fixed.events, "sse-invalid"), ...ofKind(fixed.events, "pitfall")]).toEqual([]);
    },
    traceTimeoutMs,
  );
});

describe("22: writing after the client left", () => {
  test.concurrent(
    "/leaky: after the client leaves, the stream is written, the interval leaks and the pitfall is told; /fixed: cleanup and nothing after",
    async () => {
      const leaky = await traceLesson("22-write-after-close");
      // (The enqueue's own uncaught TypeError comes on the same tick, often after a trace has ended.)
      expect(ofKind(leaky.events, "leak").map((e) => e.what)).toEqual(expect.arrayContaining(["stream", "interval"]));
      expect(ofKind(leaky.events, "pitfall").map(({ pitfall, line }) => ({ pitfall, line }))).toEqual([
        { pitfall: "write-after-close", line: 8 },
      ]);
      const fixed = await traceLesson("22-write-after-close", { path: "/fixed" });
      expect(only(fixed.events, "cleanup").via).toBe("stream-cancel");
      expect([
        ...ofKind(fixed.events, "uncaught"),
        ...ofKind(fixed.events, "leak"),
        ...ofKind(fixed.events, "pitfall"),
      ]).toEqual([]);
    },
    traceTimeoutMs,
  );
});

/** Each lane's first reconnect: on a busy machine a lane back early may be cut again and come back once more. */
function firstReconnects(events: readonly TimelineEvent[]) {
  const first = new Map<number, EventOfKind<"reconnect">>();
  for (const back of ofKind(events, "reconnect")) if (!first.has(back.lane)) first.set(back.lane, back);
  return first;
}

describe("23: reconnect storms", () => {
  test(
    "/herd: five lanes back within a few ms after the same retry, told as a storm at the retry line; /jittered spreads them, no storm",
    async () => {
      // Long enough for every client's own retry (up to 3 s) after the cut (within 1.5 s), with a
      // second to spare on a busy machine.
      const [herd, spread] = await Promise.all([
        traceLesson("23-reconnect-storm"),
        traceLesson("23-reconnect-storm", { path: "/jittered", durationMs: 5_500 }),
      ]);
      // Five lanes whose reconnects fall within 50 ms of each other. (A client that connected just
      // after a cut is cut at the next one: the herd is then whole a cut later.)
      const reconnects = ofKind(herd.events, "reconnect");
      const herdSizes = reconnects.map(
        (first) => new Set(reconnects.filter((r) => r.t >= first.t && r.t - first.t < 50).map((r) => r.lane)).size,
      );
      expect(Math.max(0, ...herdSizes)).toBe(5);
      expect(ofKind(herd.events, "pitfall").map(({ pitfall, line }) => ({ pitfall, line }))).toEqual([
        { pitfall: "reconnect-storm", line: 14 },
      ]);

      const first = [...firstReconnects(spread.events).values()].map((event) => Math.round(event.delayMs));
      expect(first.length).toBe(5);
      expect(new Set(first).size).toBe(5);
      expect(ofKind(spread.events, "pitfall")).toEqual([]);
    },
    traceTimeoutMs,
  );
});

describe("24: six connections per origin", () => {
  test.concurrent(
    "the host's own EventSources have no such limit: all seven lanes open at once and tick (the browser's wait is tests/browser/six-connections.test.ts)",
    async () => {
      const { events } = await traceLesson("24-six-connections");
      const opens = ofKind(events, "open").filter((open) => open.attempt === 1);
      expect(opens.length).toBe(7);
      expect(Math.max(...opens.map((e) => e.t)) - Math.min(...opens.map((e) => e.t))).toBeLessThan(500);
      for (let lane = 1; lane <= 7; lane++) expect(ofKind(events, "sse", lane).length).toBeGreaterThanOrEqual(7);
    },
    traceTimeoutMs,
  );
});
