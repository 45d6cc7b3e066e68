/**
 * Follows one request inside a snippet's `node:http` server, as the timeline shows a `Bun.serve`
 * handler: the response head when it goes out, every `res.write`, the end, the client going away
 * (`close` before the response finished), the snippet's own `close` listeners as its cleanup, and
 * writes that go on after the client left.
 *
 * Only the request and response objects of this one request are touched, and only by wrapping
 * their methods on the instance: the prototype stays as Bun made it, for every library that
 * extends it (Express does).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { requestStorage, type RequestContext, type RequestTracker } from "./request-tracker.ts";
import { calledBySnippet, callerLine } from "./snippet-paths.ts";

export interface NodeResponseFollowOptions {
  tracker: RequestTracker;
  ctx: RequestContext;
  req: IncomingMessage;
  res: ServerResponse;
}

type Listener = (...args: unknown[]) => unknown;
type Method = (...args: unknown[]) => unknown;

/** Events whose listeners are the snippet's way to clean up after a client that left. */
const cleanupEvents = new Set<string | symbol>(["close", "aborted"]);
const listenerMethods = ["on", "addListener", "once", "prependListener", "prependOnceListener"] as const;
const removeMethods = ["off", "removeListener"] as const;

/** A `res.write`/`res.end` chunk as the bytes it stands for (a string in another encoding is decoded by Node first). */
function chunkOf(chunk: unknown, encoding: unknown): unknown {
  if (
    typeof chunk === "string" &&
    typeof encoding === "string" &&
    Buffer.isEncoding(encoding) &&
    !/^utf-?8$/i.test(encoding)
  ) {
    return Buffer.from(chunk, encoding);
  }
  return chunk;
}

function isEmpty(chunk: unknown): boolean {
  if (chunk === undefined || chunk === null) return true;
  if (typeof chunk === "string") return chunk.length === 0;
  return ArrayBuffer.isView(chunk) && chunk.byteLength === 0;
}

/** The headers the handler set, as the timeline's `response` event carries them. */
function headersOf(res: ServerResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return headers;
}

export function followNodeResponse({ tracker, ctx, req, res }: NodeResponseFollowOptions): void {
  let committed = false;
  /** Set once the response ended or the client left: nothing after it is a normal write. */
  let over = false;
  let cancelled = false;
  let reportedLateWrite = false;
  /** Inside our own `end`: Bun's `end` may write the head itself, which is not a separate stream start. */
  let ending = false;

  const commit = (body: "stream" | "whole" | "none") => {
    if (committed) return;
    committed = true;
    tracker.response(ctx, res.statusCode, headersOf(res), body);
  };

  const replace = (target: object, name: string, make: (original: Method) => Method) => {
    const original = Reflect.get(target, name) as Method;
    if (typeof original !== "function") return;
    Reflect.set(target, name, make(original));
  };

  // Bun's node:http sends the head at writeHead (Bun 1.4: `headersSent` is true right after it).
  replace(
    res,
    "writeHead",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const result = Reflect.apply(original, this, args);
        if (!ending) commit("stream");
        return result;
      },
  );
  replace(
    res,
    "flushHeaders",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        commit("stream");
        return Reflect.apply(original, this, args);
      },
  );
  replace(
    res,
    "write",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const [chunk, encoding] = args;
        if (cancelled || res.destroyed) {
          if (!reportedLateWrite) {
            reportedLateWrite = true;
            tracker.writeAfterCancel(ctx, "res-write", callerLine());
          }
        } else if (!over) {
          commit("stream");
          const written = chunkOf(chunk, encoding);
          if (!tracker.countWrite(ctx, written)) {
            const t = tracker.now();
            tracker.write(ctx, written, "res-write", { t, line: ctx.gate.folding(t) ? undefined : callerLine() });
          }
        }
        return Reflect.apply(original, this, args);
      },
  );
  replace(
    res,
    "end",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const [first, encoding] = args;
        const chunk = typeof first === "function" ? undefined : chunkOf(first, encoding);
        if (!over && !cancelled && !res.destroyed) {
          over = true;
          if (!committed) {
            commit(isEmpty(chunk) ? "none" : "whole");
            tracker.whole(ctx, isEmpty(chunk) ? undefined : chunk);
          } else {
            if (!isEmpty(chunk)) tracker.write(ctx, chunk, "res-write", { line: callerLine() });
            tracker.end(ctx);
          }
        }
        ending = true;
        try {
          return Reflect.apply(original, this, args);
        } finally {
          ending = false;
        }
      },
  );

  const clientLeft = () => {
    if (over) return;
    over = true;
    cancelled = true;
    tracker.cancel(ctx, "the client went away; node:http closed the response before it ended");
  };
  // Registered before the handler runs, so the cancel is on the timeline before any cleanup of the snippet's.
  req.once("aborted", clientLeft);
  res.once("close", clientLeft);
  req.once("close", () => {
    if (!res.writableFinished && res.destroyed) clientLeft();
  });

  const cleanup = { ctx, clientLeft: () => cancelled, ran: () => tracker.cleanedUp(ctx, "close-listener") };
  followCleanupListeners(req, cleanup);
  followCleanupListeners(res, cleanup);
}

interface CleanupFollow {
  /** The request the listeners belong to; they run in its context, so their logs and timers are its. */
  ctx: RequestContext;
  clientLeft: () => boolean;
  ran: () => void;
}

/**
 * Wraps the `close`/`aborted` listeners the snippet itself adds to `emitter` (not those a library
 * adds for its own bookkeeping), so the ones that run after the client left show as cleanup.
 */
function followCleanupListeners(emitter: NodeJS.EventEmitter, { ctx, clientLeft, ran }: CleanupFollow): void {
  const wrappers = new WeakMap<Listener, Listener>();
  for (const name of listenerMethods) {
    const original = emitter[name] as unknown as Method;
    Reflect.set(emitter, name, function (this: unknown, event: string | symbol, listener: Listener) {
      if (!cleanupEvents.has(event) || typeof listener !== "function" || !calledBySnippet()) {
        return Reflect.apply(original, this, [event, listener]);
      }
      let wrapper = wrappers.get(listener);
      if (!wrapper) {
        wrapper = function (this: unknown, ...args: unknown[]) {
          const left = clientLeft();
          try {
            return requestStorage.run(ctx, () => Reflect.apply(listener, this, args));
          } finally {
            if (left) ran();
          }
        };
        wrappers.set(listener, wrapper);
      }
      return Reflect.apply(original, this, [event, wrapper]);
    });
  }
  for (const name of removeMethods) {
    const original = emitter[name] as unknown as Method;
    Reflect.set(emitter, name, function (this: unknown, event: string | symbol, listener: Listener) {
      return Reflect.apply(original, this, [event, wrappers.get(listener) ?? listener]);
    });
  }
}
