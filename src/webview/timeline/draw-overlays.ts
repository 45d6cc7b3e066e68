/**
 * What is drawn with the canvas API around the marks: stale-version hatching, abort → cleanup
 * spans, write → chunk links, labels, and the selection. Each is bounded by what is visible (and
 * links by a per-frame cap), not by the number of events.
 */

import { barHeight, barTop, clientBelow, isVisible, labelledRowHeight, xOf, type Frame, type RowBox } from "./frame.ts";
import { firstAfter, firstAtOrAfter } from "./mark-search.ts";
import { markRoles, roleIds } from "./mark-look.ts";
import type { MarkRole, TimelineMark } from "./timeline-types.ts";

/** Past this many visible links a frame draws none: they would be a solid smear anyway. */
const maxLinks = 5000;
const labelCell = 4;
/** Labels by importance, each pass only where the earlier ones left room. */
const labelPasses: readonly { roles: readonly MarkRole[]; maxMarks: number }[] = [
  { roles: ["leak", "error", "load"], maxMarks: Infinity },
  { roles: ["sse"], maxMarks: 400 },
  // Cleanups have no label of their own: their span is labelled at its start.
  { roles: ["abort", "folded", "log", "lifecycle"], maxMarks: 200 },
  { roles: ["write", "chunk"], maxMarks: 100 },
];

/** Paints what lies over the marks; each draws one layer of a frame. */
export interface OverlayPainter {
  /** Requests served by a version older than one loaded since: hatched across their lane. */
  stale(frame: Frame): void;
  /** Abort → cancel → cleanup (green) or leak (red): a tinted band with a bar along its foot. */
  spans(frame: Frame): void;
  /** Each write to the chunk its last byte arrived in; only where both rows show marks one by one. */
  links(frame: Frame): void;
  /** Labels in each row's top band: leaks and errors first, byte counts only when there is room. */
  labels(frame: Frame): void;
  /** A ring around the hovered and the selected mark. */
  highlights(frame: Frame): void;
  /** What protocol lenses found on client rows: the longest stall as an amber band, each violation as a red flag. */
  lens(frame: Frame): void;
}

/** A stall shorter than this is not worth a band: a reader would not notice it. */
const noticeableStallMs = 250;

export function createOverlayPainter(): OverlayPainter {
  let occupancy = new Uint8Array(0);
  let charWidth = 6;
  let measuredFont = "";
  let hatch: CanvasPattern | null = null;
  let hatchColour = "";

  function hatchPattern(ctx: CanvasRenderingContext2D, colour: string): CanvasPattern | null {
    if (hatchColour === colour) return hatch;
    const tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    const t = tile.getContext("2d");
    if (t === null) return null;
    t.strokeStyle = colour;
    t.lineWidth = 2;
    t.beginPath();
    for (const offset of [-8, 0, 8]) {
      t.moveTo(offset - 1, 9);
      t.lineTo(offset + 9, -1);
    }
    t.stroke();
    hatch = ctx.createPattern(tile, "repeat");
    hatchColour = colour;
    return hatch;
  }

  /** Requests served by a version older than one loaded since: hatched across their lane. */
  function stale(frame: Frame): void {
    const { ctx, model } = frame;
    const pattern = hatchPattern(ctx, frame.theme.stale);
    if (pattern === null) return;
    ctx.fillStyle = pattern;
    for (const box of frame.boxes) {
      if (box.row.side !== "server" || !isVisible(frame, box)) continue;
      const client = clientBelow(frame, box);
      const bottom = client === undefined ? box.top + box.height : client.top + client.height;
      for (const request of box.row.requests) {
        if (request.websocket) continue;
        if (request.start > frame.to) break;
        const since = model.staleFrom(request.version);
        if (since === undefined || since > request.end || request.end < frame.from) continue;
        const x0 = xOf(frame, Math.max(request.start, since));
        ctx.fillRect(x0, box.top + 1, Math.max(2, xOf(frame, request.end) - x0), bottom - box.top - 1);
      }
    }
  }

  /** Abort → cancel → cleanup (green) or leak (red): a tinted band with a bar along its foot. */
  function spans(frame: Frame): void {
    const { ctx, theme, model } = frame;
    for (const box of frame.boxes) {
      if (box.row.spans.length === 0 || !isVisible(frame, box)) continue;
      const top = barTop(box);
      const h = barHeight(box);
      for (const span of box.row.spans) {
        if (span.start > frame.to) break;
        const end = span.end ?? Math.max(model.lastT, frame.scene.now ?? -Infinity);
        if (end < frame.from) continue;
        const colour =
          span.outcome === "leak" ? theme.roles.leak : span.outcome === "cleanup" ? theme.roles.cleanup : theme.muted;
        const x0 = xOf(frame, span.start);
        const w = Math.max(2, xOf(frame, end) - x0);
        ctx.fillStyle = colour;
        ctx.globalAlpha = 0.14;
        ctx.fillRect(x0, top, w, h);
        ctx.globalAlpha = 1;
        ctx.fillRect(x0, top + h - 2, w, 2);
        if (span.outcome === "pending") {
          // Dashed: still waiting for the cleanup.
          ctx.fillStyle = theme.bg;
          for (let dash = x0 + 6; dash < x0 + w; dash += 8) ctx.fillRect(dash, top + h - 2, 3, 2);
        }
      }
    }
  }

  /** Each write to the chunk its last byte arrived in; only where both rows show marks one by one. */
  function links(frame: Frame): void {
    const { ctx, theme, scene } = frame;
    const highlighted: number[] = [];
    let count = 0;
    ctx.beginPath();
    for (const box of frame.boxes) {
      if (box.row.side !== "server" || box.row.linkReach === 0) continue;
      const client = clientBelow(frame, box);
      if (client === undefined || frame.dense[box.row.index] === 1 || frame.dense[client.row.index] === 1) continue;
      if (!isVisible(frame, box) && !isVisible(frame, client)) continue;
      const marks = box.row.marks;
      const y0 = barTop(box) + barHeight(box) / 2;
      const y1 = barTop(client) + barHeight(client) / 2;
      const hi = firstAfter(box.row, frame.to + box.row.linkReach);
      for (let i = firstAtOrAfter(box.row, frame.from - box.row.linkReach); i < hi; i++) {
        const write = marks[i]!;
        const chunk = write.link;
        if (chunk === undefined) continue;
        const xw = xOf(frame, write.t);
        const xc = xOf(frame, chunk.t);
        if ((xw < frame.left && xc < frame.left) || (xw > frame.right && xc > frame.right)) continue;
        if (++count > maxLinks) return;
        ctx.moveTo(xw, y0);
        ctx.lineTo(xc, y1);
        const { selected, hovered } = scene;
        if (write === selected || chunk === selected || write === hovered || chunk === hovered)
          highlighted.push(xw, y0, xc, y1);
      }
    }
    ctx.strokeStyle = theme.link;
    ctx.lineWidth = 1;
    ctx.stroke();
    frame.stats.links = count;
    if (highlighted.length === 0) return;
    ctx.beginPath();
    for (let i = 0; i < highlighted.length; i += 4) {
      ctx.moveTo(highlighted[i]!, highlighted[i + 1]!);
      ctx.lineTo(highlighted[i + 2]!, highlighted[i + 3]!);
    }
    ctx.strokeStyle = theme.select;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  /** Claims label space `[x, x + width)`; false when some of it is taken. */
  function claim(x: number, width: number): boolean {
    const first = Math.max(0, Math.floor(x / labelCell));
    const last = Math.min(occupancy.length - 1, Math.ceil((x + width) / labelCell));
    for (let c = first; c <= last; c++) if (occupancy[c] !== 0) return false;
    occupancy.fill(1, first, last + 1);
    return true;
  }

  /** Labels in each row's top band: leaks and errors first, byte counts only when there is room. */
  function labels(frame: Frame): void {
    const { ctx, theme, model } = frame;
    const width = frame.scene.width;
    if (measuredFont !== ctx.font) {
      charWidth = ctx.measureText("abcdefghijklmnopqrstuvwxyz0123456789").width / 36;
      measuredFont = ctx.font;
    }
    const cells = Math.ceil(width / labelCell) + 2;
    if (occupancy.length < cells) occupancy = new Uint8Array(cells);
    ctx.textBaseline = "alphabetic";
    frame.boxes.forEach((box, index) => {
      if (!isVisible(frame, box) || box.height < labelledRowHeight) return;
      occupancy.fill(0);
      const baseline = box.top + 10;
      const put = (text: string, at: number, colour: string): void => {
        const w = text.length * charWidth + 6;
        // Near the right edge a label ends at its mark instead of starting there.
        if (at + w > width && at - w + 6 > frame.left) at -= w - 6;
        if (at > frame.right || at + w < frame.left || !claim(at, w)) return;
        ctx.fillStyle = colour;
        ctx.fillText(text, at + 2, baseline);
        frame.stats.labels++;
      };
      const lo = frame.lo[index]!;
      const hi = frame.hi[index]!;
      const { starts, roleIds: roles } = box.row;
      const markLabels = (kinds: readonly MarkRole[]) => {
        const wanted = kinds.map((role) => roleIds[role]);
        if (!wanted.some((role) => box.row.roleCounts[role]! > 0)) return;
        for (let i = lo; i < hi; i++) {
          if (!wanted.includes(roles[i]!) || starts[i]! > frame.to) continue;
          const at = xOf(frame, starts[i]!) - 2;
          if (occupancy[Math.max(0, Math.floor(at / labelCell))] !== 0) continue;
          const mark = box.row.marks[i]!;
          const role = markRoles[roles[i]!]!;
          put(mark.label, at, role === "lifecycle" || role === "log" ? theme.muted : theme.roles[role]);
        }
      };
      const shown = frame.dense[index] === 1 ? Infinity : hi - lo;
      if (shown <= labelPasses[0]!.maxMarks) markLabels(labelPasses[0]!.roles);
      for (const span of box.row.spans) {
        if (span.start > frame.to) break;
        // A leak span's marks carry the leak labels. A span begun off screen keeps its label at the left edge.
        if (span.outcome === "leak" || (span.end ?? Infinity) < frame.from) continue;
        put(
          span.label,
          Math.max(frame.left, xOf(frame, span.start) - 2),
          span.outcome === "cleanup" ? theme.roles.cleanup : theme.muted,
        );
      }
      if (box.row.side === "server") {
        for (const request of box.row.requests) {
          if (request.start > frame.to) break;
          if (request.websocket) continue;
          const since = model.staleFrom(request.version);
          if (since === undefined || since > request.end || request.end < frame.from) continue;
          put(
            `v${request.version} (stale)`,
            Math.max(frame.left, xOf(frame, Math.max(since, request.start))),
            theme.muted,
          );
        }
      }
      for (const pass of labelPasses.slice(1)) if (shown <= pass.maxMarks) markLabels(pass.roles);
    });
  }

  /** A ring around the hovered and the selected mark. */
  function highlights(frame: Frame): void {
    const { ctx, theme, scene } = frame;
    const ring = (mark: TimelineMark | undefined, strong: boolean) => {
      if (mark === undefined) return;
      const box: RowBox | undefined = frame.boxes[mark.row.index];
      if (box === undefined || box.row !== mark.row) return;
      const top = barTop(box);
      const x0 = xOf(frame, mark.start);
      ctx.strokeStyle = strong ? theme.select : theme.fg;
      ctx.lineWidth = strong ? 2 : 1;
      ctx.strokeRect(x0 - 5, top - 1, xOf(frame, mark.t) - x0 + 10, barHeight(box) + 2);
    };
    ring(scene.hovered, false);
    ring(scene.selected, true);
  }

  /** What protocol lenses found on client rows: the longest stall as an amber band, each violation as a red flag. */
  function lens(frame: Frame): void {
    const { ctx, theme } = frame;
    const marks = frame.scene.lensMarks;
    if (marks.length === 0) return;
    ctx.textBaseline = "alphabetic";
    for (const box of frame.boxes) {
      if (box.row.side !== "client" || !isVisible(frame, box)) continue;
      const found = marks.find((mark) => mark.lane === box.row.lane);
      if (!found) continue;
      const top = barTop(box);
      const h = barHeight(box);
      const stall = found.stall;
      if (stall && stall.ms >= noticeableStallMs && stall.t <= frame.to && stall.t + stall.ms >= frame.from) {
        const x0 = xOf(frame, stall.t);
        const w = Math.max(2, xOf(frame, stall.t + stall.ms) - x0);
        ctx.fillStyle = theme.roles.abort;
        ctx.globalAlpha = 0.16;
        ctx.fillRect(x0, top, w, h);
        ctx.globalAlpha = 1;
        ctx.fillRect(x0, top, w, 2);
        const text = `stall ${Math.round(stall.ms)} ms`;
        if (w > ctx.measureText(text).width + 6) ctx.fillText(text, x0 + 3, top + h - 3);
      }
      ctx.fillStyle = theme.roles.error;
      for (const violation of found.violations) {
        if (violation.t < frame.from || violation.t > frame.to) continue;
        const x = xOf(frame, violation.t);
        ctx.beginPath();
        ctx.moveTo(x - 4, top);
        ctx.lineTo(x + 4, top);
        ctx.lineTo(x, top + 7);
        ctx.closePath();
        ctx.fill();
        ctx.fillRect(x - 0.5, top, 1, h);
      }
    }
  }

  return { stale, spans, links, labels, highlights, lens };
}
