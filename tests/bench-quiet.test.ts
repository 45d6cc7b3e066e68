/**
 * The benchmarks wait for a quiet machine before each timed start (bench/quiet.ts): on a machine's
 * CPU times, given here window by window, with a clock that only the test moves.
 */

import { describe, expect, test } from "bun:test";
import { type CpuTimes, untilQuiet } from "../bench/quiet.ts";

/** A machine whose CPU is busy by each share in turn, 100 ms of CPU time a window; the last share holds. */
function machine(shares: number[]) {
  let window = 0;
  let at: CpuTimes = { busy: 0, total: 0 };
  let slept = 0;
  return {
    sample: () => at,
    sleep: async (ms: number) => {
      slept += ms;
      const share = shares[Math.min(window, shares.length - 1)]!;
      window += 1;
      at = { busy: at.busy + 100 * share, total: at.total + 100 };
    },
    slept: () => slept,
  };
}

describe("waiting for a quiet machine", () => {
  test("ends at the second quiet window in a row, not at a lone one", async () => {
    const cpu = machine([0.9, 0.85, 0.05, 0.6, 0.1, 0.02, 0.9]);
    expect({ quiet: await untilQuiet(cpu), waited: cpu.slept() }).toEqual({ quiet: true, waited: 600 });
  });

  test("gives up on a machine that stays busy, after its bound", async () => {
    const cpu = machine([0.4]);
    expect({ quiet: await untilQuiet({ ...cpu, timeoutMs: 1_000 }), waited: cpu.slept() }).toEqual({
      quiet: false,
      waited: 1_000,
    });
  });
});
