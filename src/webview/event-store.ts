/**
 * Every event the page has received, in arrival order, and listeners that hear about new ones at
 * most once per animation frame: a flood of events costs one render per frame, not one per event.
 */

import type { TimelineEvent } from "../runner/protocol.ts";

export interface EventStoreListener {
  /** Events `[from, events.length)` are new. */
  appended(from: number): void;
  /** Everything was dropped; the timeline now starts at `timelineStart`. */
  cleared(timelineStart: number): void;
}

export function createEventStore() {
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
      frame ??= requestAnimationFrame(notify);
    },
    clear(start: number): void {
      events.length = 0;
      notifiedUpTo = 0;
      timelineStart = start;
      for (const listener of listeners) listener.cleared(start);
    },
    subscribe(listener: EventStoreListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
