/**
 * Timers created while serving a request are remembered with the snippet line that created them,
 * so one still alive after its request ended can be reported as a leak. Timers created outside any
 * request (at the top level of a snippet) are not followed.
 */

import { nativeClearInterval, nativeClearTimeout, nativeSetInterval, nativeSetTimeout } from "./native-globals.ts";
import { requestStorage, type RequestContext, type RequestTracker, type TrackedTimer } from "./request-tracker.ts";
import { callerLine } from "./snippet-paths.ts";

type TimerHandle = ReturnType<typeof setTimeout>;

export function installTimerTracking(now: () => number, tracker: Pick<RequestTracker, "timerCreated">): void {
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

  const clearTimeoutTracked = (handle?: TimerHandle | number | string) => {
    forget(handle);
    nativeClearTimeout(handle as TimerHandle);
  };
  const clearIntervalTracked = (handle?: TimerHandle | number | string) => {
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
