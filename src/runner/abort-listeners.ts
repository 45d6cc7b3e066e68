/**
 * A handler can clean up by listening to `req.signal`. Listeners the snippet's own code adds to a
 * request's signal are wrapped so the timeline shows when they ran, as a cleanup, and run in the
 * request's context, so what they log is told on the request's lane.
 */

import type { RequestContext, RequestTracker } from "./request-tracker.ts";
import { calledBySnippet } from "./snippet-paths.ts";

type Listener = Bun.EventListenerOrEventListenerObject;

/** Which requests' signals the snippet's abort listeners are followed on. */
export interface AbortListenerTracking {
  /** Follow the listeners the snippet adds to this request's signal from now on. */
  watch(signal: AbortSignal, ctx: RequestContext): void;
}

export function installAbortListenerTracking(tracker: RequestTracker): AbortListenerTracking {
  const signals = new WeakMap<object, RequestContext>();
  const wrappers = new WeakMap<object, Listener>();
  const target = EventTarget.prototype;
  const add = target.addEventListener;
  const remove = target.removeEventListener;

  target.addEventListener = function (
    this: EventTarget,
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ) {
    const ctx = type === "abort" && listener ? signals.get(this) : undefined;
    // A framework's own listener (Elysia closes its stream from one) is not the snippet's cleanup.
    // `null` is a listener the runtime ignores; Node's typings, which Bun's extend, leave it out.
    if (!ctx || !listener || !calledBySnippet()) return add.call(this, type, listener as Listener, options);
    let wrapper = wrappers.get(listener);
    if (!wrapper) {
      const original = listener;
      wrapper = function (this: unknown, event: Event) {
        try {
          // In the request's context, as its handler ran: what the listener logs is on its lane.
          ctx.enter(() => (typeof original === "function" ? original.call(this, event) : original.handleEvent(event)));
        } finally {
          tracker.cleanedUp(ctx, "abort-listener");
        }
      };
      wrappers.set(listener, wrapper);
    }
    return add.call(this, type, wrapper, options);
  };

  target.removeEventListener = function (
    this: EventTarget,
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ) {
    const wrapper = listener ? wrappers.get(listener) : undefined;
    return remove.call(this, type, (wrapper ?? listener) as Listener, options);
  };

  return {
    watch(signal: AbortSignal, ctx: RequestContext): void {
      signals.set(signal, ctx);
    },
  };
}
