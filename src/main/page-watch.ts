/**
 * Notices a page that died or hung, for the desktop app, which then loads it again: a window whose
 * web process crashed keeps its last frame on screen and says nothing, and one whose page hangs
 * looks alive. A page that reloads itself (or reconnects after a blip) is back within the grace
 * period and counts as neither.
 */

import type { EndpointTimers, PageReloadReason } from "../contract/index.ts";

/** Why a page is taken for lost: its connection closed and none came back, or it went silent while connected. */
export type PageLossReason = Extract<PageReloadReason, "closed" | "silent">;

export interface PageWatchOptions {
  /** How long after the last page's connection closed before the page counts as gone. */
  reconnectGraceMs: number;
  /** How long a connected page may send nothing (it sends a heartbeat) before it counts as hung. */
  silenceMs: number;
  /** Called once per loss; the watch starts again when a page connects. */
  onLost(reason: PageLossReason): void;
  /** Real timers when left out; a test's own clock otherwise. */
  timers?: EndpointTimers | undefined;
}

export interface PageWatch {
  /** A page connected. */
  attached(): void;
  /** A page's connection closed. */
  detached(): void;
  /** A page sent something: it is alive. */
  heard(): void;
  /** Stops watching for good (the app is quitting: its page is meant to go). */
  stop(): void;
}

const realTimers: EndpointTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export function createPageWatch(options: PageWatchOptions): PageWatch {
  const timers = options.timers ?? realTimers;
  let open = 0;
  let timer: unknown;
  let stopped = false;

  function arm(ms: number, reason: PageLossReason): void {
    disarm();
    timer = timers.setTimeout(() => {
      timer = undefined;
      if (!stopped) options.onLost(reason);
    }, ms);
  }

  function disarm(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  return {
    attached() {
      open++;
      if (!stopped) arm(options.silenceMs, "silent");
    },
    detached() {
      open = Math.max(0, open - 1);
      if (stopped) return;
      if (open === 0) arm(options.reconnectGraceMs, "closed");
    },
    heard() {
      if (!stopped && open > 0) arm(options.silenceMs, "silent");
    },
    stop() {
      stopped = true;
      disarm();
    },
  };
}
