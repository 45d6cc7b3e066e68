/**
 * The read memory guard, on a made-up process: its resident size is a number the test moves, its
 * clock a number the test advances, and a collection gives back what the test says it does.
 */

import { describe, expect, test } from "bun:test";
import { createReadMemoryGuard, type ReadMemoryGuardOptions } from "../src/clients/read-memory-guard.ts";

const MiB = 1024 ** 2;

function fakeProcess(collectMs = 1) {
  const state = { resident: 100 * MiB, clock: 0, garbage: 0, collections: [] as number[] };
  const options: ReadMemoryGuardOptions = {
    residentBytes: () => state.resident + state.garbage,
    collect: () => {
      state.collections.push(state.clock);
      state.garbage = 0;
      state.clock += collectMs;
    },
    now: () => state.clock,
    checkEveryBytes: 8 * MiB,
    growthBytes: 12 * MiB,
    minIntervalMs: 20,
    spacing: 10,
  };
  /** Reads `bytes` in 64 KiB chunks over `ms`, each chunk leaving `garbagePerChunk` behind. */
  const read = (
    guard: ReturnType<typeof createReadMemoryGuard>,
    bytes: number,
    ms: number,
    garbagePerChunk: number,
  ) => {
    const chunks = bytes / (64 * 1024);
    for (let i = 0; i < chunks; i++) {
      state.clock += ms / chunks;
      state.garbage += garbagePerChunk;
      guard.read(64 * 1024);
    }
  };
  return { state, options, read };
}

describe("read memory guard", () => {
  test("a stream that leaves nothing behind is never collected", () => {
    const { state, options, read } = fakeProcess();
    const guard = createReadMemoryGuard(options);
    read(guard, 1024 * MiB, 1_000, 0);
    expect(guard.collections).toBe(0);
    expect(state.collections).toEqual([]);
  });

  test("garbage that piles up is collected once it passes the growth allowed, so it never gets far past it", () => {
    const { state, options, read } = fakeProcess();
    const guard = createReadMemoryGuard(options);
    let peak = 0;
    // Half of every chunk stays behind until collected: 512 MiB of garbage over a 1 GiB read.
    for (let i = 0; i < 64; i++) {
      read(guard, 16 * MiB, 16, 32 * 1024);
      peak = Math.max(peak, state.garbage);
    }
    expect(guard.collections).toBeGreaterThan(10);
    // Checked every 8 MiB read (4 MiB of garbage): the growth allowed plus at most one step.
    expect(peak).toBeLessThanOrEqual(options.growthBytes + 4 * MiB);
  });

  test("collections are spaced by ten times as long as the last one took, so a big heap is not stalled over and over", () => {
    const { state, options, read } = fakeProcess(50);
    const guard = createReadMemoryGuard(options);
    read(guard, 1024 * MiB, 1_000, 32 * 1024);
    const gaps = state.collections.slice(1).map((at, i) => at - state.collections[i]!);
    expect(gaps.length).toBeGreaterThan(0);
    // Each collection takes 50 ms, so the next waits 500 ms after it ends.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(550);
  });

  test("memory the process keeps after a collection becomes its level: only growth past that counts", () => {
    const { state, options, read } = fakeProcess();
    const guard = createReadMemoryGuard(options);
    read(guard, 64 * MiB, 64, 32 * 1024);
    const first = guard.collections;
    expect(first).toBeGreaterThan(0);
    // The process now keeps 200 MiB more for good (events, say), and reads on without garbage.
    state.resident += 200 * MiB;
    read(guard, 512 * MiB, 512, 0);
    const afterJump = guard.collections;
    read(guard, 512 * MiB, 512, 0);
    // One collection may look at the jump; once it is the level, reading without garbage collects nothing more.
    expect(afterJump - first).toBe(1);
    expect(guard.collections).toBe(afterJump);
  });
});
