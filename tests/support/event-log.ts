/** Collects events from a live runner and lets a test await the one it expects, instead of sleeping. */

import type { TimelineEvent } from "../../src/contract/index.ts";

export function createEventLog() {
  const events: TimelineEvent[] = [];
  const waiters: { match: (event: TimelineEvent) => boolean; resolve: (event: TimelineEvent) => void }[] = [];
  return {
    events,
    push(event: TimelineEvent): void {
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.match(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    },
    /** The first event from now on that matches. */
    next<E extends TimelineEvent>(match: (event: TimelineEvent) => event is E): Promise<E> {
      const { promise, resolve } = Promise.withResolvers<E>();
      waiters.push({ match, resolve: resolve as (event: TimelineEvent) => void });
      return promise;
    },
  };
}

/** Narrows to one kind, for `next`. */
export const kind =
  <K extends TimelineEvent["kind"]>(k: K, lane?: number) =>
  (event: TimelineEvent): event is Extract<TimelineEvent, { kind: K }> =>
    event.kind === k && (lane === undefined || event.lane === lane);
