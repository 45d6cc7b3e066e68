/**
 * Interleaved pairs: each pair measures the anchor and the figure back to back, in alternating
 * order (anchor first, then figure first, …), so a burst of other work on this shared machine
 * falls on both sides of a pair alike, and a slow drift favours neither. The figure is the median
 * of the pairs' own ratios, which is steadier than a ratio of two medians taken apart.
 */

import { median, percentile } from "./stats.ts";

export interface PairedRuns {
  /** The anchor's measurements, pair by pair. */
  anchor: number[];
  /** The figure's measurements, pair by pair. */
  measured: number[];
  /** `measured[i] / anchor[i]` for each pair. */
  ratios: number[];
}

export interface PairOptions {
  pairs: number;
  anchor: () => Promise<number>;
  measured: () => Promise<number>;
  /** Runs before every single measurement (a GC, a settle). */
  between?: (() => Promise<void> | void) | undefined;
}

export async function runPairs(options: PairOptions): Promise<PairedRuns> {
  const runs: PairedRuns = { anchor: [], measured: [], ratios: [] };
  for (let i = 0; i < options.pairs; i++) {
    const order = i % 2 === 0 ? (["anchor", "measured"] as const) : (["measured", "anchor"] as const);
    const got = { anchor: 0, measured: 0 };
    for (const side of order) {
      await options.between?.();
      got[side] = await options[side]();
    }
    runs.anchor.push(got.anchor);
    runs.measured.push(got.measured);
    runs.ratios.push(got.anchor === 0 ? 0 : got.measured / got.anchor);
  }
  return runs;
}

/** The middle half of `samples` and their whole range, for a note: `0.93 (middle half 0.91–0.95, all 0.84–0.97)`. */
export function describeSpread(samples: readonly number[], digits = 2): string {
  const fixed = (value: number) => value.toFixed(digits);
  const low = percentile(samples, 25);
  const high = percentile(samples, 75);
  return `${fixed(median(samples))} (middle half ${fixed(low)}–${fixed(high)}, all ${fixed(Math.min(...samples))}–${fixed(Math.max(...samples))})`;
}
