/**
 * The visible time range and how pan and zoom move it. Times are absolute (host clock, ms); the
 * range never gets narrower than `minWidth` nor wider than `maxWidth`.
 */

export interface TimeRange {
  from: number;
  to: number;
}

/** 20 µs: finer than the clock sync is meaningless. */
export const minWidth = 0.02;
/** About a day. */
export const maxWidth = 86_400_000;

const clampWidth = (width: number) => Math.min(maxWidth, Math.max(minWidth, width));

/** Zooms by `factor` (> 1 zooms out) keeping the time at `anchor` where it is on screen. */
export function zoomAround(range: TimeRange, anchor: number, factor: number): TimeRange {
  const width = range.to - range.from;
  const next = clampWidth(width * factor);
  const ratio = width > 0 ? (anchor - range.from) / width : 0.5;
  const from = anchor - ratio * next;
  return { from, to: from + next };
}

/** Moves the range by `ms` (positive moves later in time). */
export function panBy(range: TimeRange, ms: number): TimeRange {
  return { from: range.from + ms, to: range.to + ms };
}

/** The range that shows `[first, last]` with a margin of `margin` (a fraction of the width) each side. */
export function fitRange(first: number, last: number, margin = 0.03): TimeRange {
  const width = clampWidth(last - first);
  const middle = (first + last) / 2;
  const padded = clampWidth(width * (1 + 2 * margin));
  return { from: middle - padded / 2, to: middle + padded / 2 };
}

/** A range of the same width centred on `t` (for scrolling a selection into view). */
export function centreOn(range: TimeRange, t: number): TimeRange {
  const half = (range.to - range.from) / 2;
  return { from: t - half, to: t + half };
}
