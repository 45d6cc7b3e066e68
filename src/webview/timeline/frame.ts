/** One frame's geometry, shared by the drawing passes: where rows are and how time maps to x. */

import type { TimelineModel } from "./timeline-model.ts";
import type { TimelineTheme } from "./timeline-theme.ts";
import type { LensLaneMarks, TimelineMark, TimelineRow } from "./timeline-types.ts";
import type { AxisOrigin } from "./framing.ts";
import type { TimeRange } from "./viewport.ts";

/** Where a row is on screen (CSS pixels, already scrolled). */
export interface RowBox {
  row: TimelineRow;
  top: number;
  height: number;
  /** Lanes alternate their background by this. */
  laneParity: number;
}

/** What the view asks the renderer to draw. */
export interface Scene {
  model: TimelineModel;
  theme: TimelineTheme;
  /** CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  range: TimeRange;
  /** One per model row, in the same order. */
  boxes: readonly RowBox[];
  selected: TimelineMark | undefined;
  hovered: TimelineMark | undefined;
  /** Host-clock time of the "now" line, if one is drawn. */
  now: number | undefined;
  following: boolean;
  /** What the lanes' protocol lenses mark on their client rows. */
  lensMarks: readonly LensLaneMarks[];
  /** The request the axis counts from (`+212 ms`); undefined: the session's clock (`2 s`). */
  origin?: AxisOrigin | undefined;
}

/** What the last frame drew, for tests and tuning. */
export interface FrameStats {
  /** Marks drawn one by one. */
  marks: number;
  /** Marks drawn as part of density bars. */
  binned: number;
  links: number;
  labels: number;
}

/** Left column holding row labels, in CSS pixels. */
export const gutterWidth = 136;
export const axisHeight = 24;
const rightMargin = 12;
/** A row this tall or taller gets a band for labels above its marks. */
export const labelledRowHeight = 26;
const labelBand = 12;

export interface Frame {
  ctx: CanvasRenderingContext2D;
  scene: Scene;
  model: TimelineModel;
  theme: TimelineTheme;
  boxes: readonly RowBox[];
  from: number;
  to: number;
  left: number;
  right: number;
  plotWidth: number;
  /** CSS pixels per millisecond. */
  scale: number;
  /** Per row: the index range of marks that may be visible, and whether it is drawn as density. */
  lo: Int32Array;
  hi: Int32Array;
  dense: Uint8Array;
  stats: FrameStats;
}

/** The plot's time ↔ x mapping. */
export function plotGeometry(width: number, range: TimeRange): { left: number; plotWidth: number; scale: number } {
  const plotWidth = Math.max(1, width - gutterWidth - rightMargin);
  return { left: gutterWidth, plotWidth, scale: plotWidth / Math.max(1e-9, range.to - range.from) };
}

export const xOf = (frame: Frame, t: number): number => frame.left + (t - frame.from) * frame.scale;

export const isVisible = (frame: Frame, box: RowBox): boolean =>
  box.top + box.height > axisHeight && box.top < frame.scene.height;

/** Top of the area marks are drawn in (below the label band, when the row has one). */
export const barTop = (box: RowBox): number => box.top + (box.height >= labelledRowHeight ? labelBand : 2);

export const barHeight = (box: RowBox): number => box.height - (box.height >= labelledRowHeight ? labelBand : 2) - 3;

/** The client row under a lane's server row, if any. */
export function clientBelow(frame: Frame, box: RowBox): RowBox | undefined {
  const next = frame.boxes[box.row.index + 1];
  return next !== undefined && next.row.lane === box.row.lane && next.row.side === "client" ? next : undefined;
}
