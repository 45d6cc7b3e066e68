/** Tick positions and labels for the time axis: 1, 2 or 5 × 10ⁿ ms apart, relative to its zero. */

export interface Ticks {
  /** Milliseconds between ticks. */
  step: number;
  /** Tick times relative to the axis's zero, ascending, covering `[from, to]`. */
  values: number[];
}

/** The smallest 1/2/5 × 10ⁿ step that keeps ticks at least `minStep` apart. */
export function niceStep(minStep: number): number {
  if (!(minStep > 0) || !Number.isFinite(minStep)) return 1;
  const power = 10 ** Math.floor(Math.log10(minStep));
  for (const factor of [1, 2, 5, 10]) if (power * factor >= minStep) return power * factor;
  return power * 10;
}

/** Ticks for the relative range `[from, to]` with at most about `maxTicks` of them. */
export function ticksFor(from: number, to: number, maxTicks: number): Ticks {
  const step = niceStep((to - from) / Math.max(1, maxTicks));
  const values: number[] = [];
  const first = Math.ceil(from / step);
  const last = Math.floor(to / step);
  // toPrecision drops float noise (0.2 × 63 is 12.600000000000001); `|| 0` turns -0 into 0.
  for (let i = first; i <= last && values.length <= maxTicks * 2; i++)
    values.push(Number((i * step).toPrecision(12)) || 0);
  return { step, values };
}

/** `0`, `250 ms`, `1.5 s`, `12.25 ms`: as many decimals as the step needs, seconds from 1 s steps on. */
export function formatTick(value: number, step: number): string {
  if (value === 0) return "0";
  if (step >= 1000) {
    const decimals = Math.max(0, -Math.floor(Math.log10(step / 1000) + 1e-9));
    return `${(value / 1000).toFixed(decimals)} s`;
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return `${value.toFixed(decimals)} ms`;
}
