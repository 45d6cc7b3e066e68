/**
 * The `trace` command's output as it happens: each event is printed once it is a moment old, in
 * time order. The runner's events reach the command over IPC in small batches and a client's
 * events in-process, so they arrive a few milliseconds out of order; a short hold puts them back
 * in order without keeping anyone waiting (a line is out within `holdMs` plus one tick).
 */

import type { TimelineEvent } from "../contract/index.ts";

export interface LiveTimeline {
  /** An event as it arrives, `t` on the timeline's clock (ms since the trace began). */
  push(event: TimelineEvent): void;
  /** Prints everything still held, in order, and stops the ticking. */
  finish(): void;
}

export interface LiveTimelineOptions {
  /** Writes some lines (each ends with a newline). */
  write: (text: string) => void;
  /** One event's line, without the newline. */
  format: (event: TimelineEvent) => string;
  /** The timeline's clock: ms since the trace began. */
  now: () => number;
  /** How old an event must be before it is printed. */
  holdMs?: number | undefined;
  setInterval?: ((run: () => void, ms: number) => unknown) | undefined;
  clearInterval?: ((timer: unknown) => void) | undefined;
}

/** Long enough for the runner's IPC batches to catch up, short enough to read as live. */
const defaultHoldMs = 100;
const tickMs = 20;

export function createLiveTimeline(options: LiveTimelineOptions): LiveTimeline {
  const holdMs = options.holdMs ?? defaultHoldMs;
  const every = options.setInterval ?? ((run, ms) => setInterval(run, ms));
  const stop = options.clearInterval ?? ((timer) => clearInterval(timer as ReturnType<typeof setInterval>));
  let held: TimelineEvent[] = [];
  let printedUpTo = Number.NEGATIVE_INFINITY;

  function print(events: TimelineEvent[]): void {
    if (events.length === 0) return;
    options.write(`${events.map(options.format).join("\n")}\n`);
    printedUpTo = Math.max(printedUpTo, events.at(-1)!.t);
  }

  function flush(until: number): void {
    if (held.length === 0) return;
    held.sort((a, b) => a.t - b.t);
    const due = held.findIndex((event) => event.t > until);
    const ready = due === -1 ? held : held.slice(0, due);
    held = due === -1 ? [] : held.slice(due);
    print(ready);
  }

  const timer = every(() => flush(options.now() - holdMs), tickMs);

  return {
    push(event: TimelineEvent): void {
      // An event older than what is out already (a disconnect held for its cause) goes at once.
      if (event.t <= printedUpTo) print([event]);
      else held.push(event);
    },
    finish(): void {
      stop(timer);
      flush(Number.POSITIVE_INFINITY);
    },
  };
}
