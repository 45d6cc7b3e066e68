/**
 * The timeline on the page: the canvas view fed from the event store, its Fit / Follow buttons,
 * and a tooltip with the hovered event's detail.
 */

import { describeEvent, type TimelineEvent } from "../contract/index.ts";
import { byId } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import { createTimelineModel, createTimelineView, type TimelineView } from "./timeline/index.ts";

export interface TimelinePanelOptions {
  onSelect: (event: TimelineEvent | undefined) => void;
  /** The host's clock, for the "now" line; undefined while there is no "now" (a recording is shown). */
  now: () => number | undefined;
}

export interface TimelinePanel {
  /** Highlights the event's mark (from the table); `undefined` clears the selection. */
  select(event: TimelineEvent | undefined): void;
  /** The timeline as drawn, as a PNG. */
  toPng(): Promise<Blob>;
  /** The canvas view itself, for what the panel does not wrap (range, theme, follow). */
  readonly view: TimelineView;
}

export function mountTimeline(
  container: HTMLElement,
  tooltip: HTMLElement,
  store: EventStore,
  options: TimelinePanelOptions,
): TimelinePanel {
  const follow = byId("timeline-follow", HTMLButtonElement);
  const fit = byId("timeline-fit", HTMLButtonElement);
  const model = createTimelineModel(store.timelineStart);
  const view = createTimelineView(container, model, {
    now: options.now,
    onSelect: options.onSelect,
    onFollowChange: (following) => follow.setAttribute("aria-pressed", String(following)),
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
  container.addEventListener("pointerleave", () => (tooltip.hidden = true));

  store.subscribe({
    appended(from) {
      model.append(store.events.slice(from));
    },
    cleared(start) {
      model.clear(start);
    },
  });

  return {
    select: (event: TimelineEvent | undefined) => view.select(event),
    toPng: () => view.toPng(),
    view,
  };
}
