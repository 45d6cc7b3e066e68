/**
 * Binary searches over a row's marks (sorted by `t`): what is visible in a time range and what is
 * under the pointer. They read the row's `times` column; nothing here allocates per mark.
 */

import type { TimelineMark, TimelineRow } from "./timeline-types.ts";

/** Index of the first mark with `t >= time` (`marks.length` when none). */
export function firstAtOrAfter(row: TimelineRow, time: number): number {
  const times = row.times;
  let lo = 0;
  let hi = row.marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first mark with `t > time` (`marks.length` when none). */
export function firstAfter(row: TimelineRow, time: number): number {
  const times = row.times;
  let lo = 0;
  let hi = row.marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The index range `[lo, hi)` holding every mark of the row that overlaps `[from, to]`. It may also
 * hold a few that end after `to` but start after it too (when the row has folded spans); a caller
 * drawing spans skips those with `start > to`.
 */
export function visibleIndexRange(row: TimelineRow, from: number, to: number): [lo: number, hi: number] {
  return [firstAtOrAfter(row, from), firstAfter(row, to + row.maxMarkDuration)];
}

/** Exactly the marks of the row that overlap `[from, to]`: `t >= from` and `start <= to`. */
export function visibleMarks(row: TimelineRow, from: number, to: number): TimelineMark[] {
  const [lo, hi] = visibleIndexRange(row, from, to);
  const found: TimelineMark[] = [];
  for (let i = lo; i < hi; i++) {
    const mark = row.marks[i]!;
    if (mark.start <= to) found.push(mark);
  }
  return found;
}

/**
 * The mark nearest to `time` within `tolerance` ms, preferring point marks; a folded span counts
 * as hit anywhere between its start and end when no point mark is near.
 */
export function markNear(row: TimelineRow, time: number, tolerance: number): TimelineMark | undefined {
  const marks = row.marks;
  let best: TimelineMark | undefined;
  let bestDistance = Infinity;
  const lo = firstAtOrAfter(row, time - tolerance);
  const hi = firstAfter(row, time + tolerance);
  for (let i = lo; i < hi; i++) {
    const mark = marks[i]!;
    if (mark.start !== mark.t) continue;
    const distance = Math.abs(mark.t - time);
    // Among marks at the same place, the last drawn (on top) wins.
    if (distance <= bestDistance) {
      best = mark;
      bestDistance = distance;
    }
  }
  if (best !== undefined || row.maxMarkDuration === 0) return best;
  const spanHi = firstAfter(row, time + tolerance + row.maxMarkDuration);
  for (let i = lo; i < spanHi; i++) {
    const mark = marks[i]!;
    if (mark.start !== mark.t && mark.start - tolerance <= time && time <= mark.t + tolerance) return mark;
  }
  return undefined;
}
