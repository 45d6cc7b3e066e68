/**
 * Sees every write a response body produces, without changing how Bun streams it.
 *
 * The runner replaces the global `Response` and `ReadableStream` with subclasses that wrap what
 * they are given: an async iterable body becomes a pass-through iterator (Bun still drives it and
 * still calls its `return()` on disconnect, so `finally` runs exactly when it would have), and a
 * ReadableStream source gets a controller that records `enqueue`/`write` and a `cancel` that
 * records when the user's cleanup returned. Both subclasses answer `instanceof` for native
 * instances too, so user code that checks types behaves as without the playground.
 */

import { NativeReadableStream, NativeResponse } from "./native-globals.ts";
import { requestStorage, type RequestContext, type RequestTracker } from "./request-tracker.ts";
import { callerLine } from "./snippet-paths.ts";

/** How a Response's body was followed, looked up by the fetch wrapper when the handler returns. */
export type BodyKind = { kind: "stream" } | { kind: "whole"; value: unknown } | { kind: "none" };

export interface BodyInstrumentation {
  /**
   * What kind of body a Response returned by a handler carries; undefined for a Response the
   * playground did not see being built (`Response.json()`, a proxied `fetch()`).
   */
  bodyOf(response: Response): BodyKind | undefined;
}

/** A ReadableStream source as user code writes it: default or `type: "direct"`. */
interface Source {
  type?: string | undefined;
  start?: ((controller: unknown) => unknown) | undefined;
  pull?: ((controller: unknown) => unknown) | undefined;
  cancel?: ((reason: unknown) => unknown) | undefined;
}

/** Longest run of body pulls without giving the event loop a turn. */
const maxBusyMs = 50;

export function installBodyInstrumentation(
  tracker: RequestTracker,
  readable: (stack: string | undefined) => string | undefined,
  warn: (line: number | undefined) => void,
): BodyInstrumentation {
  const bodies = new WeakMap<Response, BodyKind>();
  /** Streams the playground already follows, so a Response over one does not wrap it twice. */
  const followed = new WeakSet<object>();

  function followIterator(
    ctx: RequestContext,
    inner: AsyncIterator<unknown>,
    createdAt: number | undefined,
  ): AsyncIterableIterator<unknown> {
    /** Set once the body ended, failed or was cancelled: Bun calls return() after a normal end too. */
    let over = false;
    let lastYieldAt: number | undefined;
    let waitedMs: number | undefined;
    let lastPauseAt = tracker.now();
    // Made once per stream, not per chunk: this is the hot path of every generator body.
    const pull = () => requestStorage.run(ctx, () => inner.next());
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    const settled = (result: IteratorResult<unknown>) => {
      if (result.done) {
        over = true;
        tracker.end(ctx);
      } else {
        const t = tracker.now();
        tracker.write(ctx, result.value, "yield", waitedMs, t);
        lastYieldAt = t;
      }
      return result;
    };
    const failed = (error: unknown): never => {
      if (!over) tracker.error(ctx, error, "body", readable);
      over = true;
      throw error;
    };
    const wrapper: AsyncIterableIterator<unknown> = {
      [Symbol.asyncIterator]() {
        return wrapper;
      },
      next() {
        // While the stream's writes are being folded into counts, none of them is recorded with
        // its wait, so the last yield's time stands in for the clock: one clock read per chunk,
        // not two, on the path a flood takes.
        const folding = lastYieldAt !== undefined && ctx.gate.folding(lastYieldAt);
        const now = folding ? lastYieldAt! : tracker.now();
        // Bun pulls the next value once the previous one has drained to the socket: the gap is backpressure.
        waitedMs = lastYieldAt === undefined || folding ? undefined : now - lastYieldAt;
        // Bun 1.4 feeds a fast body to the socket without returning to the event loop, which would
        // starve timers (the snippet's, and the runner's heartbeat). Let the loop turn now and then.
        if (now - lastPauseAt >= maxBusyMs) {
          lastPauseAt = now;
          return pause().then(pull).then(settled, failed);
        }
        return pull().then(settled, failed);
      },
      return(value?: unknown) {
        if (over)
          return typeof inner.return === "function" ? inner.return(value) : Promise.resolve({ done: true, value });
        over = true;
        tracker.cancel(ctx, "the client went away; Bun called return() on the body");
        if (typeof inner.return !== "function") return Promise.resolve({ done: true, value });
        const done = requestStorage.run(ctx, () => inner.return!(value));
        tracker.cleanup(
          ctx,
          "generator-finally",
          done,
          "generator",
          createdAt,
          "the generator's finally (it runs when the generator next resumes)",
        );
        return done;
      },
    };
    return wrapper;
  }

  function followForeignStream(ctx: RequestContext, stream: ReadableStream<unknown>): AsyncIterableIterator<unknown> {
    const reader = stream.getReader();
    let over = false;
    const wrapper: AsyncIterableIterator<unknown> = {
      [Symbol.asyncIterator]() {
        return wrapper;
      },
      async next() {
        const result = await reader.read();
        if (result.done) {
          over = true;
          tracker.end(ctx);
          return { done: true, value: undefined };
        }
        tracker.write(ctx, result.value, "pipe");
        return { done: false, value: result.value };
      },
      async return() {
        if (!over) {
          over = true;
          tracker.cancel(ctx, "the client went away");
          await reader.cancel();
        }
        return { done: true, value: undefined };
      },
    };
    return wrapper;
  }

  /** Wraps a ReadableStream source so its writes and cancel are recorded against `ctx`. */
  function followSource(ctx: RequestContext, source: Source): Source {
    let cancelled = false;
    let reportedLateWrite = false;
    /** The pull() under way, for a direct stream: its loop may outlive the client. */
    let pulling: Promise<unknown> | undefined;
    const createdAt = callerLine();
    const isDirect = source.type === "direct";
    const via = isDirect ? "write" : "enqueue";
    const wrapController = (controller: Record<string, unknown> & object): object => {
      const method = isDirect ? "write" : "enqueue";
      const original = controller[method];
      if (typeof original !== "function") return controller;
      const recordingWrite = (chunk: unknown) => {
        if (cancelled) {
          if (!reportedLateWrite) {
            reportedLateWrite = true;
            // A callback in tail position leaves no frame of its own (JSC tail calls): fall back to the stream's line.
            tracker.writeAfterCancel(ctx, via, callerLine() ?? createdAt);
          }
        } else {
          tracker.write(ctx, chunk, via);
        }
        return Reflect.apply(original, controller, [chunk]);
      };
      return new Proxy(controller, {
        get(target, key) {
          if (key === method) return recordingWrite;
          if (!isDirect && key === "close") {
            return () => {
              tracker.end(ctx);
              return (target as unknown as ReadableStreamDefaultController).close();
            };
          }
          if (isDirect && (key === "end" || key === "close")) {
            return (...args: unknown[]) => {
              if (!cancelled) tracker.end(ctx);
              return Reflect.apply(Reflect.get(target, key) as (...a: unknown[]) => unknown, target, args);
            };
          }
          if (!isDirect && key === "error") {
            return (reason: unknown) => {
              tracker.error(ctx, reason, "body", readable);
              return (target as unknown as ReadableStreamDefaultController).error(reason);
            };
          }
          const value: unknown = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    // After a cancel the stream is gone and Bun drops what its source throws (a pull that closes
    // the controller again, as Hono's streaming helpers do): it is not an error the client sees.
    const failed = (error: unknown) => {
      if (!cancelled) tracker.error(ctx, error, "body", readable);
    };
    const call = (fn: ((controller: unknown) => unknown) | undefined, controller: object) => {
      if (!fn) return undefined;
      return requestStorage.run(ctx, () => {
        try {
          const result = fn.call(source, wrapController(controller as Record<string, unknown>));
          if (result instanceof Promise) {
            return result.catch((error: unknown) => {
              failed(error);
              throw error;
            });
          }
          return result;
        } catch (error) {
          failed(error);
          throw error;
        }
      });
    };
    const wrapped: Source = {
      type: source.type,
      start: source.start ? (controller: unknown) => call(source.start, controller as object) : undefined,
      pull: source.pull
        ? (controller: unknown) => {
            const result = call(source.pull, controller as object);
            if (isDirect && result instanceof Promise) {
              pulling = result;
              const clear = () => {
                if (pulling === result) pulling = undefined;
              };
              result.then(clear, clear);
            }
            return result;
          }
        : undefined,
      cancel: (reason: unknown) => {
        cancelled = true;
        tracker.cancel(ctx, reason);
        if (pulling) {
          tracker.holdUntil(ctx, pulling, () => {
            if (!reportedLateWrite) tracker.writeAfterCancel(ctx, via, createdAt);
            reportedLateWrite = true;
          });
        }
        if (!source.cancel) return undefined;
        const done = requestStorage.run(ctx, async () => source.cancel!.call(source, reason));
        tracker.cleanup(ctx, "stream-cancel", done, "stream", createdAt, "the stream's cancel()");
        return done;
      },
    };
    return wrapped;
  }

  class PlaygroundReadableStream<R = unknown> extends NativeReadableStream<R> {
    constructor(source?: Bun.UnderlyingSource<R> | null, strategy?: QueuingStrategy<R>) {
      const ctx = requestStorage.getStore();
      const follow = ctx !== undefined && source !== null && typeof source === "object";
      // Direct sources are outside the standard typings; Bun's constructor takes both kinds.
      const given = (follow ? followSource(ctx, source as Source) : (source ?? undefined)) as
        | Bun.UnderlyingSource<R>
        | undefined;
      super(given, strategy);
      if (follow) followed.add(this);
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof NativeReadableStream;
    }
  }

  class PlaygroundResponse extends NativeResponse {
    constructor(body?: unknown, init?: ResponseInit) {
      const ctx = requestStorage.getStore();
      let kind: BodyKind = body === null || body === undefined ? { kind: "none" } : { kind: "whole", value: body };
      let actual = body;
      if (ctx && body !== null && typeof body === "object") {
        if (body instanceof NativeReadableStream) {
          kind = { kind: "stream" };
          if (!followed.has(body)) actual = followForeignStream(ctx, body);
        } else if (Symbol.asyncIterator in body) {
          kind = { kind: "stream" };
          const iterable = body as AsyncIterable<unknown>;
          actual = followIterator(ctx, iterable[Symbol.asyncIterator](), callerLine());
        }
      } else if (typeof body === "function") {
        if (Object.prototype.toString.call(body) === "[object AsyncGeneratorFunction]") {
          if (ctx) {
            kind = { kind: "stream" };
            actual = followIterator(ctx, (body as () => AsyncIterator<unknown>)(), callerLine());
          }
        } else {
          // Bun sends a plain function's source text as the body (Bun 1.4): almost never what was meant.
          warn(callerLine());
          if (ctx) kind = { kind: "whole", value: Function.prototype.toString.call(body) };
        }
      }
      super(actual as Bun.BodyInit, init);
      bodies.set(this, kind);
    }
    // A static route's Response is served as a copy per request: the copy has the same kind of body.
    override clone(): Response {
      // Node's typings, which Bun's extend, give `clone` undici's `Response`; it is Bun's.
      const copy = super.clone() as Response;
      const kind = bodies.get(this);
      if (kind && kind.kind !== "stream") bodies.set(copy, kind);
      return copy;
    }
    static override json(data: unknown, init?: ResponseInit | number): Response {
      const response = NativeResponse.json(data, init as ResponseInit);
      bodies.set(response, { kind: "whole", value: JSON.stringify(data) });
      return response;
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof NativeResponse;
    }
  }

  globalThis.ReadableStream = PlaygroundReadableStream as typeof ReadableStream;
  globalThis.Response = PlaygroundResponse as typeof Response;

  return {
    bodyOf(response: Response): BodyKind | undefined {
      return bodies.get(response);
    },
  };
}
