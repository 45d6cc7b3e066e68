/**
 * The timeline on the page: the canvas view fed from the event store, its Fit all / Fit last run /
 * Follow live buttons, and a tooltip with the hovered event's detail. Following, it frames the
 * latest run of requests (`timeline/framing.ts`): a new connection is zoomed to, a run that ended
 * is fitted.
 */

import { describeEvent, type TimelineEvent } from "../contract/index.ts";
import { byId } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import {
  createTimelineModel,
  createTimelineView,
  frameLane,
  frameRun,
  type LaneSpan,
  latestRun,
  type Run,
  type TimelineView,
} from "./timeline/index.ts";

export interface TimelinePanelOptions {
  onSelect: (event: TimelineEvent | undefined) => void;
  /** The host's clock, for the "now" line; undefined while there is no "now" (a recording is shown). */
  now: () => number | undefined;
  /** Every lane's span, from the request log: what following frames, and what a lane is framed by. */
  lanes: () => readonly LaneSpan[];
}

export interface TimelinePanel {
  /** Highlights the event's mark (from the table); `undefined` clears the selection. */
  select(event: TimelineEvent | undefined): void;
  /** Frames one lane's request, from its start to its latest event, and scrolls its rows into view. Ends follow-live. */
  showLane(lane: number): void;
  /** The timeline as drawn, as a PNG. */
  toPng(): Promise<Blob>;
  /** The canvas view itself, for what the panel does not wrap (range, theme, follow). */
  readonly view: TimelineView;
}

const followingTitle = "Following live: the newest requests are zoomed to, and fitted when they end (L)";
const notFollowingTitle = "Follow the newest requests again: zoom to each new connection, fit them when they end (L)";

export function mountTimeline(
  container: HTMLElement,
  tooltip: HTMLElement,
  store: EventStore,
  options: TimelinePanelOptions,
): TimelinePanel {
  const follow = byId("timeline-follow", HTMLButtonElement);
  const fit = byId("timeline-fit", HTMLButtonElement);
  const fitRun = byId("timeline-fit-run", HTMLButtonElement);
  const model = createTimelineModel(store.timelineStart);
  /** The latest run of requests, read again only when events arrive: follow-live frames it every frame. */
  let run: Run | undefined;
  const view = createTimelineView(container, model, {
    now: options.now,
    onSelect: options.onSelect,
    onFollowChange: (following) => {
      follow.setAttribute("aria-pressed", String(following));
      follow.title = following ? followingTitle : notFollowingTitle;
    },
    autoFrame: ({ now, followWidthMs }) => run && frameRun(run, { now, followWidthMs }),
    onHover(event, x, y) {
      if (!event) {
        tooltip.hidden = true;
        return;
      }
      const { detail } = describeEvent(event);
      tooltip.textContent = `${(event.t - store.timelineStart).toFixed(3)} ms · ${event.side} ${event.kind}${event.lane ? ` · lane ${event.lane}` : ""}\n${detail}`;
      tooltip.hidden = false;
      // Keep the tooltip inside the window, beside the pointer.
      const box = tooltip.getBoundingClientRect();
      tooltip.style.left = `${Math.min(x + 14, innerWidth - box.width - 8)}px`;
      tooltip.style.top = `${Math.min(y + 14, innerHeight - box.height - 8)}px`;
    },
  });
  follow.addEventListener("click", () => view.follow(!view.following));
  fit.addEventListener("click", () => view.fit());
  fitRun.addEventListener("click", () => {
    if (run) view.frame(frameRun(run, { now: options.now(), followWidthMs: Infinity, whole: true }));
  });
  container.addEventListener("pointerleave", () => (tooltip.hidden = true));

  /**
   * Follow live's dot beats only while a request of the latest run is still going: a beat drawn
   * for ever would redraw the page every frame, idle or not (a core's tenth in Chromium without a
   * GPU), and would say something is live when nothing is.
   */
  let live = false;
  const showRun = () => {
    fitRun.disabled = run === undefined;
    // Written only when it changes: each write of the attribute has the page's styles looked at again.
    const nowLive = run !== undefined && !run.settled;
    if (nowLive === live) return;
    live = nowLive;
    follow.dataset.live = String(live);
  };
  store.subscribe({
    appended(from) {
      model.append(store.events.slice(from));
      run = latestRun(options.lanes());
      showRun();
    },
    cleared(start) {
      model.clear(start);
      run = undefined;
      showRun();
    },
  });

  return {
    select: (event: TimelineEvent | undefined) => view.select(event),
    showLane(lane) {
      const span = options.lanes().find((candidate) => candidate.lane === lane);
      if (span) view.frame(frameLane(span, options.now()), lane);
    },
    toPng: () => view.toPng(),
    view,
  };
}
