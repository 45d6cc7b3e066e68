/**
 * The timeline a page is shown when it connects: the newest events, up to a fixed count, in the
 * order they arrived. A ring, so a long session costs the same memory as a short full one.
 */

import type { TimelineEvent } from "../contract/index.ts";

/** Events kept for a page that connects (or reloads) later. */
export const defaultBufferCapacity = 300_000;

/** The latest events, up to a capacity: the oldest make way for new ones. */
export interface EventBuffer {
  /** Keeps `event`, dropping the oldest when the buffer is full. */
  push(event: TimelineEvent): void;
  /** Every kept event, oldest first. */
  snapshot(): TimelineEvent[];
  /** Forgets every event. */
  clear(): void;
  /** How many events are kept. */
  readonly size: number;
}

export function createEventBuffer(capacity = defaultBufferCapacity): EventBuffer {
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
