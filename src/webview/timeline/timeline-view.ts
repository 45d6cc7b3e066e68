/**
 * The timeline on a <canvas>: draws the model's rows, marks, links and spans, and lets the user
 * pan, zoom, follow the live end, hover and select.
 *
 * It renders only on an animation frame after something changed (an append, a resize, an
 * interaction), never once per event.
 */

import { countWithNoun, type TimelineEvent } from "../../contract/index.ts";
import { markNear } from "./mark-search.ts";
import { axisHeight, plotGeometry, type FrameStats, type RowBox } from "./frame.ts";
import { createTimelineRenderer } from "./timeline-draw.ts";
import type { TimelineModel } from "./timeline-model.ts";
import { readTheme } from "./timeline-theme.ts";
import type { LensLaneMarks, TimelineMark } from "./timeline-types.ts";
import { centreOn, fitRange, panBy, zoomAround, type TimeRange } from "./viewport.ts";
import type { AxisOrigin, Framing } from "./framing.ts";
import { formatDuration } from "./mark-look.ts";

export interface TimelineViewOptions {
  /** The pointer moved onto a mark (or off every mark: `undefined`); for a tooltip at the pointer. */
  onHover?: (event: TimelineEvent | undefined, clientX: number, clientY: number) => void;
  /** The user clicked a mark (or empty space: `undefined`). Not called for `select()`. */
  onSelect?: (event: TimelineEvent | undefined) => void;
  /** Follow-live mode turned on or off (by a key, a pan or zoom, or the API). */
  onFollowChange?: (following: boolean) => void;
  /**
   * The host clock, for the "now" line; without it the line sits at the latest event. Undefined
   * from it means there is no "now" (a recording is shown).
   */
  now?: () => number | undefined;
  /** The window follow-live keeps once the timeline is longer than it. Default 10 s. */
  followWidthMs?: number;
  /**
   * What follow-live frames, asked on every frame it draws: the latest run of requests (see
   * `framing.ts`), or undefined for the whole timeline's live end (before any request).
   */
  autoFrame?: (context: { now: number | undefined; followWidthMs: number }) => Framing | undefined;
}

const preferredRowHeight = 34;
const minRowHeight = 18;
/** Mouse wheels step by ±100 px a notch in Chromium; a notch zooms by about 1.2×. */
const wheelZoomPerPixel = 0.0018;
/** Pinch gestures arrive as wheel events with ctrlKey and small deltas. */
const pinchZoomPerPixel = 0.01;
const dragThreshold = 4;

export interface TimelineView {
  /** The canvas the view draws on, inside its container. */
  readonly canvas: HTMLCanvasElement;
  /** Highlights the event's mark and scrolls it into view; `undefined` clears the selection. */
  select(event: TimelineEvent | undefined): void;
  /** Turns follow-live on (keeping the current width as its window) or off. */
  follow(on?: boolean): void;
  /** True while the view follows live events. */
  readonly following: boolean;
  /** Shows every event, on the session's clock. Ends follow-live. */
  fit(): void;
  /**
   * Shows a framing's range with its axis counting from its request, and scrolls `lane`'s rows into
   * view when given. Ends follow-live.
   */
  frame(framing: Framing, lane?: number): void;
  /** The request the axis counts from; undefined while it shows the session's clock. */
  readonly origin: AxisOrigin | undefined;
  /** The visible time range, absolute (host clock, ms). */
  readonly range: TimeRange;
  /** Shows `[from, to]` (absolute, host clock). Ends follow-live. */
  setRange(from: number, to: number): void;
  /** Re-reads the `--tl-*` colours, after the page changed them. */
  refreshTheme(): void;
  /** Follows the page's theme from now on (its defaults for colours the page's CSS leaves out), and redraws. */
  setDark(dark: boolean): void;
  /** Redraws on the next frame. */
  invalidate(): void;
  /** Marks the lanes' protocol lenses found (stalls, violations) on their client rows. */
  setLensMarks(marks: readonly LensLaneMarks[]): void;
  /** What the last frame drew and how long it took, in ms. */
  readonly stats: FrameStats & { ms: number };
  /** The current view as a PNG. */
  toPng(): Promise<Blob>;
  /** Stops drawing and listening (to the model, resizes and the system's theme), and removes the canvas. */
  destroy(): void;
}

export function createTimelineView(
  container: HTMLElement,
  model: TimelineModel,
  options: TimelineViewOptions = {},
): TimelineView {
  const canvas = document.createElement("canvas");
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.style.cssText = "display:block;width:100%;height:100%;touch-action:none;cursor:grab";
  container.append(canvas);
  const context = canvas.getContext("2d", { alpha: false });
  if (context === null) throw new Error("this browser gives no 2D canvas context");
  const ctx: CanvasRenderingContext2D = context;
  const renderer = createTimelineRenderer();
  const darkScheme = matchMedia("(prefers-color-scheme: dark)");
  /** The page's theme once it has said (`setDark`): the user may pick dark on a light system. */
  let pageDark: boolean | undefined;
  const isDark = () => pageDark ?? darkScheme.matches;
  let theme = readTheme(container, isDark());

  let width = 0;
  let height = 0;
  let dpr = 1;
  let range: TimeRange = { from: model.timelineStart, to: model.timelineStart + 1000 };
  let following = true;
  let followWidth = options.followWidthMs ?? 10_000;
  let origin: AxisOrigin | undefined;
  let scrollY = 0;
  let boxes: RowBox[] = [];
  let selected: TimelineMark | undefined;
  let lensMarks: readonly LensLaneMarks[] = [];
  let hovered: TimelineMark | undefined;
  let frame = 0;
  let ariaLabel = "";
  let lastStats: FrameStats & { ms: number } = { marks: 0, binned: 0, links: 0, labels: 0, ms: 0 };

  function invalidate(): void {
    if (frame === 0) frame = requestAnimationFrame(render);
  }

  function setFollowing(on: boolean): void {
    if (on === following) return;
    following = on;
    options.onFollowChange?.(on);
    invalidate();
  }

  /** Follow-live: everything while it fits in the follow window, then the window's latest end. */
  function followRange(): TimeRange {
    if (model.eventCount === 0) return { from: model.timelineStart, to: model.timelineStart + 1000 };
    const first = Math.min(model.timelineStart, model.firstT);
    // Keep the "now" line in view too, unless the host has been idle long enough to push the
    // latest events out.
    const now = options.now?.() ?? -Infinity;
    const last = Math.max(model.lastT, Math.min(now, model.lastT + followWidth * 0.5), first + 1);
    const margin = 0.04;
    if ((last - first) * (1 + margin) <= followWidth) return { from: first, to: first + (last - first) * (1 + margin) };
    return { from: last + followWidth * margin - followWidth, to: last + followWidth * margin };
  }

  function layout(): void {
    const rows = model.rows;
    const available = Math.max(1, height - axisHeight);
    const rowHeight = Math.max(
      minRowHeight,
      Math.min(preferredRowHeight, Math.floor(available / Math.max(1, rows.length))),
    );
    scrollY = Math.max(0, Math.min(scrollY, rows.length * rowHeight - available));
    let parity = 0;
    boxes = rows.map((row, i) => {
      const previous = rows[i - 1];
      if (previous !== undefined && previous.lane !== row.lane) parity ^= 1;
      return { row, top: axisHeight + i * rowHeight - scrollY, height: rowHeight, laneParity: parity };
    });
  }

  /** The container's size, kept by the ResizeObserver: reading it per frame would force a layout. */
  let containerSize = { width: 0, height: 0 };

  function resize(): boolean {
    const nextDpr = window.devicePixelRatio || 1;
    const w = Math.max(0, Math.floor(containerSize.width));
    const h = Math.max(0, Math.floor(containerSize.height));
    if (w === width && h === height && nextDpr === dpr) return false;
    width = w;
    height = h;
    dpr = nextDpr;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    return true;
  }

  function render(): void {
    frame = 0;
    resize();
    if (width === 0 || height === 0) return;
    const started = performance.now();
    if (following) {
      const framed = options.autoFrame?.({ now: options.now?.(), followWidthMs: followWidth });
      range = framed?.range ?? followRange();
      origin = framed?.origin;
    }
    layout();
    const now = options.now ? options.now() : model.eventCount > 0 ? model.lastT : undefined;
    const stats = renderer.draw(ctx, {
      model,
      theme,
      width,
      height,
      dpr,
      range,
      boxes,
      selected,
      hovered,
      now,
      following,
      lensMarks,
      origin,
    });
    lastStats = { ...stats, ms: performance.now() - started };
    const shown =
      origin === undefined
        ? `${formatDuration(Math.max(0, range.from - model.timelineStart))} to ${formatDuration(Math.max(0, range.to - model.timelineStart))}`
        : `${signed(range.from - origin.t)} to ${signed(range.to - origin.t)} from ${origin.label}'s request`;
    const label =
      `Timeline of ${countWithNoun(model.eventCount, "event")} on ${countWithNoun(model.rows.length, "row")}, showing ${shown}` +
      (following ? ", following live" : "") +
      ". Scroll or +/- to zoom, drag or arrow keys to pan, f to fit, l to follow.";
    if (label !== ariaLabel) {
      ariaLabel = label;
      canvas.setAttribute("aria-label", label);
    }
  }

  /** Keeps at least a tenth of the view on the recorded time, so panning cannot lose the events. */
  function keepNearEvents(next: TimeRange): TimeRange {
    if (model.eventCount === 0) return next;
    const first = Math.min(model.timelineStart, model.firstT);
    const last = Math.max(model.lastT, options.now?.() ?? -Infinity);
    const keep = (next.to - next.from) * 0.1;
    if (next.to < first + keep) return panBy(next, first + keep - next.to);
    if (next.from > last - keep) return panBy(next, last - keep - next.from);
    return next;
  }

  /** Pan and zoom by the user: follow-live ends. */
  function moveTo(next: TimeRange): void {
    range = keepNearEvents(next);
    setFollowing(false);
    invalidate();
  }

  function timeAt(clientX: number): number {
    const rect = canvas.getBoundingClientRect();
    const { left, plotWidth, scale } = plotGeometry(width, range);
    const x = Math.max(left, Math.min(left + plotWidth, clientX - rect.left));
    return range.from + (x - left) / scale;
  }

  function hit(clientX: number, clientY: number): TimelineMark | undefined {
    const rect = canvas.getBoundingClientRect();
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    const { left, scale } = plotGeometry(width, range);
    if (x < left || y < axisHeight) return undefined;
    const box = boxes.find((b) => y >= b.top && y < b.top + b.height);
    if (box === undefined) return undefined;
    return markNear(box.row, range.from + (x - left) / scale, 5 / scale);
  }

  function fit(): void {
    origin = undefined;
    // Fit the events themselves: the quiet time before the first one says nothing.
    if (model.eventCount === 0) moveTo({ from: model.timelineStart, to: model.timelineStart + 1000 });
    else moveTo(fitRange(model.firstT, model.lastT));
  }

  function frameOn(framing: Framing, lane?: number): void {
    origin = framing.origin;
    moveTo(framing.range);
    if (lane === undefined) return;
    layout();
    const rows = boxes.filter((box) => box.row.lane === lane);
    const top = rows[0];
    const bottom = rows.at(-1);
    if (top === undefined || bottom === undefined) return;
    if (top.top < axisHeight) scrollY -= axisHeight - top.top;
    else if (bottom.top + bottom.height > height)
      scrollY += Math.min(top.top - axisHeight, bottom.top + bottom.height - height);
  }

  function scrollRowIntoView(mark: TimelineMark): void {
    const box = boxes[mark.row.index];
    if (box === undefined) return;
    if (box.top < axisHeight) scrollY -= axisHeight - box.top;
    else if (box.top + box.height > height) scrollY += box.top + box.height - height;
  }

  // --- input -------------------------------------------------------------------------------------

  function onWheel(event: WheelEvent): void {
    event.preventDefault();
    const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? height : 1;
    const dx = event.deltaX * unit;
    const dy = event.deltaY * unit;
    const { left, scale } = plotGeometry(width, range);
    // Over the row labels the wheel scrolls the rows, as it would a list.
    if (event.clientX - canvas.getBoundingClientRect().left < left && !event.ctrlKey) {
      scrollY += dy;
      invalidate();
    } else if (event.shiftKey && !event.ctrlKey) {
      moveTo(panBy(range, (dy || dx) / scale));
    } else if (Math.abs(dx) > Math.abs(dy)) {
      moveTo(panBy(range, dx / scale));
    } else if (dy !== 0) {
      const factor = Math.exp(dy * (event.ctrlKey ? pinchZoomPerPixel : wheelZoomPerPixel));
      moveTo(zoomAround(range, timeAt(event.clientX), factor));
    }
  }

  let drag: { pointerId: number; x: number; y: number; moved: boolean; range: TimeRange; scrollY: number } | undefined;

  function onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    canvas.focus();
    canvas.setPointerCapture(event.pointerId);
    drag = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, moved: false, range, scrollY };
    canvas.style.cursor = "grabbing";
  }

  function onPointerMove(event: PointerEvent): void {
    if (drag !== undefined && drag.pointerId === event.pointerId) {
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < dragThreshold) return;
      drag.moved = true;
      scrollY = drag.scrollY - dy;
      moveTo(panBy(drag.range, -dx / plotGeometry(width, drag.range).scale));
      return;
    }
    const mark = hit(event.clientX, event.clientY);
    if (mark !== hovered) {
      hovered = mark;
      canvas.style.cursor = mark === undefined ? "grab" : "pointer";
      invalidate();
    }
    if (mark !== undefined || hovered !== undefined) options.onHover?.(mark?.event, event.clientX, event.clientY);
  }

  function onPointerUp(event: PointerEvent): void {
    if (drag === undefined || drag.pointerId !== event.pointerId) return;
    const wasClick = !drag.moved;
    drag = undefined;
    canvas.style.cursor = "grab";
    if (!wasClick) return;
    selected = hit(event.clientX, event.clientY);
    options.onSelect?.(selected?.event);
    invalidate();
  }

  function onPointerLeave(event: PointerEvent): void {
    if (hovered === undefined) return;
    hovered = undefined;
    options.onHover?.(undefined, event.clientX, event.clientY);
    invalidate();
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const centre = (range.from + range.to) / 2;
    const widthMs = range.to - range.from;
    switch (event.key) {
      case "+":
      case "=":
        moveTo(zoomAround(range, centre, 1 / 1.5));
        break;
      case "-":
      case "_":
        moveTo(zoomAround(range, centre, 1.5));
        break;
      case "ArrowLeft":
        moveTo(panBy(range, -widthMs * (event.shiftKey ? 0.5 : 0.1)));
        break;
      case "ArrowRight":
        moveTo(panBy(range, widthMs * (event.shiftKey ? 0.5 : 0.1)));
        break;
      case "ArrowUp":
        scrollY -= preferredRowHeight;
        invalidate();
        break;
      case "ArrowDown":
        scrollY += preferredRowHeight;
        invalidate();
        break;
      case "f":
        fit();
        break;
      case "l":
        follow(true);
        break;
      case "Escape":
        selected = undefined;
        options.onSelect?.(undefined);
        invalidate();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  function follow(on = true): void {
    if (on && !following) followWidth = Math.max(range.to - range.from, 1);
    setFollowing(on);
  }

  function onSchemeChange(): void {
    theme = readTheme(container, isDark());
    invalidate();
  }

  canvas.addEventListener("wheel", onWheel, { passive: false });
  canvas.addEventListener("pointerdown", onPointerDown);
  canvas.addEventListener("pointermove", onPointerMove);
  canvas.addEventListener("pointerup", onPointerUp);
  canvas.addEventListener("pointercancel", onPointerUp);
  canvas.addEventListener("pointerleave", onPointerLeave);
  canvas.addEventListener("keydown", onKeyDown);
  darkScheme.addEventListener("change", onSchemeChange);
  const resizeObserver = new ResizeObserver((entries) => {
    const box = entries.at(-1)?.contentRect;
    if (box) containerSize = { width: box.width, height: box.height };
    // Resizing clears the canvas; drawing now, before the browser paints, avoids a blank flash.
    if (resize()) render();
  });
  resizeObserver.observe(container);
  // The first size, before the observer's first report.
  const initial = container.getBoundingClientRect();
  containerSize = { width: initial.width, height: initial.height };
  const unsubscribe = model.subscribe(() => {
    if (model.eventCount === 0) {
      selected = undefined;
      hovered = undefined;
      scrollY = 0;
    }
    invalidate();
  });
  // The "now" line moves on its own; twice a second is enough to keep it honest.
  const nowTimer =
    options.now === undefined
      ? undefined
      : setInterval(() => {
          const now = options.now?.() ?? 0;
          if (following || (now >= range.from && now <= range.to)) invalidate();
        }, 500);
  invalidate();

  return {
    canvas,
    select(event: TimelineEvent | undefined): void {
      selected = event === undefined ? undefined : model.markOf(event);
      if (selected !== undefined) {
        const margin = (range.to - range.from) * 0.05;
        if (selected.t < range.from + margin || selected.start > range.to - margin) moveTo(centreOn(range, selected.t));
        layout();
        scrollRowIntoView(selected);
      }
      invalidate();
    },
    follow,
    get following(): boolean {
      return following;
    },
    fit,
    frame: frameOn,
    get origin(): AxisOrigin | undefined {
      return origin;
    },
    get range(): TimeRange {
      return { ...range };
    },
    setRange(from: number, to: number): void {
      moveTo({ from, to });
    },
    refreshTheme: onSchemeChange,
    setDark(dark: boolean): void {
      pageDark = dark;
      onSchemeChange();
    },
    invalidate,
    setLensMarks(marks: readonly LensLaneMarks[]): void {
      lensMarks = marks;
      invalidate();
    },
    get stats(): FrameStats & { ms: number } {
      return lastStats;
    },
    toPng(): Promise<Blob> {
      if (frame !== 0) cancelAnimationFrame(frame);
      render();
      return new Promise((resolve, reject) => {
        canvas.toBlob(
          (blob) => (blob === null ? reject(new Error("the canvas could not be encoded as PNG")) : resolve(blob)),
          "image/png",
        );
      });
    },
    destroy(): void {
      if (frame !== 0) cancelAnimationFrame(frame);
      if (nowTimer !== undefined) clearInterval(nowTimer);
      unsubscribe();
      resizeObserver.disconnect();
      darkScheme.removeEventListener("change", onSchemeChange);
      canvas.remove();
    },
  };
}

/** `+1.2 s`, `−30 ms`: a time either side of the axis's request. */
function signed(ms: number): string {
  return `${ms < 0 ? "−" : "+"}${formatDuration(Math.abs(ms))}`;
}
