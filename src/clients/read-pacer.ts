/**
 * How fast a slow client reads: the pace of its reads (bytes a second, handed over in slices of a
 * twentieth of a second's worth), and whether it reads at all (a stall from its settings, or a
 * pause from the lane's chip). The client does not ask for more from its connection while the
 * pacer holds it back, so the server's side fills up and waits, as it would for a slow reader.
 *
 * Each change between reading and not reading is a `reading` event on the client's lane.
 */

import type { ClientBehaviour, ReadingCause, ReadingEvent } from "../contract/index.ts";

/** Timers, injectable so a test can move time by hand. */
export interface PacerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReadPacerOptions {
  behaviour: ClientBehaviour;
  lane: number;
  /** The host clock, in ms. */
  now: () => number;
  /** Receives the `reading` events. */
  emit: (event: ReadingEvent) => void;
  timers?: PacerTimers | undefined;
}

/** A second's worth of reading is handed over in this many slices. */
const slicesPerSecond = 20;

const realTimers: PacerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Paces one client's reads: its rate, its stall, and pauses from the lane's chip. */
export interface ReadPacer {
  /** The client opened: its stall, if it has one, is counted from now (once per lane, not per reconnect). */
  start(): void;
  /** Resolves once reading may go on (at once when it may); false once the pacer has closed. */
  ready(): Promise<boolean>;
  /**
   * Resolves with how many of `available` bytes the client may take now: a slice at the set rate,
   * after waiting out a pause or stall and the rate; all of them when no rate is set. 0 once the
   * pacer has closed.
   */
  take(available: number): Promise<number>;
  /** Stops reading until `resume` (the lane's chip). */
  pause(): void;
  /** Lifts every pause, a stall for good included (the lane's chip). */
  resume(): void;
  /** Whether reading is held back now, by anyone. */
  readonly paused: boolean;
  /** The client is done: waiting reads go on (and find it closed), timers stop. */
  close(): void;
}

export function createReadPacer(options: ReadPacerOptions): ReadPacer {
  const { behaviour, lane, now, emit } = options;
  const timers = options.timers ?? realTimers;
  const rate = behaviour.readBytesPerSecond;
  const slice = rate === undefined ? Infinity : Math.max(1, Math.round(rate / slicesPerSecond));
  /** Who holds reading back now. */
  const pausedBy = new Set<ReadingCause>();
  /** Reads waiting for reading to resume (or the pacer to close). */
  let waiting: (() => void)[] = [];
  /** When the rate lets the next slice go, on `now`'s clock. */
  let nextAt = -Infinity;
  let started = false;
  let closed = false;
  const pending = new Set<unknown>();

  function later(ms: number, callback: () => void): void {
    const handle = timers.setTimeout(() => {
      pending.delete(handle);
      callback();
    }, ms);
    pending.add(handle);
  }

  function wakeAll(): void {
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  }

  function pause(cause: ReadingCause): void {
    if (closed || pausedBy.has(cause)) return;
    pausedBy.add(cause);
    if (pausedBy.size === 1) emit({ t: now(), lane, side: "client", kind: "reading", state: "paused", cause });
  }

  /** The stall's own end lifts only the stall; Resume on the chip lifts every pause, a stall for good included. */
  function resume(cause: ReadingCause): void {
    if (closed) return;
    const wasPaused = pausedBy.size > 0;
    if (cause === "user") pausedBy.clear();
    else pausedBy.delete(cause);
    if (!wasPaused || pausedBy.size > 0) return;
    emit({ t: now(), lane, side: "client", kind: "reading", state: "resumed", cause });
    wakeAll();
  }

  /** Resolves once reading may go on (at once when it may); false once the pacer has closed. */
  function ready(): Promise<boolean> {
    if (closed) return Promise.resolve(false);
    if (pausedBy.size === 0) return Promise.resolve(true);
    const { promise, resolve } = Promise.withResolvers<boolean>();
    waiting.push(() => resolve(!closed));
    return promise;
  }

  /** Resolves after `ms`, or at once when the pacer closes. */
  function sleep(ms: number): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    waiting.push(resolve);
    later(ms, () => {
      waiting = waiting.filter((wake) => wake !== resolve);
      resolve();
    });
    return promise;
  }

  return {
    start(): void {
      if (started || closed) return;
      started = true;
      const { stallAfterMs, stallMs } = behaviour;
      if (stallAfterMs === undefined) return;
      later(stallAfterMs, () => {
        pause("stall");
        if (stallMs !== undefined) later(stallMs, () => resume("stall"));
      });
    },
    ready,
    async take(available: number): Promise<number> {
      for (;;) {
        if (!(await ready())) return 0;
        const wait = nextAt - now();
        if (wait <= 0) break;
        await sleep(wait);
        if (closed) return 0;
      }
      if (rate === undefined) return available;
      const taken = Math.min(available, slice);
      nextAt = Math.max(nextAt, now()) + (taken / rate) * 1000;
      return taken;
    },
    pause: () => pause("user"),
    resume: () => resume("user"),
    get paused(): boolean {
      return pausedBy.size > 0;
    },
    close(): void {
      if (closed) return;
      closed = true;
      for (const handle of pending) timers.clearTimeout(handle);
      pending.clear();
      wakeAll();
    },
  };
}
