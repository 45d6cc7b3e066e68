/**
 * Sends events to the pages in batches: a throttle, not a debounce. The first event after a flush
 * starts a timer; when it fires, everything pending goes out as one batch, however busy the stream
 * still is. A batch that reaches `maxPending` goes out at once. A page therefore gets at most one
 * message per interval plus one per `maxPending` events, never one message per event.
 *
 * Under a flood the interval doubles. Each message costs the host, the browser and the page about
 * the same whatever it holds (sending it, handing it between the browser's processes, a task of the
 * page's to receive it), and on a small machine those costs take the cores the page needs for its
 * frames: ten clients streaming 20,000 events a second drew their first second with fewer late
 * frames when the same events came in half as many messages. At a moderate rate every event still
 * reaches the page within `intervalMs`.
 */

import type { TimelineEvent } from "../contract/index.ts";

/** Starts and stops the batch's timer: `setTimeout` and `clearTimeout` unless a test passes its own. */
export interface BatchTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface EventBatcherOptions {
  /** The longest an event waits before it is sent while events come at a moderate rate; twice that in a flood. */
  intervalMs?: number | undefined;
  /**
   * Events a second from which a stream of them is a flood: a batch that held that many over its
   * interval makes the next one wait twice `intervalMs`; one that held fewer, `intervalMs` again.
   */
  floodPerSecond?: number | undefined;
  /** A batch this large is sent without waiting for the timer. */
  maxPending?: number | undefined;
  /** Receives each batch, in arrival order. */
  flush: (events: TimelineEvent[]) => void;
  timers?: BatchTimers | undefined;
}

export const defaultBatchIntervalMs = 30;
export const defaultFloodPerSecond = 5_000;
export const defaultBatchMaxPending = 5_000;

const realTimers: BatchTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

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
  const floodIntervalMs = intervalMs * 2;
  const floodPerSecond = options.floodPerSecond ?? defaultFloodPerSecond;
  const maxPending = options.maxPending ?? defaultBatchMaxPending;
  const timers = options.timers ?? realTimers;
  let pending: TimelineEvent[] = [];
  let timer: unknown;
  /** How long the next batch waits: `intervalMs`, or twice that after a flood's batch. */
  let waitMs = intervalMs;

  function stopTimer(): void {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
  }

  function flush(): void {
    stopTimer();
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    waitMs = batch.length >= (floodPerSecond * waitMs) / 1000 ? floodIntervalMs : intervalMs;
    options.flush(batch);
  }

  return {
    add(event: TimelineEvent): void {
      pending.push(event);
      if (pending.length >= maxPending) flush();
      else timer ??= timers.set(flush, waitMs);
    },
    flush,
    discard(): void {
      stopTimer();
      pending = [];
    },
  };
}
