/**
 * Sends events to the pages in batches: a throttle, not a debounce. The first event after a flush
 * starts a timer; when it fires, everything pending goes out as one batch, however busy the stream
 * still is. A batch that reaches `maxPending` goes out at once. A page therefore gets at most one
 * message per interval plus one per `maxPending` events, never one message per event.
 */

import type { TimelineEvent } from "../contract/index.ts";

export interface EventBatcherOptions {
  /** The longest an event waits before it is sent. */
  intervalMs?: number | undefined;
  /** A batch this large is sent without waiting for the timer. */
  maxPending?: number | undefined;
  /** Receives each batch, in arrival order. */
  flush: (events: TimelineEvent[]) => void;
}

export const defaultBatchIntervalMs = 30;
export const defaultBatchMaxPending = 5_000;

/** Events on their way to the pages, held for the next batch. */
export interface EventBatcher {
  /** Holds `event` for the next batch, starting the interval's timer if none is running. */
  add(event: TimelineEvent): void;
  /** Sends what is pending now, so a message that must follow these events comes after them. */
  flush(): void;
  /** Forgets what is pending without sending it. */
  discard(): void;
}

export function createEventBatcher(options: EventBatcherOptions): EventBatcher {
  const intervalMs = options.intervalMs ?? defaultBatchIntervalMs;
  const maxPending = options.maxPending ?? defaultBatchMaxPending;
  let pending: TimelineEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    options.flush(batch);
  }

  return {
    add(event: TimelineEvent): void {
      pending.push(event);
      if (pending.length >= maxPending) flush();
      else timer ??= setTimeout(flush, intervalMs);
    },
    flush,
    discard(): void {
      clearTimeout(timer);
      timer = undefined;
      pending = [];
    },
  };
}
