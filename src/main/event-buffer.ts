/**
 * The timeline a page is shown when it connects: the newest events, up to a fixed count, in the
 * order they arrived. A ring, so a long session costs the same memory as a short full one.
 */

import type { TimelineEvent } from "../contract/index.ts";

/** Events kept for a page that connects (or reloads) later. */
export const defaultBufferCapacity = 300_000;

export function createEventBuffer(capacity = defaultBufferCapacity) {
  let ring: TimelineEvent[] = [];
  /** Where the oldest event sits once the ring is full (and the next one is written). */
  let head = 0;

  return {
    push(event: TimelineEvent): void {
      if (ring.length < capacity) {
        ring.push(event);
        return;
      }
      ring[head] = event;
      head = (head + 1) % capacity;
    },

    /** Every kept event, oldest first. */
    snapshot(): TimelineEvent[] {
      return head === 0 ? ring.slice() : [...ring.slice(head), ...ring.slice(0, head)];
    },

    clear(): void {
      ring = [];
      head = 0;
    },

    get size(): number {
      return ring.length;
    },
  };
}

export type EventBuffer = ReturnType<typeof createEventBuffer>;
