/**
 * The same uncaught error again and again is told three times, then counted: one `folded` row per
 * window for each message at each line, with the count, for as long as it goes on. Different
 * errors are told on their own.
 */

import { describe, expect, test } from "bun:test";
import type { FoldedEvent } from "../src/contract/index.ts";
import { createRepeatFold } from "../src/runner/repeat-fold.ts";

function fold() {
  let clock = 0;
  const timers: { at: number; run: () => void }[] = [];
  const emitted: FoldedEvent[] = [];
  const repeats = createRepeatFold({
    of: "uncaught",
    now: () => clock,
    emit: (event) => emitted.push(event),
    setTimer: (run, ms) => timers.push({ at: clock + ms, run }),
  });
  const advance = (to: number) => {
    clock = to;
    const due = timers.filter((timer) => timer.at <= to);
    for (const timer of due) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
  };
  return { repeats, emitted, advance, timers };
}

describe("repeats of one error", () => {
  test("three are told, the rest of the window is one folded row with their count", () => {
    const { repeats, emitted, advance } = fold();
    const told = Array.from({ length: 20 }, (_, i) => {
      advance(i * 200);
      return repeats.admit("13:TypeError: Invalid state", i * 200);
    });
    expect(told.filter(Boolean).length).toBe(3);
    expect(told.slice(0, 3)).toEqual([true, true, true]);
    advance(5_000);
    expect(emitted).toEqual([
      { t: 5_000, lane: 0, side: "runner", kind: "folded", of: "uncaught", count: 17, bytes: 0, since: 600 },
    ]);
    // The repeats go on: the next window is counted whole, and closes as one folded row.
    expect([5_200, 5_400, 5_600, 5_800].map((t) => repeats.admit("13:TypeError: Invalid state", t))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    advance(10_200);
    expect(emitted.at(-1)).toEqual({
      t: 10_200,
      lane: 0,
      side: "runner",
      kind: "folded",
      of: "uncaught",
      count: 4,
      bytes: 0,
      since: 5_200,
    });
  });

  test("after a window's worth of quiet the same error is told again", () => {
    const { repeats, advance } = fold();
    for (let i = 0; i < 5; i++) repeats.admit("13:TypeError: a", i * 100);
    advance(5_000);
    expect([11_000, 11_100, 11_200, 11_300].map((t) => repeats.admit("13:TypeError: a", t))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  test("another message, or the same one at another line, is its own story; flush closes what is open", () => {
    const { repeats, emitted } = fold();
    for (let i = 0; i < 5; i++) repeats.admit("13:TypeError: a", i);
    expect([repeats.admit("14:TypeError: a", 10), repeats.admit("13:RangeError: b", 11)]).toEqual([true, true]);
    repeats.flush();
    expect(emitted.map(({ count, since }) => ({ count, since }))).toEqual([{ count: 2, since: 3 }]);
  });
});
