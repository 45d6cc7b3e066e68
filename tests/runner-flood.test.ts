import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { ofKind, traceSource } from "./support/timeline.ts";

const GiB = 1024 ** 3;

/** Bytes accounted for on one side: events recorded one by one plus those folded. */
function bytesOn(events: readonly TimelineEvent[], one: "write" | "chunk") {
  const single = ofKind(events, one).reduce((sum, e) => sum + e.bytes, 0);
  const folded = ofKind(events, "folded")
    .filter((e) => e.of === one)
    .reduce((sum, e) => sum + e.bytes, 0);
  return single + folded;
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
});
