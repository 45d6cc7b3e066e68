import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { ofKind, only, traceSource } from "./support/timeline.ts";

const startRunner = runnerPerTest();

const GiB = 1024 ** 3;

/** Bytes accounted for on one side: events recorded one by one plus those folded. */
function bytesOn(events: readonly TimelineEvent[], one: "write" | "chunk") {
  const single = ofKind(events, one).reduce((sum, e) => sum + e.bytes, 0);
  const folded = ofKind(events, "folded")
    .filter((e) => e.of === one)
    .reduce((sum, e) => sum + e.bytes, 0);
  return single + folded;
}

/** Writes on the server side: recorded one by one plus those folded. */
function writesOn(events: readonly TimelineEvent[]) {
  return (
    ofKind(events, "write").length +
    ofKind(events, "folded")
      .filter((e) => e.of === "write")
      .reduce((n, e) => n + e.count, 0)
  );
}

/** Traces `source` while sampling this process's memory: the host side of the trace lives here. */
async function traceWithPeakMemory(source: string) {
  Bun.gc(true);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const result = await traceSource(source);
    return { ...result, growth: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

describe("flood control", () => {
  test("a 1 GiB stream is traced whole while the host's memory stays bounded", async () => {
    const { events, growth } = await traceWithPeakMemory(`
      const chunk = new Uint8Array(64 * 1024).fill(120);
      export default () => new Response(async function* () {
        for (let sent = 0; sent < ${GiB}; sent += chunk.byteLength) yield chunk;
      });`);
    expect({ written: bytesOn(events, "write"), received: bytesOn(events, "chunk") }).toEqual({
      written: GiB,
      received: GiB,
    });
    expect(ofKind(events, "folded").length).toBeGreaterThan(0);
    // 16,384 writes and as many reads at most: folding keeps the timeline to a few thousand events.
    expect(events.length).toBeLessThan(20_000);
    expect(growth).toBeLessThan(256 * 1024 * 1024);
  }, 60_000);

  test("a million tiny writes fold into counts that add up", async () => {
    const { events, growth } = await traceWithPeakMemory(`
      export default () => new Response(async function* () {
        for (let i = 0; i < 1_000_000; i++) yield "0123456789abcdef";
      });`);
    const writes =
      ofKind(events, "write").length +
      ofKind(events, "folded")
        .filter((e) => e.of === "write")
        .reduce((n, e) => n + e.count, 0);
    expect({ writes, written: bytesOn(events, "write"), received: bytesOn(events, "chunk") }).toEqual({
      writes: 1_000_000,
      written: 16_000_000,
      received: 16_000_000,
    });
    expect(events.length).toBeLessThan(50_000);
    expect(growth).toBeLessThan(256 * 1024 * 1024);
  }, 60_000);

  // Under a flood, writes are counted into folds without a time each: the body's last writes, its
  // end, its error and its cancel must still all be seen, as on a stream that does not flood.
  test("a flood that ends: every write counted, then its end", async () => {
    const { events } = await traceSource(`export default () => new Response(async function* () {
      const chunk = new Uint8Array(1024).fill(120);
      for (let i = 0; i < 200_000; i++) yield chunk;
    });`);
    expect({
      writes: writesOn(events),
      written: bytesOn(events, "write"),
      received: bytesOn(events, "chunk"),
      ends: ofKind(events, "end").map(({ writes, bytes }) => ({ writes, bytes })),
      last: events.filter((event) => event.side === "server").at(-1)?.kind,
      disconnect: ofKind(events, "disconnect").map((event) => event.by),
    }).toEqual({
      writes: 200_000,
      written: 200_000 * 1024,
      received: 200_000 * 1024,
      ends: [{ writes: 200_000, bytes: 200_000 * 1024 }],
      last: "end",
      disconnect: ["server"],
    });
    expect(ofKind(events, "folded").length).toBeGreaterThan(0);
  }, 30_000);

  test("a flood that throws part-way: every write before it counted, and the error at its line", async () => {
    const { events } = await traceSource(`export default () => new Response(async function* () {
      const chunk = new Uint8Array(1024).fill(120);
      for (let i = 0; i < 100_000; i++) yield chunk;
      throw new Error("the rows ran out");
    });`);
    expect({
      writes: writesOn(events),
      written: bytesOn(events, "write"),
      errors: ofKind(events, "error").map(({ during, message, line }) => ({ during, message, line })),
      ends: ofKind(events, "end").length,
      disconnect: ofKind(events, "disconnect").map((event) => event.by),
    }).toEqual({
      writes: 100_000,
      written: 100_000 * 1024,
      errors: [{ during: "body", message: "the rows ran out", line: 4 }],
      ends: 0,
      disconnect: ["error"],
    });
    expect(ofKind(events, "folded").length).toBeGreaterThan(0);
  }, 30_000);

  // A step that settles after an await inside the microtask queue is seen neither as the
  // generator returns it nor by a reaction attached once the event loop turned, but as Bun calls
  // return() or the loop turns: the end and the error are still there, whole.
  test("a flood that ends or throws just after an await: its end, or its error at its line", async () => {
    const flood = (after: string) => `export default () => new Response(async function* () {
      const chunk = new Uint8Array(1024).fill(120);
      for (let i = 0; i < 100_000; i++) yield chunk;
      await null;
      ${after}
    });`;
    const ended = (await traceSource(flood(""))).events;
    const failed = (await traceSource(flood(`throw new Error("the rows ran out");`))).events;
    expect({
      ends: ofKind(ended, "end").map(({ writes, bytes }) => ({ writes, bytes })),
      endedBy: ofKind(ended, "disconnect").map((event) => event.by),
      errors: ofKind(failed, "error").map(({ during, message, line }) => ({ during, message, line })),
      written: bytesOn(failed, "write"),
      failedBy: ofKind(failed, "disconnect").map((event) => event.by),
    }).toEqual({
      ends: [{ writes: 100_000, bytes: 100_000 * 1024 }],
      endedBy: ["server"],
      errors: [{ during: "body", message: "the rows ran out", line: 5 }],
      written: 100_000 * 1024,
      failedBy: ["error"],
    });
  }, 30_000);

  test("a timeline asked for while a flood runs: the folds shown so far and the end add up, none counted twice", async () => {
    const { runner, log } = await startRunner();
    const chunks = 300_000;
    const loaded = await runner.load(
      `export default () => new Response(async function* () {
        const chunk = new Uint8Array(1024).fill(120);
        for (let i = 1; i <= ${chunks}; i++) {
          yield chunk;
          // A turn of the event loop now and then, for the host's asks to reach the runner mid-flood.
          if (i % 20_000 === 0) await Bun.sleep(5);
        }
      });`,
      join(import.meta.dir, "flood-asked.ts"),
    );
    expect(loaded.kind).toBe("loaded");
    let read = false;
    const reading = fetch(runner.url)
      .then((response) => response.arrayBuffer())
      .finally(() => {
        read = true;
      });
    // Each ask has the runner record what flood control holds so far, as the app's live timeline does.
    let foldsBeforeEnd = 0;
    while (!read) {
      await runner.settle(1);
      if (ofKind(log.events, "end").length === 0) foldsBeforeEnd = ofKind(log.events, "folded").length;
    }
    expect((await reading).byteLength).toBe(chunks * 1024);
    await runner.settle(5_000);
    expect({
      writes: writesOn(log.events),
      written: bytesOn(log.events, "write"),
      ends: ofKind(log.events, "end").map(({ writes, bytes }) => ({ writes, bytes })),
    }).toEqual({
      writes: chunks,
      written: chunks * 1024,
      ends: [{ writes: chunks, bytes: chunks * 1024 }],
    });
    // Folds were recorded while the stream still ran, not only at its end.
    expect(foldsBeforeEnd).toBeGreaterThan(1);
  }, 30_000);

  test("a flood the client leaves: the cancel and the generator's finally, and no more written than it took", async () => {
    const { events } = await traceSource(
      `export default () => new Response(async function* () {
      const chunk = new Uint8Array(1024).fill(120);
      try {
        while (true) yield chunk;
      } finally {
        console.log("closed");
      }
    });`,
      { durationMs: 500 },
    );
    const written = bytesOn(events, "write");
    expect({
      cancels: ofKind(events, "cancel").length,
      cleanups: ofKind(events, "cleanup").map((event) => event.via),
      // Logged from the request's own context, entered as Bun resumed the generator.
      logged: ofKind(events, "log").map(({ text, requestId }) => ({ text, requestId })),
      ends: ofKind(events, "end").length,
      // Every byte counted is a write of 1 KiB; the client read some of them before it left.
      whole: written % 1024,
      readPart: bytesOn(events, "chunk") <= written,
    }).toEqual({
      cancels: 1,
      cleanups: ["generator-finally"],
      logged: [{ text: "closed", requestId: only(events, "request").requestId }],
      ends: 0,
      whole: 0,
      readPart: true,
    });
    expect(ofKind(events, "folded").length).toBeGreaterThan(0);
  }, 30_000);
});
