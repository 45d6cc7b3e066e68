import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { type BatchTimers, createEventBatcher } from "../src/main/event-batcher.ts";

/** Timers that run only when the test says the time has come, and say how long each was set for. */
function manualTimers(): BatchTimers & { waits: number[]; fire(): void } {
  let due: (() => void) | undefined;
  const waits: number[] = [];
  return {
    waits,
    set(callback, ms) {
      waits.push(ms);
      due = callback;
      return waits.length;
    },
    clear() {
      due = undefined;
    },
    fire() {
      const callback = due;
      due = undefined;
      callback?.();
    },
  };
}

const chunk = (t: number): TimelineEvent => ({ t, lane: 1, side: "client", kind: "chunk", bytes: 1, text: "x" });

function batcherWith(timers: ReturnType<typeof manualTimers>) {
  const batches: number[] = [];
  const batcher = createEventBatcher({
    intervalMs: 30,
    floodPerSecond: 5_000,
    maxPending: 5_000,
    flush: (events) => batches.push(events.length),
    timers,
  });
  let t = 0;
  /** Adds `n` events, then lets the batch's timer fire. */
  const batch = (n: number) => {
    for (let i = 0; i < n; i++) batcher.add(chunk(t++));
    timers.fire();
  };
  return { batcher, batches, batch };
}

describe("the event batcher", () => {
  test("at a moderate rate every batch waits the interval", () => {
    const timers = manualTimers();
    const { batches, batch } = batcherWith(timers);
    for (let i = 0; i < 4; i++) batch(100);
    expect(batches).toEqual([100, 100, 100, 100]);
    expect(timers.waits).toEqual([30, 30, 30, 30]);
  });

  test("a batch at a flood's rate makes the next wait longer, and one below it brings the interval back", () => {
    const timers = manualTimers();
    const { batches, batch } = batcherWith(timers);
    // 150 events in 30 ms is 5,000 a second: a flood. At 60 ms, 300 are.
    batch(150);
    batch(300);
    batch(299);
    batch(10);
    expect(batches).toEqual([150, 300, 299, 10]);
    expect(timers.waits).toEqual([30, 60, 60, 30]);
  });

  test("a batch that reaches maxPending goes at once and counts as a flood's", () => {
    const timers = manualTimers();
    const { batcher, batches } = batcherWith(timers);
    for (let i = 0; i < 5_001; i++) batcher.add(chunk(i));
    expect(batches).toEqual([5_000]);
    expect(timers.waits).toEqual([30, 60]);
    batcher.flush();
    expect(batches).toEqual([5_000, 1]);
  });

  test("discard forgets what waits and stops its timer", () => {
    const timers = manualTimers();
    const { batcher, batches } = batcherWith(timers);
    batcher.add(chunk(0));
    batcher.discard();
    timers.fire();
    batcher.flush();
    expect(batches).toEqual([]);
  });
});
