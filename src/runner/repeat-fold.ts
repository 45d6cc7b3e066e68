/**
 * The same error again and again (a leaked timer that throws on every tick) is told a few times and
 * then counted: past `shown` repeats within a window, each repeat of one message at one line is
 * folded into a `folded` event that closes with the window. While the repeats go on, each later
 * window is counted whole; after a window's worth of quiet the error is told again. The timeline
 * keeps the story (the first throws, then "× 97 more" every window), not a thousand identical rows.
 */

import type { FoldableKind, FoldedEvent } from "../contract/index.ts";

export interface RepeatFold {
  /** Whether the event keyed `key` at `t` should be told on its own; if not, it was counted. */
  admit(key: string, t: number): boolean;
  /** Closes every open fold now (the runner is stopping, or the host asks for the timeline). */
  flush(): void;
}

export interface RepeatFoldOptions {
  of: FoldableKind;
  now: () => number;
  emit: (event: FoldedEvent) => void;
  /** Repeats told on their own in each window. */
  shown?: number | undefined;
  windowMs?: number | undefined;
  setTimer?: ((run: () => void, ms: number) => unknown) | undefined;
}

export function createRepeatFold(options: RepeatFoldOptions): RepeatFold {
  const shown = options.shown ?? 3;
  const windowMs = options.windowMs ?? 5_000;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  /** Per key: the window's start, how many were told, and what was folded since. */
  const windows = new Map<
    string,
    { start: number; told: number; folded: number; since: number; last: number; timer: boolean }
  >();
  /** Keys whose last window folded repeats, with when the last repeat came: a streak still going on. */
  const streaks = new Map<string, number>();

  function close(key: string): void {
    const window = windows.get(key);
    windows.delete(key);
    if (!window || window.folded === 0) return;
    streaks.set(key, window.last);
    for (const [other, last] of streaks) if (window.last - last > windowMs) streaks.delete(other);
    options.emit({
      t: options.now(),
      lane: 0,
      side: "runner",
      kind: "folded",
      of: options.of,
      count: window.folded,
      bytes: 0,
      since: window.since,
    });
  }

  return {
    admit(key, t) {
      let window = windows.get(key);
      if (window && t - window.start > windowMs) {
        close(key);
        window = undefined;
      }
      if (!window) {
        // A streak that goes on is only counted: its first repeats were told in an earlier window.
        const streak = streaks.get(key);
        streaks.delete(key);
        const told = streak !== undefined && t - streak <= windowMs ? shown : 0;
        window = { start: t, told, folded: 0, since: t, last: t, timer: false };
        windows.set(key, window);
      }
      window.last = t;
      if (window.told < shown) {
        window.told++;
        return true;
      }
      if (window.folded === 0) window.since = t;
      window.folded++;
      if (!window.timer) {
        window.timer = true;
        const start = window.start;
        setTimer(
          () => {
            if (windows.get(key)?.start === start) close(key);
          },
          Math.max(0, start + windowMs - t),
        );
      }
      return false;
    },
    flush() {
      for (const key of [...windows.keys()]) close(key);
    },
  };
}
