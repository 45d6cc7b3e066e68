/**
 * Draws one frame: lanes and grid, stale hatching, spans, links, the marks (through the pixel
 * layer), labels, the selection, the "now" line, the row labels and the time axis.
 *
 * Only the visible time range is touched: a binary search per row finds it, and a row with more
 * visible marks than half its pixel columns is drawn as density bars instead of marks.
 */

import { createOverlayPainter } from "./draw-overlays.ts";
import { createMarkPainter } from "./draw-marks.ts";
import { axisHeight, isVisible, plotGeometry, type Frame, type FrameStats, type Scene } from "./frame.ts";
import { formatDuration } from "./mark-look.ts";
import { createMarkRaster } from "./mark-raster.ts";
import { firstAfter, firstAtOrAfter } from "./mark-search.ts";
import { formatTick, ticksFor, type Ticks } from "./time-axis.ts";

/** Rows with more visible marks than this many per pixel column are drawn as density. */
const densityThreshold = 0.5;
const subLabelX = 74;

export interface TimelineRenderer {
  /** Draws one frame of `scene` onto `ctx`, and says what it drew. */
  draw(ctx: CanvasRenderingContext2D, scene: Scene): FrameStats;
}

export function createTimelineRenderer(): TimelineRenderer {
  const raster = createMarkRaster();
  const marks = createMarkPainter(raster);
  const overlays = createOverlayPainter();
  let lo = new Int32Array(0);
  let hi = new Int32Array(0);
  let dense = new Uint8Array(0);

  function draw(ctx: CanvasRenderingContext2D, scene: Scene): FrameStats {
    const { theme, width, height, dpr, range, boxes, model } = scene;
    const { left, plotWidth, scale } = plotGeometry(width, range);
    if (lo.length < boxes.length) {
      lo = new Int32Array(boxes.length * 2);
      hi = new Int32Array(boxes.length * 2);
      dense = new Uint8Array(boxes.length * 2);
    }
    const frame: Frame = {
      ctx,
      scene,
      model,
      theme,
      boxes,
      from: range.from,
      to: range.to,
      left,
      right: left + plotWidth,
      plotWidth,
      scale,
      lo,
      hi,
      dense,
      stats: { marks: 0, binned: 0, links: 0, labels: 0 },
    };
    boxes.forEach((box, i) => {
      lo[i] = firstAtOrAfter(box.row, range.from);
      hi[i] = firstAfter(box.row, range.to + box.row.maxMarkDuration);
      dense[i] = hi[i]! - lo[i]! > plotWidth * densityThreshold ? 1 : 0;
    });

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = `11px ${theme.font}`;
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, width, height);
    const zero = scene.origin?.t ?? model.timelineStart;
    const ticks = ticksFor(range.from - zero, range.to - zero, Math.max(2, Math.floor(plotWidth / 110)));

    ctx.save();
    ctx.beginPath();
    ctx.rect(left, axisHeight, width - left, height - axisHeight);
    ctx.clip();
    lanes(frame, ticks, left);
    overlays.stale(frame);
    overlays.spans(frame);
    overlays.links(frame);
    overlays.lens(frame);
    raster.begin(ctx.canvas.width, ctx.canvas.height, dpr, left, axisHeight);
    marks.paint(frame);
    raster.blit(ctx);
    overlays.labels(frame);
    overlays.highlights(frame);
    nowLine(frame);
    ctx.restore();

    if (model.eventCount === 0) {
      ctx.fillStyle = theme.muted;
      ctx.textAlign = "center";
      ctx.fillText(
        "No events yet. Connect a client to see what the server writes and what it receives.",
        left + plotWidth / 2,
        axisHeight + 60,
      );
      ctx.textAlign = "start";
    }
    gutter(frame);
    axis(frame, ticks);
    return frame.stats;
  }

  function lanes(frame: Frame, ticks: Ticks, left: number): void {
    const { ctx, theme, boxes, scene } = frame;
    ctx.fillStyle = theme.laneAlt;
    for (const box of boxes)
      if (box.laneParity === 1 && isVisible(frame, box)) ctx.fillRect(left, box.top, scene.width - left, box.height);
    ctx.fillStyle = theme.grid;
    for (const tick of ticks.values)
      ctx.fillRect(Math.round(xAt(frame, tick)), axisHeight, 1, scene.height - axisHeight);
    boxes.forEach((box, i) => {
      if (i === 0 || !isVisible(frame, box)) return;
      // A full line between lanes, a faint one between a lane's server and client rows.
      const newLane = box.row.lane !== boxes[i - 1]!.row.lane;
      ctx.globalAlpha = newLane ? 1 : 0.5;
      ctx.fillRect(left, Math.round(box.top), scene.width - left, 1);
    });
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = "middle";
    for (const box of boxes)
      if (box.row.note !== undefined && isVisible(frame, box))
        ctx.fillText(box.row.note, left + 12, box.top + box.height / 2);
  }

  function nowLine(frame: Frame): void {
    const { ctx, scene } = frame;
    if (scene.now === undefined || scene.now < frame.from || scene.now > frame.to) return;
    const x = Math.round(frame.left + (scene.now - frame.from) * frame.scale) + 0.5;
    ctx.strokeStyle = frame.theme.now;
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x, axisHeight);
    ctx.lineTo(x, scene.height);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function gutter(frame: Frame): void {
    const { ctx, theme, boxes, scene, left } = frame;
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, axisHeight, left, scene.height - axisHeight);
    ctx.clip();
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, axisHeight, left, scene.height - axisHeight);
    ctx.fillStyle = theme.laneAlt;
    for (const box of boxes)
      if (box.laneParity === 1 && isVisible(frame, box)) ctx.fillRect(0, box.top, left, box.height);
    ctx.fillStyle = theme.grid;
    boxes.forEach((box, i) => {
      if (i > 0 && isVisible(frame, box) && box.row.lane !== boxes[i - 1]!.row.lane)
        ctx.fillRect(0, Math.round(box.top), left, 1);
    });
    ctx.fillRect(left - 1, axisHeight, 1, scene.height - axisHeight);
    ctx.textBaseline = "middle";
    boxes.forEach((box, i) => {
      if (!isVisible(frame, box)) return;
      // "client 1 · server": the lane's name once, on its first row; the side on every row.
      const [lane = "", side] = box.row.label.split(" · ");
      const y = box.top + box.height / 2;
      if (side === undefined || boxes[i - 1]?.row.lane !== box.row.lane) {
        ctx.fillStyle = theme.fg;
        ctx.fillText(lane, 10, y);
      }
      if (side !== undefined) {
        ctx.fillStyle = theme.muted;
        ctx.fillText(side, subLabelX, y);
      }
    });
    ctx.restore();
  }

  function axis(frame: Frame, ticks: Ticks): void {
    const { ctx, theme, scene, left } = frame;
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, scene.width, axisHeight);
    ctx.fillStyle = theme.grid;
    ctx.fillRect(0, axisHeight - 1, scene.width, 1);
    ctx.textBaseline = "middle";
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, 0, scene.width - left, axisHeight);
    ctx.clip();
    ctx.fillStyle = theme.muted;
    const origin = scene.origin;
    for (const tick of ticks.values) {
      const x = Math.round(xAt(frame, tick));
      ctx.fillRect(x, axisHeight - 6, 1, 5);
      // Counted from a request, the zero names it and the rest say how long after it (or before).
      const text = formatTick(Math.abs(tick), ticks.step);
      const label =
        origin === undefined
          ? formatTick(tick, ticks.step)
          : tick === 0
            ? `0 · ${origin.label}`
            : `${tick < 0 ? "−" : "+"}${text}`;
      // A label the right edge would cut ("+100 m") is left out; its tick still shows where it is.
      if (x + 3 + ctx.measureText(label).width > scene.width) continue;
      if (origin !== undefined && tick === 0) ctx.fillStyle = theme.fg;
      ctx.fillText(label, x + 3, axisHeight / 2 - 2);
      ctx.fillStyle = theme.muted;
    }
    if (scene.now !== undefined && scene.now >= frame.from && scene.now <= frame.to) {
      ctx.fillStyle = theme.now;
      ctx.fillText("now", Math.round(frame.left + (scene.now - frame.from) * frame.scale) + 3, axisHeight / 2 + 6);
    }
    ctx.restore();
    ctx.fillStyle = scene.following ? theme.roles.cleanup : theme.muted;
    ctx.fillText(
      scene.following ? "● following live" : `${formatDuration(frame.to - frame.from)} shown`,
      10,
      axisHeight / 2,
    );
  }

  return { draw };
}

/** x of a time relative to the axis's zero: the request it counts from, or the session's start. */
const xAt = (frame: Frame, relative: number): number =>
  frame.left + (relative + (frame.scene.origin?.t ?? frame.model.timelineStart) - frame.from) * frame.scale;
