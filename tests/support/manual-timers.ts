/** Timers that only move when a test says so: watchdogs and time limits, tested without waiting. */

import type { EndpointTimers } from "../../src/contract/index.ts";

export function createManualTimers() {
  let now = 0;
  let nextHandle = 1;
  const due = new Map<number, { at: number; callback: () => void }>();

  const timers: EndpointTimers = {
    setTimeout(callback, ms) {
      const handle = nextHandle++;
      due.set(handle, { at: now + ms, callback });
      return handle;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };

  return {
    timers,
    /** The clock the timers run on, in ms from 0. */
    now: () => now,
    /** Timers set and not yet fired or cleared. */
    get pending(): number {
      return due.size;
    },
    /** Moves the clock on by `ms`, firing every timer that comes due, in order. */
    advance(ms: number): void {
      const until = now + ms;
      for (;;) {
        const next = [...due.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].callback();
      }
      now = until;
    },
  };
}
