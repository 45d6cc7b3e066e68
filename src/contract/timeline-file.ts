/**
 * A timeline as `trace --json` writes it: time order, `t` in ms since the timeline began, and a
 * closing `summary`. The trace command and the UI's JSON export both produce exactly this.
 */

import type { SummaryEvent, TimelineEvent } from "./timeline-events.ts";
import { escapeInvisibleInJson } from "./visible-text.ts";

/** Sorts by time, rebases every time onto `start`, and appends the summary. */
export function rebaseTimeline(events: readonly TimelineEvent[], start: number): TimelineEvent[] {
  const rebased = events
    .filter((event) => event.kind !== "summary")
    .map((event) =>
      event.kind === "folded"
        ? { ...event, t: event.t - start, since: event.since - start }
        : { ...event, t: event.t - start },
    )
    .sort((a, b) => a.t - b.t);
  const counts: Record<string, number> = {};
  for (const event of rebased) counts[event.kind] = (counts[event.kind] ?? 0) + 1;
  const summary: SummaryEvent = { t: rebased.at(-1)?.t ?? 0, lane: 0, side: "runner", kind: "summary", counts };
  return [...rebased, summary];
}

/** One JSON object per line, with invisible characters in its strings written as escapes (`\uFEFF`). */
export function timelineJsonLines(events: readonly TimelineEvent[]): string {
  return `${events.map((event) => escapeInvisibleInJson(JSON.stringify(event))).join("\n")}\n`;
}
