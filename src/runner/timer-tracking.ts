/**
 * Timers created while serving a request are remembered with the snippet line that created them,
 * so one still alive after its request ended can be reported as a leak. Timers created outside any
 * request (at the top level of a snippet) are not followed.
 */

import { nativeClearInterval, nativeClearTimeout, nativeSetInterval, nativeSetTimeout } from "./native-globals.ts";
import { requestStorage, type RequestContext, type RequestTracker, type TrackedTimer } from "./request-tracker.ts";
import { calledBySnippet, callerLine } from "./snippet-paths.ts";

type TimerHandle = ReturnType<typeof setTimeout>;

export function installTimerTracking(
  now: () => number,
  tracker: Pick<RequestTracker, "timerCreated" | "cleanedUp">,
): void {
  const owners = new WeakMap<object, { ctx: RequestContext; timer: TrackedTimer }>();

  function forget(handle: unknown): void {
    if (handle === null || typeof handle !== "object") return;
    const owner = owners.get(handle);
    if (!owner) return;
    owner.ctx.timers.delete(owner.timer);
    owners.delete(handle);
  }

  function track(handle: TimerHandle, ctx: RequestContext, kind: TrackedTimer["kind"], delay: unknown): void {
    const timer: TrackedTimer = { kind, line: callerLine(), createdAt: now(), delayMs: Number(delay) || 0 };
    ctx.timers.add(timer);
    owners.set(handle as object, { ctx, timer });
    tracker.timerCreated(ctx, timer);
  }

  const setTimeoutTracked = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    const ctx = requestStorage.getStore();
    if (!ctx || typeof callback !== "function") return nativeSetTimeout(callback, delay, ...args);
    const handle: TimerHandle = nativeSetTimeout(
      (...callArgs: unknown[]) => {
        forget(handle);
        callback(...callArgs);
      },
      delay,
      ...args,
    );
    track(handle, ctx, "timeout", delay);
    return handle;
  };

  const setIntervalTracked = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    const ctx = requestStorage.getStore();
    const handle = nativeSetInterval(callback, delay, ...args);
    if (ctx && typeof callback === "function") track(handle, ctx, "interval", delay);
    return handle;
  };

  /** The request a timer belongs to, if that request was aborted and has no cleanup on the timeline yet. */
  function abortedOwner(handle: unknown): RequestContext | undefined {
    if (handle === null || typeof handle !== "object") return undefined;
    const ctx = owners.get(handle)?.ctx;
    return ctx && ctx.abortedAt !== undefined && !ctx.websocket && !ctx.cleanedUp ? ctx : undefined;
  }

  /**
   * The snippet clearing a timer of an aborted request is its cleanup running, however it was
   * reached (h3's `onClosed`, a framework's own close hook). Seen a turn later, so a clear inside a
   * cleanup the timeline already follows (a stream's `cancel`, a generator's `finally`, an abort
   * listener) is told once, as that one.
   */
  function cleanupRan(ctx: RequestContext): void {
    queueMicrotask(() => {
      if (!ctx.cleanedUp && ctx.pendingCleanups === 0) tracker.cleanedUp(ctx, "timer-cleared");
    });
  }

  // `calledBySnippet` is asked here, where the snippet's frame is the caller's caller.
  const clearTimeoutTracked = (handle?: TimerHandle | number | string) => {
    const ctx = abortedOwner(handle);
    if (ctx && calledBySnippet()) cleanupRan(ctx);
    forget(handle);
    nativeClearTimeout(handle as TimerHandle);
  };
  const clearIntervalTracked = (handle?: TimerHandle | number | string) => {
    const ctx = abortedOwner(handle);
    if (ctx && calledBySnippet()) cleanupRan(ctx);
    forget(handle);
    nativeClearInterval(handle as TimerHandle);
  };

  // Node's timers carry extra members (`__promisify__`); the tracked versions behave the same for snippets.
  Object.assign(globalThis, {
    setTimeout: Object.assign(setTimeoutTracked, nativeSetTimeout),
    setInterval: setIntervalTracked,
    clearTimeout: clearTimeoutTracked,
    clearInterval: clearIntervalTracked,
  });
}
