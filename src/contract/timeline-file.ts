/**
 * A timeline as `trace --json` writes it: time order, `t` in ms since the timeline began, and a
 * closing `summary`. The trace command and the UI's JSON export both produce exactly this.
 */

import type { SummaryEvent, TimelineEvent } from "./timeline-events.ts";
import { escapeInvisibleInJson } from "./visible-text.ts";

/** One event with its times (`t`, and a fold's `since`) counted from `start`. */
export function rebaseEvent(event: TimelineEvent, start: number): TimelineEvent {
  return event.kind === "folded"
    ? { ...event, t: event.t - start, since: event.since - start }
    : { ...event, t: event.t - start };
}

/** The closing `summary` of a timeline: how many events of each kind, at the time of the last. */
export function summaryOf(events: readonly TimelineEvent[]): SummaryEvent {
  const counts: Record<string, number> = {};
  let last = 0;
  for (const event of events) {
    if (event.kind === "summary") continue;
    counts[event.kind] = (counts[event.kind] ?? 0) + 1;
    last = Math.max(last, event.t);
  }
  return { t: last, lane: 0, side: "runner", kind: "summary", counts };
}

/** Sorts by time, rebases every time onto `start`, and appends the summary. */
export function rebaseTimeline(events: readonly TimelineEvent[], start: number): TimelineEvent[] {
  const rebased = events
    .filter((event) => event.kind !== "summary")
    .map((event) => rebaseEvent(event, start))
    .sort((a, b) => a.t - b.t);
  return [...rebased, summaryOf(rebased)];
}

/** One JSON object per line, with invisible characters in its strings written as escapes (`\uFEFF`). */
export function timelineJsonLines(events: readonly TimelineEvent[]): string {
  return `${events.map((event) => escapeInvisibleInJson(JSON.stringify(event))).join("\n")}\n`;
}
