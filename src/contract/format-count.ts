/**
 * An integer with its thousands grouped by commas, as `toLocaleString("en")` writes it
 * (`1,234,567`), without Intl: a page's first `toLocaleString` sets up the browser's number
 * formatting, which took 11–18 ms of the playground's start in Chromium (for the events table's
 * "0 events"). Anything but a safe integer (and −0, written "-0") is left to `toLocaleString`.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString("en");
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}

/**
 * `count` and its noun, the noun singular for exactly one: `1 write`, `0 chunks`, `3 changes`;
 * `plural` for a noun that does not take an `s`.
 */
export function countWithNoun(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
