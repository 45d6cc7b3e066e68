/**
 * Draws one frame of the timeline onto a 2D canvas context.
 *
 * Only the visible time range is touched (binary search per row). A row with more visible marks
 * than it has pixel columns to show them is drawn as a density bar per pixel column instead; every
 * shape of one colour goes into one path, filled once per frame.
 */

import { formatDuration } from "./mark-describe.ts";
import { firstAfter, firstAtOrAfter } from "./mark-search.ts";
import { formatTick, ticksFor } from "./time-axis.ts";
import type { TimelineModel } from "./timeline-model.ts";
import type { TimelineTheme } from "./timeline-theme.ts";
import { markRoles, type MarkRole, type TimelineMark, type TimelineRow } from "./timeline-types.ts";
import type { TimeRange } from "./viewport.ts";

/** Where a row is on screen (CSS pixels, already scrolled). */
export interface RowBox {
  row: TimelineRow;
  top: number;
  height: number;
  /** Lanes alternate their background by this. */
  laneParity: number;
}

export interface Scene {
  model: TimelineModel;
  theme: TimelineTheme;
  /** CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  range: TimeRange;
  boxes: readonly RowBox[];
  selected: TimelineMark | undefined;
  hovered: TimelineMark | undefined;
  /** Host-clock time of the "now" line, if one is drawn. */
  now: number | undefined;
  following: boolean;
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
const labelledRowHeight = 26;
const labelBand = 12;
/** Past this many visible links a frame draws none: they would be a solid smear anyway. */
const maxLinks = 6000;
const labelCell = 4;

const roleIndex = Object.fromEntries(markRoles.map((role, i) => [role, i])) as Record<MarkRole, number>;
/**
 * Labels by importance: leaks and errors first, byte counts only when there is room to spare.
 * Cleanups have none of their own: their span is labelled at its start.
 */
const labelPasses: readonly (readonly MarkRole[])[] = [
  ["leak", "error", "load", "sse"],
  ["abort", "folded", "log", "lifecycle"],
  ["write", "chunk"],
];

/** The plot's time ↔ x mapping for a frame. */
export function plotGeometry(width: number, range: TimeRange): { left: number; plotWidth: number; scale: number } {
  const plotWidth = Math.max(1, width - gutterWidth - rightMargin);
  return { left: gutterWidth, plotWidth, scale: plotWidth / Math.max(1e-9, range.to - range.from) };
}

export function createTimelineRenderer() {
  let bins = new Int32Array(0);
  let totals = new Int32Array(0);
  let occupancy = new Uint8Array(0);
  let charWidth = 6;
  let fontFor = "";
  let hatch: CanvasPattern | null = null;
  let hatchColour = "";
  /** Per row: visible index range and whether it is drawn as density. */
  let los = new Int32Array(0);
  let his = new Int32Array(0);
  let dense = new Uint8Array(0);

  function ensureBuffers(columns: number, rows: number): void {
    if (bins.length < columns * markRoles.length) bins = new Int32Array(columns * markRoles.length);
    if (totals.length < columns) totals = new Int32Array(columns);
    const cells = Math.ceil((columns + gutterWidth + rightMargin) / labelCell) + 1;
    if (occupancy.length < cells) occupancy = new Uint8Array(cells);
    if (los.length < rows) {
      los = new Int32Array(rows);
      his = new Int32Array(rows);
      dense = new Uint8Array(rows);
    }
  }

  function hatchPattern(ctx: CanvasRenderingContext2D, colour: string): CanvasPattern | null {
    if (hatch !== null && hatchColour === colour) return hatch;
    const tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    const t = tile.getContext("2d");
    if (t === null) return null;
    t.strokeStyle = colour;
    t.lineWidth = 2;
    t.beginPath();
    t.moveTo(-2, 10);
    t.lineTo(10, -2);
    t.moveTo(-2, 2);
    t.lineTo(2, -2);
    t.moveTo(6, 10);
    t.lineTo(10, 6);
    t.stroke();
    hatch = ctx.createPattern(tile, "repeat");
    hatchColour = colour;
    return hatch;
  }

  /** Claims label space `[x, x + width)`; false when some of it is taken. */
  function claim(x: number, width: number): boolean {
    const first = Math.max(0, Math.floor(x / labelCell));
    const last = Math.min(occupancy.length - 1, Math.ceil((x + width) / labelCell));
    for (let c = first; c <= last; c++) if (occupancy[c] !== 0) return false;
    for (let c = first; c <= last; c++) occupancy[c] = 1;
    return true;
  }

  function draw(ctx: CanvasRenderingContext2D, scene: Scene): FrameStats {
    const { theme, width, height, dpr, range, boxes, model } = scene;
    const { left, plotWidth, scale } = plotGeometry(width, range);
    const right = left + plotWidth;
    const from = range.from;
    const to = range.to;
    const columns = Math.ceil(plotWidth) + 1;
    ensureBuffers(columns, boxes.length);
    const stats: FrameStats = { marks: 0, binned: 0, links: 0, labels: 0 };
    const x = (t: number) => left + (t - from) * scale;
    const font = `11px ${theme.font}`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = font;
    if (fontFor !== font) {
      charWidth = ctx.measureText("abcdefghijklmnopqrstuvwxyz0123456789").width / 36;
      fontFor = font;
    }
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, width, height);

    ctx.save();
    ctx.beginPath();
    ctx.rect(left, axisHeight, width - left, height - axisHeight);
    ctx.clip();

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["lanes"] = ((globalThis as any).__p["lanes"] ?? 0) + 0; (globalThis as any).__mark?.("lanes", n); }
    // Lanes and grid.
    const visible = (box: RowBox) => box.top + box.height > axisHeight && box.top < height;
    ctx.fillStyle = theme.laneAlt;
    for (const box of boxes) if (box.laneParity === 1 && visible(box)) ctx.fillRect(left, box.top, width - left, box.height);
    const ticks = ticksFor(from - model.timelineStart, to - model.timelineStart, Math.max(2, Math.floor(plotWidth / 110)));
    ctx.fillStyle = theme.grid;
    for (const tick of ticks.values) ctx.fillRect(Math.round(x(tick + model.timelineStart)), axisHeight, 1, height - axisHeight);
    for (let i = 1; i < boxes.length; i++) {
      const box = boxes[i]!;
      const newLane = box.row.lane !== boxes[i - 1]!.row.lane;
      if (visible(box)) ctx.fillRect(newLane ? 0 : left, Math.round(box.top), width, newLane ? 1 : 0.5);
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["modes"] = ((globalThis as any).__p["modes"] ?? 0) + 0; (globalThis as any).__mark?.("modes", n); }
    // Which rows draw marks one by one, which as density.
    for (let r = 0; r < boxes.length; r++) {
      const box = boxes[r]!;
      const marks = box.row.marks;
      los[r] = firstAtOrAfter(marks, from);
      his[r] = firstAfter(marks, to + box.row.maxMarkDuration);
      dense[r] = his[r]! - los[r]! > plotWidth * 0.5 ? 1 : 0;
    }
    const laneBoxes = (lane: number) => {
      let server: RowBox | undefined;
      let client: RowBox | undefined;
      for (const box of boxes) {
        if (box.row.lane !== lane) continue;
        if (box.row.side === "server") server = box;
        else if (box.row.side === "client") client = box;
      }
      return { server, client };
    };
    const barTop = (box: RowBox) => box.top + (box.height >= labelledRowHeight ? labelBand : 2);
    const barHeight = (box: RowBox) => box.height - (box.height >= labelledRowHeight ? labelBand : 2) - 3;

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["stale"] = ((globalThis as any).__p["stale"] ?? 0) + 0; (globalThis as any).__mark?.("stale", n); }
    // Stale requests: hatched across their lane from the moment a newer version loaded.
    const pattern = hatchPattern(ctx, theme.stale);
    for (const box of boxes) {
      if (box.row.side !== "server" || !visible(box)) continue;
      const { client } = laneBoxes(box.row.lane);
      for (const request of box.row.requests) {
        if (request.start > to) break;
        const since = model.staleFrom(request.version);
        if (since === undefined || since > request.end || request.end < from) continue;
        const x0 = x(Math.max(request.start, since));
        const x1 = Math.max(x0 + 2, x(request.end));
        const bottom = client === undefined ? box.top + box.height : client.top + client.height;
        if (pattern !== null) {
          ctx.fillStyle = pattern;
          ctx.fillRect(x0, box.top + 1, x1 - x0, bottom - box.top - 1);
        }
      }
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["spans"] = ((globalThis as any).__p["spans"] ?? 0) + 0; (globalThis as any).__mark?.("spans", n); }
    // Spans: abort → cancel → cleanup/leak.
    for (const box of boxes) {
      if (box.row.spans.length === 0 || !visible(box)) continue;
      const top = barTop(box);
      const h = barHeight(box);
      for (const span of box.row.spans) {
        if (span.start > to) break;
        const end = span.end ?? Math.max(model.lastT, scene.now ?? -Infinity);
        if (end < from) continue;
        const colour = span.outcome === "leak" ? theme.roles.leak : span.outcome === "cleanup" ? theme.roles.cleanup : theme.muted;
        const x0 = x(span.start);
        const x1 = Math.max(x0 + 2, x(end));
        ctx.globalAlpha = 0.14;
        ctx.fillStyle = colour;
        ctx.fillRect(x0, top, x1 - x0, h);
        ctx.globalAlpha = 1;
        ctx.fillRect(x0, top + h - 2, x1 - x0, 2);
        if (span.outcome === "pending") {
          ctx.fillStyle = theme.bg;
          for (let dash = x0 + 6; dash < x1; dash += 8) ctx.fillRect(dash, top + h - 2, 3, 2);
        }
      }
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["links"] = ((globalThis as any).__p["links"] ?? 0) + 0; (globalThis as any).__mark?.("links", n); }
    // Links: each write to the chunk its last byte arrived in.
    ctx.beginPath();
    let linkCount = 0;
    const highlightLinks: [number, number, number, number][] = [];
    for (const box of boxes) {
      if (box.row.side !== "server" || box.row.linkReach === 0) continue;
      const { client } = laneBoxes(box.row.lane);
      if (client === undefined || dense[box.row.index] === 1 || dense[client.row.index] === 1) continue;
      if (!visible(box) && !visible(client)) continue;
      const marks = box.row.marks;
      const y0 = barTop(box) + barHeight(box) / 2;
      const y1 = barTop(client) + barHeight(client) / 2;
      const hi = firstAfter(marks, to + box.row.linkReach);
      for (let i = firstAtOrAfter(marks, from - box.row.linkReach); i < hi && linkCount <= maxLinks; i++) {
        const write = marks[i]!;
        const chunk = write.link;
        if (chunk === undefined) continue;
        const xw = x(write.t);
        const xc = x(chunk.t);
        if ((xw < left && xc < left) || (xw > right && xc > right)) continue;
        ctx.moveTo(xw, y0);
        ctx.lineTo(xc, y1);
        linkCount++;
        if (write === scene.selected || chunk === scene.selected || write === scene.hovered || chunk === scene.hovered) highlightLinks.push([xw, y0, xc, y1]);
      }
    }
    if (linkCount <= maxLinks) {
      ctx.strokeStyle = theme.link;
      ctx.lineWidth = 1;
      ctx.stroke();
      stats.links = linkCount;
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["marks"] = ((globalThis as any).__p["marks"] ?? 0) + 0; (globalThis as any).__mark?.("marks", n); }
    // Marks: one path per role.
    const paths = markRoles.map(() => new Path2D());
    const foldedPath = new Path2D();
    for (let r = 0; r < boxes.length; r++) {
      const box = boxes[r]!;
      if (!visible(box)) continue;
      const marks = box.row.marks;
      const lo = los[r]!;
      const hi = his[r]!;
      const top = barTop(box);
      const h = barHeight(box);
      const mid = top + h / 2;
      if (dense[r] === 1) {
        stats.binned += densityBars(marks, lo, hi, top, h);
        continue;
      }
      for (let i = lo; i < hi; i++) {
        const mark = marks[i]!;
        if (mark.start > to) continue;
        const mx = x(mark.t);
        if (mark.start !== mark.t) {
          const x0 = x(mark.start);
          const fh = Math.max(3, h * mark.size * 0.8);
          foldedPath.rect(x0, mid - fh / 2, Math.max(2, mx - x0), fh);
          continue;
        }
        stats.marks++;
        const path = paths[roleIndex[mark.role]]!;
        switch (mark.role) {
          case "write":
          case "chunk": {
            const bh = Math.max(3, h * mark.size);
            path.rect(mx - 1.5, mid - bh / 2, 3, bh);
            break;
          }
          case "lifecycle":
            path.rect(mx - 0.5, top + 1, 1, h - 2);
            break;
          case "load":
            path.rect(mx - 1, box.top + 1, 2, box.height - 2);
            break;
          case "cleanup":
            path.rect(mx - 1, top, 2, h);
            break;
          case "sse":
            diamond(path, mx, mid, Math.min(4, h / 3));
            break;
          case "error":
          case "leak":
            diamond(path, mx, mid, Math.min(5.5, h / 2.4));
            break;
          case "abort":
            path.moveTo(mx - 4, top);
            path.lineTo(mx + 4, top);
            path.lineTo(mx, top + 6);
            path.closePath();
            break;
          case "log":
            path.rect(mx - 2, top + h - 4, 4, 4);
            break;
          case "folded":
            path.rect(mx - 1, top, 2, h);
            break;
          default: {
            const _never: never = mark.role;
            return _never;
          }
        }
      }
    }
    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["fill"] = ((globalThis as any).__p["fill"] ?? 0) + 0; (globalThis as any).__mark?.("fill", n); }
    ctx.globalAlpha = 0.5;
    ctx.fillStyle = theme.roles.folded;
    ctx.fill(foldedPath);
    ctx.globalAlpha = 1;
    for (let i = 0; i < markRoles.length; i++) {
      ctx.fillStyle = theme.roles[markRoles[i]!];
      ctx.fill(paths[i]!);
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["labels"] = ((globalThis as any).__p["labels"] ?? 0) + 0; (globalThis as any).__mark?.("labels", n); }
    // Labels, most important first, where there is room.
    ctx.textBaseline = "alphabetic";
    for (let r = 0; r < boxes.length; r++) {
      const box = boxes[r]!;
      if (!visible(box) || box.height < labelledRowHeight) continue;
      occupancy.fill(0);
      const baseline = box.top + 10;
      const put = (text: string, at: number, colour: string): void => {
        const w = text.length * charWidth + 6;
        // Near the right edge a label ends at its mark instead of starting there.
        if (at + w > width && at - w + 6 > left) at -= w - 6;
        if (at > right || at + w < left || !claim(at, w)) return;
        ctx.fillStyle = colour;
        ctx.fillText(text, at + 2, baseline);
        stats.labels++;
      };
      const count = his[r]! - los[r]!;
      const markLabels = (roles: readonly MarkRole[]) => {
        for (let i = los[r]!; i < his[r]!; i++) {
          const mark = box.row.marks[i]!;
          if (mark.start > to || !roles.includes(mark.role)) continue;
          put(mark.label, x(mark.start) - 2, mark.role === "lifecycle" || mark.role === "log" ? theme.muted : theme.roles[mark.role]);
        }
      };
      const labelMarks = dense[r] === 0 && count <= 600;
      if (labelMarks) markLabels(labelPasses[0]!);
      for (const span of box.row.spans) {
        if (span.start > to) break;
        if (span.outcome !== "leak") put(span.label, x(span.start) - 2, span.outcome === "cleanup" ? theme.roles.cleanup : theme.muted);
      }
      if (box.row.side === "server") {
        for (const request of box.row.requests) {
          if (request.start > to) break;
          const since = model.staleFrom(request.version);
          if (since !== undefined && since <= request.end && request.end >= from) put(`v${request.version} (stale)`, Math.max(left, x(Math.max(since, request.start))), theme.muted);
        }
      }
      if (labelMarks) markLabels(labelPasses[1]!);
      if (labelMarks && count <= 120) markLabels(labelPasses[2]!);
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["select"] = ((globalThis as any).__p["select"] ?? 0) + 0; (globalThis as any).__mark?.("select", n); }
    // Selection and hover.
    for (const [mark, strong] of [
      [scene.hovered, false],
      [scene.selected, true],
    ] as const) {
      if (mark === undefined) continue;
      const box = boxes[mark.row.index];
      if (box === undefined || box.row !== mark.row) continue;
      const top = barTop(box);
      const h = barHeight(box);
      const x0 = x(mark.start);
      const x1 = x(mark.t);
      ctx.strokeStyle = strong ? theme.select : theme.fg;
      ctx.lineWidth = strong ? 2 : 1;
      ctx.strokeRect(x0 - 5, top - 1, x1 - x0 + 10, h + 2);
    }
    if (highlightLinks.length > 0) {
      ctx.beginPath();
      for (const [x0, y0, x1, y1] of highlightLinks) {
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
      }
      ctx.strokeStyle = theme.select;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }

    // Now.
    if (scene.now !== undefined && scene.now >= from && scene.now <= to) {
      const nx = Math.round(x(scene.now)) + 0.5;
      ctx.strokeStyle = theme.now;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(nx, axisHeight);
      ctx.lineTo(nx, height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();

    if (model.eventCount === 0) {
      ctx.fillStyle = theme.muted;
      ctx.textAlign = "center";
      ctx.fillText("No events yet. Connect a client to see what the server writes and what it receives.", left + plotWidth / 2, axisHeight + 60);
      ctx.textAlign = "start";
    }

    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["gutter"] = ((globalThis as any).__p["gutter"] ?? 0) + 0; (globalThis as any).__mark?.("gutter", n); }
    // Gutter with row labels.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, axisHeight, left, height - axisHeight);
    ctx.clip();
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, axisHeight, left, height - axisHeight);
    ctx.fillStyle = theme.laneAlt;
    for (const box of boxes) if (box.laneParity === 1 && visible(box)) ctx.fillRect(0, box.top, left, box.height);
    ctx.textBaseline = "middle";
    boxes.forEach((box, i) => {
      if (!visible(box)) return;
      const [lane, side] = box.row.label.split(" · ");
      const y = box.top + box.height / 2;
      ctx.fillStyle = theme.fg;
      if (boxes[i - 1]?.row.lane !== box.row.lane || side === undefined) ctx.fillText(lane ?? "", 10, y);
      if (side !== undefined) {
        ctx.fillStyle = theme.muted;
        ctx.fillText(side, 74, y);
      }
    });
    ctx.fillStyle = theme.grid;
    ctx.fillRect(left - 1, axisHeight, 1, height - axisHeight);
    ctx.restore();

    // Axis.
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, width, axisHeight);
    ctx.fillStyle = theme.grid;
    ctx.fillRect(0, axisHeight - 1, width, 1);
    ctx.textBaseline = "middle";
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, 0, width - left, axisHeight);
    ctx.clip();
    for (const tick of ticks.values) {
      const tx = Math.round(x(tick + model.timelineStart));
      ctx.fillStyle = theme.muted;
      ctx.fillRect(tx, axisHeight - 6, 1, 5);
      ctx.fillText(formatTick(tick, ticks.step), tx + 3, axisHeight / 2 - 2);
    }
    if (scene.now !== undefined && scene.now >= from && scene.now <= to) {
      ctx.fillStyle = theme.now;
      ctx.fillText("now", Math.round(x(scene.now)) + 3, axisHeight / 2 + 6);
    }
    ctx.restore();
    ctx.fillStyle = scene.following ? theme.roles.cleanup : theme.muted;
    ctx.fillText(scene.following ? "● following live" : `${formatDuration(to - from)} shown`, 10, axisHeight / 2);
    (globalThis as any).__p ??= {}; { const n = performance.now(); (globalThis as any).__p["end"] = ((globalThis as any).__p["end"] ?? 0) + 0; (globalThis as any).__mark?.("end", n); }
    return stats;

    /** Bins the row's visible marks per pixel column and adds one stacked bar per column. */
    function densityBars(marks: readonly TimelineMark[], lo: number, hi: number, top: number, h: number): number {
      const roles = markRoles.length;
      bins.fill(0, 0, columns * roles);
      totals.fill(0, 0, columns);
      let binned = 0;
      for (let i = lo; i < hi; i++) {
        const mark = marks[i]!;
        if (mark.start > to) continue;
        if (mark.start !== mark.t) {
          const x0 = x(mark.start);
          const fh = Math.max(3, h * mark.size * 0.8);
          foldedPath.rect(x0, top + h / 2 - fh / 2, Math.max(2, x(mark.t) - x0), fh);
          continue;
        }
        const column = ((mark.t - from) * scale) | 0;
        if (column < 0 || column >= columns) continue;
        bins[roleIndex[mark.role] * columns + column]!++;
        totals[column]!++;
        binned++;
      }
      let most = 1;
      for (let c = 0; c < columns; c++) if (totals[c]! > most) most = totals[c]!;
      const logMost = Math.log1p(most);
      const bottom = top + h;
      for (let c = 0; c < columns; c++) {
        const total = totals[c]!;
        if (total === 0) continue;
        const barH = Math.max(2, h * (0.2 + (0.8 * Math.log1p(total)) / logMost));
        let y = bottom;
        for (let role = 0; role < roles; role++) {
          const count = bins[role * columns + c]!;
          if (count === 0) continue;
          const segment = (barH * count) / total;
          paths[role]!.rect(left + c, y - segment, 1, segment);
          y -= segment;
        }
      }
      return binned;
    }
  }

  return { draw };
}

function diamond(path: Path2D, cx: number, cy: number, r: number): void {
  path.moveTo(cx, cy - r);
  path.lineTo(cx + r, cy);
  path.lineTo(cx, cy + r);
  path.lineTo(cx - r, cy);
  path.closePath();
}

export type TimelineRenderer = ReturnType<typeof createTimelineRenderer>;
