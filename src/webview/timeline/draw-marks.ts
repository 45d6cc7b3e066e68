/**
 * The marks, into the pixel layer: one by one where there is room, as a density bar per pixel
 * column (stacked by role) where a row has more visible marks than columns to show them.
 *
 * Both read the row's typed columns (`times`, `starts`, `roleIds`, `sizes`), never the mark
 * objects: 100,000 marks are 100,000 scattered objects but four contiguous arrays.
 */

import { barHeight, barTop, isVisible, type Frame, type RowBox } from "./frame.ts";
import { markRoles, roleIds } from "./mark-look.ts";
import type { MarkRaster } from "./mark-raster.ts";
import type { TimelineTheme } from "./timeline-theme.ts";

/** Roles from here on in `markRoles` are drawn after (over) the others. */
const firstForegroundRole = roleIds.sse;
const roleCount = markRoles.length;

/**
 * Counts the point marks of `[lo, hi)` per pixel column and role; returns how many it counted.
 * A separate function with only locals in its loop: V8 (Chromium 156) kept deoptimising the
 * on-stack-replaced loop when it shared a function with property reads after it.
 */
function binMarks(
  times: Float64Array,
  starts: Float64Array,
  roles: Uint8Array,
  lo: number,
  hi: number,
  from: number,
  to: number,
  scale: number,
  columns: number,
  counts: Int32Array,
  sums: Int32Array,
): number {
  let binned = 0;
  for (let i = lo; i < hi; i++) {
    const start = starts[i]!;
    const t = times[i]!;
    if (start !== t || start > to) continue;
    const column = ((t - from) * scale) | 0;
    if (column < 0 || column >= columns) continue;
    counts[roles[i]! * columns + column]!++;
    sums[column]!++;
    binned++;
  }
  return binned;
}

/** Paints the rows' marks, one by one or as density bars, into the raster. */
export interface MarkPainter {
  /** Draws every visible row's marks into the raster (the caller blits it). */
  paint(frame: Frame): void;
}

export function createMarkPainter(raster: MarkRaster): MarkPainter {
  let bins = new Int32Array(0);
  let totals = new Int32Array(0);
  let coloursFor: TimelineTheme | undefined;
  let roleColours: number[] = [];
  let foldedColour = 0;

  function colours(theme: TimelineTheme): void {
    if (coloursFor === theme) return;
    coloursFor = theme;
    roleColours = markRoles.map((role) => raster.colour(theme.roles[role]));
    foldedColour = raster.colour(theme.roles.folded, 0.45);
  }

  function one(frame: Frame, box: RowBox, index: number): void {
    const { row } = box;
    const top = barTop(box);
    const h = barHeight(box);
    const mid = top + h / 2;
    const { times, starts, roleIds: roles, sizes } = row;
    const { from, to, left, scale } = frame;
    const lo = frame.lo[index]!;
    const hi = frame.hi[index]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = lo; i < hi; i++) {
        const role = roles[i]!;
        const start = starts[i]!;
        if (start > to || role >= firstForegroundRole !== (pass === 1)) continue;
        const t = times[i]!;
        const x = left + (t - from) * scale;
        const colour = roleColours[role]!;
        if (start !== t) {
          const x0 = left + (start - from) * scale;
          const fh = Math.max(3, h * sizes[i]! * 0.8);
          raster.rect(x0, mid - fh / 2, Math.max(2, x - x0), fh, foldedColour);
          continue;
        }
        frame.stats.marks++;
        const name = markRoles[role]!;
        switch (name) {
          case "write":
          case "chunk": {
            const bh = Math.max(3, h * sizes[i]!);
            raster.rect(x - 1.5, mid - bh / 2, 3, bh, colour);
            break;
          }
          case "lifecycle":
            raster.rect(x - 0.5, top + 1, 1, h - 2, colour);
            break;
          case "load":
            raster.rect(x - 1, box.top + 1, 2, box.height - 2, colour);
            break;
          case "cleanup":
          case "folded":
            raster.rect(x - 1, top, 2, h, colour);
            break;
          case "sse": {
            // Low in the row, so the chunk it was parsed from still shows above it.
            const r = Math.min(3.5, h / 4);
            raster.diamond(x, top + h - r, r, colour);
            break;
          }
          case "error":
          case "leak":
            raster.diamond(x, mid, Math.min(5.5, h / 2.4), colour);
            break;
          case "abort":
            raster.triangleDown(x, top, 4, colour);
            break;
          case "log":
            raster.rect(x - 2, top + h - 4, 4, 4, colour);
            break;
          default: {
            const _never: never = name;
            return;
          }
        }
      }
    }
  }

  function density(frame: Frame, box: RowBox, index: number): void {
    const { row } = box;
    const top = barTop(box);
    const h = barHeight(box);
    const columns = Math.ceil(frame.plotWidth) + 1;
    if (totals.length < columns) {
      totals = new Int32Array(columns);
      bins = new Int32Array(columns * roleCount);
    }
    bins.fill(0, 0, columns * roleCount);
    totals.fill(0, 0, columns);
    const lo = frame.lo[index]!;
    const hi = frame.hi[index]!;
    const binned = binMarks(
      row.times,
      row.starts,
      row.roleIds,
      lo,
      hi,
      frame.from,
      frame.to,
      frame.scale,
      columns,
      bins,
      totals,
    );
    frame.stats.binned += binned;
    if (binned < hi - lo) foldedSpans(frame, row.times, row.starts, row.sizes, lo, hi, top, h);
    paintColumns(bins, totals, columns, frame.left, top, h, frame.scene.dpr);
  }

  function foldedSpans(
    frame: Frame,
    times: Float64Array,
    starts: Float64Array,
    sizes: Float32Array,
    lo: number,
    hi: number,
    top: number,
    h: number,
  ): void {
    const { from, to, left, scale } = frame;
    for (let i = lo; i < hi; i++) {
      const start = starts[i]!;
      const t = times[i]!;
      if (start === t || start > to) continue;
      const fh = Math.max(3, h * sizes[i]! * 0.8);
      raster.rect(
        left + (start - from) * scale,
        top + h / 2 - fh / 2,
        Math.max(2, (t - start) * scale),
        fh,
        foldedColour,
      );
    }
  }

  /** One stacked bar per pixel column, log-scaled so one mark still shows beside thousands. */
  function paintColumns(
    counts: Int32Array,
    sums: Int32Array,
    columns: number,
    left: number,
    top: number,
    h: number,
    dpr: number,
  ): void {
    const { pixels, width, height, clipLeft, clipTop } = raster.surface;
    const bottom = Math.min(height, Math.round((top + h) * dpr));
    const rowTop = Math.max(clipTop, Math.round(top * dpr));
    if (bottom <= rowTop) return;
    const colours = roleColours;
    let most = 1;
    for (let c = 0; c < columns; c++) if (sums[c]! > most) most = sums[c]!;
    const heightPerLog = (0.8 * h * dpr) / Math.log1p(most);
    const minimum = Math.max(2, 0.2 * h) * dpr;
    let highest = bottom;
    for (let c = 0; c < columns; c++) {
      const total = sums[c]!;
      if (total === 0) continue;
      const barH = minimum + heightPerLog * Math.log1p(total);
      const x0 = Math.max(clipLeft, Math.round((left + c) * dpr));
      const x1 = Math.min(width, Math.max(x0 + 1, Math.round((left + c + 1) * dpr)));
      let y = bottom;
      let stacked = 0;
      for (let role = 0; stacked < total; role++) {
        const count = counts[role * columns + c]!;
        if (count === 0) continue;
        stacked += count;
        let next = Math.round(bottom - (barH * stacked) / total);
        if (next >= y) next = y - 1;
        if (next < rowTop) next = rowTop;
        const colour = colours[role]!;
        // Plain loops: TypedArray#fill costs more to call than these few pixels cost to write.
        if (x1 - x0 === 1) {
          for (let i = next * width + x0, end = y * width + x0; i < end; i += width) pixels[i] = colour;
        } else {
          for (let row = next; row < y; row++) {
            const offset = row * width;
            for (let x = x0; x < x1; x++) pixels[offset + x] = colour;
          }
        }
        y = next;
      }
      if (y < highest) highest = y;
    }
    if (highest < bottom) raster.touch(highest, bottom);
  }

  return {
    paint(frame) {
      colours(frame.theme);
      frame.boxes.forEach((box, index) => {
        if (!isVisible(frame, box)) return;
        if (frame.dense[index] === 1) density(frame, box, index);
        else one(frame, box, index);
      });
    },
  };
}
