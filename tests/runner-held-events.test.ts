/**
 * What the runner counted but had not yet told (the repeat fold of an error thrown again and again,
 * flood control's folds of a stream or a WebSocket still open, the batch waiting to be sent)
 * reaches the timeline when the runner is restarted (the page's Restart, or replaced when idle:
 * it ends with SIGTERM) and when a trace takes its timeline. Each is checked against a count kept
 * outside the playground: a file the snippet writes, what a client read off the wire, or throws the
 * snippet makes a known number of.
 */

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import type { Runner } from "../src/supervisor/supervisor.ts";
import { waitFor } from "./support/desktop-session.ts";
import { type createEventLog, kind } from "./support/event-log.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { inlineSnippetPath, ofKind, only, traceSource } from "./support/timeline.ts";

const startRunner = runnerPerTest();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Events of kind `of` on the server side (or the runner's, for `uncaught`): told one by one plus folded. */
function countOf(
  events: readonly TimelineEvent[],
  of: "write" | "ws-send" | "uncaught",
): { count: number; bytes: number } {
  const told = events.filter((e) => e.kind === of && (e.side === "server" || e.side === "runner"));
  const folded = ofKind(events, "folded").filter((e) => e.of === of && e.side !== "client");
  return {
    count: told.length + folded.reduce((n, e) => n + e.count, 0),
    bytes:
      told.reduce((n, e) => n + ("bytes" in e && typeof e.bytes === "number" ? e.bytes : 0), 0) +
      folded.reduce((n, e) => n + e.bytes, 0),
  };
}

/**
 * Waits until what was told of `of` (one by one and folded) reaches `atLeast` in `measure`, and
 * returns what it reached; a wait that runs out names both numbers.
 */
function toldReaching(
  events: readonly TimelineEvent[],
  of: "write" | "ws-send" | "uncaught",
  measure: "count" | "bytes",
  atLeast: number,
): Promise<number> {
  return waitFor(
    () => `the ${of} events told to reach ${atLeast} ${measure}: ${countOf(events, of)[measure]}`,
    () => {
      const told = countOf(events, of)[measure];
      return told >= atLeast ? told : undefined;
    },
    2_000,
  );
}

/**
 * Restarts the runner in the middle of a fold: once flood control has told one fold and the client
 * has read `more` (bytes or messages) since, so the flood is being counted into the next; then
 * waits for the client to see its connection end.
 */
async function restartWhileFolding(options: {
  runner: Runner;
  log: ReturnType<typeof createEventLog>;
  read: () => number;
  more: number;
  clientEnded: Promise<void>;
}): Promise<void> {
  const { runner, log, read, more, clientEnded } = options;
  await log.next(kind("folded"));
  const from = read();
  await waitFor(`the client to read ${more} more`, () => (read() >= from + more ? true : undefined), 5_000);
  await runner.restart("asked by the test");
  await clientEnded;
}

describe("a restarted runner tells what it had counted", () => {
  test("an error thrown again and again: every throw is told or counted, up to the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "runner-restart-"));
    dirs.push(dir);
    const counter = join(dir, "thrown");
    const started = join(dir, "started");
    // Only the first runner throws: the one that replaces it loads the same snippet.
    const source = `import { existsSync, writeFileSync } from "node:fs";
if (!existsSync(${JSON.stringify(started)})) {
  writeFileSync(${JSON.stringify(started)}, "");
  let thrown = 0;
  setInterval(() => {
    writeFileSync(${JSON.stringify(counter)}, String(++thrown));
    throw new Error("tick");
  }, 2);
}
export default () => new Response("ok");`;
    const { runner, log } = await startRunner();
    expect((await runner.load(source, inlineSnippetPath)).kind).toBe("loaded");
    // Past the three told on their own, the rest is being counted.
    await waitFor(
      "ten throws",
      () => (Number(existsSync(counter) && readFileSync(counter, "utf8")) >= 10 ? true : undefined),
      5_000,
    );
    await runner.restart("asked by the test");
    const thrown = Number(readFileSync(counter, "utf8"));
    const told = await toldReaching(log.events, "uncaught", "count", thrown);
    expect(told).toBe(thrown);
    expect(ofKind(log.events, "uncaught").length).toBe(3);
    expect(ofKind(log.events, "folded").filter((e) => e.of === "uncaught").length).toBeGreaterThan(0);
  });

  test("a stream flooding when the runner is restarted: its writes add up to at least what the client read", async () => {
    const { runner, log } = await startRunner();
    const source = `const chunk = "x".repeat(1024);
export default () => new Response(new ReadableStream({ pull(controller) { controller.enqueue(chunk); } }));`;
    expect((await runner.load(source, inlineSnippetPath)).kind).toBe("loaded");
    let received = 0;
    const ended = Promise.withResolvers<void>();
    get(runner.url, (response) => {
      response.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
      });
      response.on("error", () => ended.resolve());
      response.on("close", () => ended.resolve());
    }).on("error", () => ended.resolve());
    await restartWhileFolding({ runner, log, read: () => received, more: 4 << 20, clientEnded: ended.promise });
    // What the client read left the runner's stream; bytes still in the socket's buffers were lost with it.
    const written = await toldReaching(log.events, "write", "bytes", received);
    expect(received).toBeGreaterThan(0);
    expect(written).toBeGreaterThanOrEqual(received);
  });

  test("a WebSocket flooding when the runner is restarted: its sends add up to at least what the client read", async () => {
    const { runner, log } = await startRunner();
    const source = `const timers = new Map();
export default {
  fetch(req, server) { return server.upgrade(req) ? undefined : new Response("upgrade", { status: 400 }); },
  websocket: {
    open(ws) {
      const pump = () => {
        for (let i = 0; i < 50; i++) ws.send("tick " + i);
        timers.set(ws, setTimeout(pump, 0));
      };
      pump();
    },
    message() {},
    close(ws) { clearTimeout(timers.get(ws)); },
  },
};`;
    expect((await runner.load(source, inlineSnippetPath)).kind).toBe("loaded");
    let received = 0;
    const closed = Promise.withResolvers<void>();
    const socket = new WebSocket(runner.url.replace("http", "ws"));
    socket.onmessage = () => {
      received++;
    };
    socket.onclose = () => closed.resolve();
    await restartWhileFolding({ runner, log, read: () => received, more: 5_000, clientEnded: closed.promise });
    const sent = await toldReaching(log.events, "ws-send", "count", received);
    expect(received).toBeGreaterThan(0);
    expect(sent).toBeGreaterThanOrEqual(received);
  });
});

describe("a trace tells what the runner had counted when it ends", () => {
  test("an error thrown ten times during a trace: three told and seven counted", async () => {
    const source = `let thrown = 0;
const timer = setInterval(() => {
  if (++thrown === 10) clearInterval(timer);
  throw new Error("tick");
}, 5);
export default async () => {
  await Bun.sleep(300);
  return new Response("ok");
};`;
    const { events } = await traceSource(source);
    expect(countOf(events, "uncaught").count).toBe(10);
    expect(ofKind(events, "uncaught").length).toBe(3);
    expect(events.at(-1)?.kind).toBe("summary");
  });

  test("an error that goes on past the trace's end: what the runner tells while it stops is not printed after the summary", async () => {
    // A throw on every turn of the event loop: some come after the trace took its timeline, and
    // the runner tells them, folded, as it stops.
    const source = `const again = () => {
  setImmediate(again);
  throw new Error("tick");
};
setImmediate(again);
export default async () => {
  await Bun.sleep(100);
  return new Response("ok");
};`;
    const live: TimelineEvent[] = [];
    const { events } = await traceSource(source, { onEvent: (event) => live.push(event) });
    expect(ofKind(events, "folded").filter((e) => e.of === "uncaught").length).toBeGreaterThan(0);
    // What the trace printed as it ran is its timeline, the summary aside (printed apart, last).
    expect(live.length).toBe(events.length - 1);
  });
});

describe("a snippet's process.exit leaves what it recorded on the timeline", () => {
  test("a burst of 1,500 writes and then process.exit: the request, its response and every write are told", async () => {
    // About 1.5 MB of events, most of it still being written to the host when the process ends.
    const source = `const chunk = "y".repeat(1000);
export default () => new Response(new ReadableStream({
  start(controller) {
    for (let i = 0; i < 1500; i++) controller.enqueue(chunk);
    setTimeout(() => process.exit(3), 0);
  },
}));`;
    const { events } = await traceSource(source);
    expect(ofKind(events, "request").length).toBe(1);
    expect(ofKind(events, "response").length).toBe(1);
    expect(countOf(events, "write")).toEqual({ count: 1500, bytes: 1_500_000 });
    const received = ofKind(events, "chunk").reduce((sum, chunk) => sum + chunk.bytes, 0);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(1_500_000);
    expect(only(events, "restarted").cause).toBe("exit");
  });
});
