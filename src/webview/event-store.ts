/**
 * Every event the page has received, in arrival order, and listeners that hear about new ones at
 * most once per animation frame: a flood of events costs one render per frame, not one per event.
 */

import type { TimelineEvent } from "../contract/index.ts";

export interface EventStoreListener {
  /** Events `[from, events.length)` are new. */
  appended(from: number): void;
  /**
   * Everything was dropped and the timeline now starts at `timelineStart`: the user cleared it, or
   * (`trimmed`) the store dropped its oldest events and announces the rest again as new.
   */
  cleared(timelineStart: number, why: "cleared" | "trimmed"): void;
}

/** Events kept at most; past it the oldest are dropped down to `keepAfterTrim` (as many as the host replays). */
export const maxEvents = 1_000_000;
const keepAfterTrim = 300_000;

export interface EventStore {
  /** Every event kept, in arrival order: one array throughout, grown and emptied in place. */
  readonly events: readonly TimelineEvent[];
  /** Host-clock time the timeline starts at. */
  readonly timelineStart: number;
  /** Adds a batch; listeners hear about it on the next animation frame. */
  append(batch: readonly TimelineEvent[]): void;
  /** Drops every event; the timeline now starts at `start`. Listeners hear about it at once. */
  clear(start: number): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventStoreListener): () => void;
}

export function createEventStore(limits = { maxEvents, keepAfterTrim }): EventStore {
  const events: TimelineEvent[] = [];
  const listeners = new Set<EventStoreListener>();
  let notifiedUpTo = 0;
  let frame: number | undefined;
  let timelineStart = 0;

  function notify(): void {
    frame = undefined;
    const from = notifiedUpTo;
    notifiedUpTo = events.length;
    if (from === events.length) return;
    for (const listener of listeners) listener.appended(from);
  }

  return {
    events: events as readonly TimelineEvent[],
    get timelineStart(): number {
      return timelineStart;
    },
    append(batch: readonly TimelineEvent[]): void {
      for (const event of batch) events.push(event);
      if (events.length > limits.maxEvents) {
        // A long flood must not grow the page without bound. Dropping the oldest shifts every
        // index, so the views rebuild from what is kept: rare (every 700,000 events at most).
        events.splice(0, events.length - limits.keepAfterTrim);
        notifiedUpTo = 0;
        for (const listener of listeners) listener.cleared(timelineStart, "trimmed");
      }
      if (frame === undefined) frame = requestAnimationFrame(notify);
    },
    clear(start: number): void {
      events.length = 0;
      notifiedUpTo = 0;
      timelineStart = start;
      for (const listener of listeners) listener.cleared(start, "cleared");
    },
    subscribe(listener: EventStoreListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
