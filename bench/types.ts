/**
 * The shape every benchmark reports: figures with goals, as `npm run bench` prints them (one JSON
 * object per line with `--json`).
 *
 * Types only.
 */

/** Which way a goal points. */
export type Comparison = "<=" | ">=";

/**
 * What a figure should be: `value <op> limit`, or, for a goal set against the anchor measured in
 * the same run, `value <op> anchor × limit` (`of: "anchor-times"`) or `value <op> anchor + limit`
 * (`of: "anchor-plus"`).
 */
export interface Goal {
  op: Comparison;
  limit: number;
  /** Left out for a fixed limit. */
  of?: "anchor-times" | "anchor-plus" | undefined;
  /** A fixed limit the value must meet as well, beside one set against the anchor (`<= 1x anchor, <= 900`). */
  alsoFixed?: number | undefined;
}

/** The same quantity measured on something to compare against, in the same run. */
export interface Anchor {
  /** What was measured, e.g. `bun --hot p95` or `plain Bun.serve`. */
  label: string;
  value: number;
  unit: string;
  /** The individual measurements `value` summarises, when there were several. */
  samples?: number[] | undefined;
}

/** One line of the report. */
export interface Figure {
  /** Stable name, e.g. `load-latency-p95`; `--only` accepts it. */
  name: string;
  value: number;
  /** `ms`, `x` (a ratio), `MiB/s`, … */
  unit: string;
  /**
   * The goal as text, e.g. `<= 10`, `>= 0.9`, `<= 1.05x anchor` or `<= anchor + 0.1`; null for a figure printed for
   * information only.
   */
  goal: string | null;
  /** Whether the goal is met; null when there is no goal. */
  ok: boolean | null;
  /** The anchor figure this one is compared with, when there is one. */
  anchor?: Anchor | undefined;
  /** `value / anchor.value`, when there is an anchor in the same unit. */
  ratio?: number | undefined;
  /** The individual measurements `value` summarises, when there were several. */
  samples?: number[] | undefined;
  /** Where the time went, in the figure's unit (e.g. `{ detect: 850, respawn: 40 }`). */
  parts?: Record<string, number> | undefined;
  /** A short remark for the reader: what was measured, and any shortcut taken. */
  note?: string | undefined;
}

/** One benchmark: a name for `--only`, the figures it reports, and how to measure them. */
export interface Benchmark {
  name: string;
  /** Names of the figures `run` returns, so `--only` can take a figure's name too. */
  figures: string[];
  run: () => Promise<Figure[]>;
}
