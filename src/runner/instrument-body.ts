/**
 * Sees every write a response body hands to the socket, without changing how Bun streams it.
 *
 * The runner replaces the global `Response` and `ReadableStream` with subclasses that wrap what
 * they are given: an async iterable body becomes a pass-through iterator (Bun still drives it and
 * still calls its `return()` on disconnect, so `finally` runs exactly when it would have), and a
 * ReadableStream source gets a controller that sees `enqueue`/`write` and a `cancel` that records
 * when the user's cleanup returned. Both subclasses answer `instanceof` for native instances too,
 * so user code that checks types behaves as without the playground.
 *
 * Only the body the handler finally returns is the response's: a source's writes count once it
 * is known to be that body (`body-writes.ts`). Any other body (a TransformStream's readable side,
 * a `CompressionStream`, a stream a library built around another one) is read through a tap when
 * the handler returns, and what the tap reads is what goes on the wire.
 */

import { chunkBytes } from "../shared/index.ts";
import { type BodyWrites, createBodyWrites } from "./body-writes.ts";
import { NativeReadableStream, NativeResponse } from "./native-globals.ts";
import { requestStorage, type RequestContext, type RequestTracker } from "./request-tracker.ts";
import { calledBySnippet, callerLine } from "./snippet-paths.ts";

/** What a Response's body is, as the playground saw it being built. */
type BodyKind =
  | { kind: "stream"; origin?: BodyWrites | undefined }
  | { kind: "whole"; value: unknown }
  | { kind: "none" };

/** A handler's response as it goes on the wire. */
export interface WireResponse {
  /** The Response to hand to Bun: the handler's own, or one around a tap on its body. */
  response: Response;
  body: "stream" | "whole" | "none";
  /** Records the body from here on; call it right after the response head is recorded. */
  start(): void;
}

export interface BodyInstrumentation {
  /**
   * Decides which body is this request's: the source that is the returned Response's body, or a
   * tap on it. Every other source the request built is a library's internal stream from now on.
   */
  toWire(ctx: RequestContext, response: Response): WireResponse;
  /** Whether `response` was built with a string body (whose content type Bun writes as it sends it). */
  hasTextBody(response: Response): boolean;
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

/** What a fulfilled step of an iterator gives: an object with `done`, own or inherited. */
function isIteratorResult(value: unknown): value is IteratorResult<unknown> {
  return typeof value === "object" && value !== null && "done" in value;
}

export function installBodyInstrumentation(
  tracker: RequestTracker,
  readable: (stack: string | undefined) => string | undefined,
  warn: (line: number | undefined) => void,
): BodyInstrumentation {
  const bodies = new WeakMap<Response, BodyKind>();
  /** The writes of each stream whose source the playground follows. */
  const followed = new WeakMap<object, BodyWrites>();

  /** The sources each request built that are not known yet to be its body or not. */
  const undecided = new WeakMap<RequestContext, Set<BodyWrites>>();

  /** The writes of a source `ctx` built: held until the handler returns, dropped if it is built after that. */
  function writesOf(ctx: RequestContext, snippetsOwn = false): BodyWrites {
    const writes = createBodyWrites({ tracker, ctx, readable, snippetsOwn });
    if (ctx.phase !== "handling") writes.discard();
    else {
      const sources = undecided.get(ctx) ?? new Set<BodyWrites>();
      undecided.set(ctx, sources);
      sources.add(writes);
    }
    return writes;
  }

  function followIterator(
    ctx: RequestContext,
    inner: AsyncIterator<unknown>,
    createdAt: number | undefined,
    writes: BodyWrites,
  ): AsyncIterableIterator<unknown> {
    /** Set once the body ended, failed or was cancelled: Bun calls return() after a normal end too. */
    let over = false;
    let lastYieldAt: number | undefined;
    let waitedMs: number | undefined;
    let lastPauseAt = tracker.now();
    /** What Bun hands the body's `next()`: its sink, which `yield` evaluates to in a generator. */
    let given: unknown;
    /** The same sink with its writes recorded: what the body is handed instead. */
    let handed: unknown;
    // Made once per stream, not per chunk: this is the hot path of every generator body.
    const step = () => inner.next(handed);
    const pull = () => ctx.enter(step);
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    /**
     * A step handed to Bun as the body's own promise, with no reaction of ours on it (under a
     * flood, see `next`): seen once Bun asks for the next step or calls `return()`, or when the
     * event loop next turns (`look`), whichever comes first.
     */
    let unobserved: Promise<IteratorResult<unknown>> | undefined;
    let looking = false;
    /**
     * Chunks seen under a flood and not yet counted: up to `room` of them (what the request's
     * flood gate would count one by one without a time) are added up here and counted together.
     */
    let tally = 0;
    let tallyBytes = 0;
    let room = 0;
    const countTally = () => {
      if (tally === 0) return;
      writes.countMany(tally, tallyBytes);
      tally = 0;
      tallyBytes = 0;
    };
    const settled = (result: IteratorResult<unknown>) => {
      countTally();
      if (over) {
        // Bun called return() while this step was under way (the client left mid-`await`): the
        // value the generator yields now settles a next() Bun gave up on, and never reaches the socket.
        if (!result.done) writes.unsent(result.value, "yield");
        return result;
      }
      if (result.done) {
        over = true;
        writes.end();
      } else if (!writes.count(result.value)) {
        const t = tracker.now();
        writes.write(result.value, "yield", { t, waitedMs });
        lastYieldAt = t;
      }
      return result;
    };
    const fail = (error: unknown) => {
      countTally();
      if (!over) tracker.error(ctx, error, "body", readable);
      over = true;
    };
    const failed = (error: unknown): never => {
      fail(error);
      throw error;
    };
    /** Sees a settled step that was not seen yet: a chunk goes into the tally while there is room. */
    const see = (step: Promise<IteratorResult<unknown>>) => {
      if (Bun.peek.status(step) === "rejected") {
        unobserved = undefined;
        fail(Bun.peek(step));
        return;
      }
      seeResult(Bun.peek(step) as IteratorResult<unknown>);
    };
    const seeResult = (result: IteratorResult<unknown>) => {
      unobserved = undefined;
      if (!result.done && !over) {
        if (tally === 0) {
          room = writes.room();
          ctx.countTallied = countTally;
        }
        if (tally < room) {
          tally++;
          tallyBytes += chunkBytes(result.value);
          if (tally === room) countTally();
          return;
        }
      }
      settled(result);
    };
    /**
     * Sees the step Bun took before, as Bun asks for the next one or calls `return()`: it has
     * settled by then, or it is seen by a reaction of its own (Bun never did that here). This is
     * the path every step of a flood takes, so it looks once: Bun asks for nothing after a step
     * that failed, and what it took is the step's result unless that is not one.
     */
    const seeTaken = () => {
      const step = unobserved;
      if (step === undefined) return;
      const taken: unknown = Bun.peek(step);
      if (taken === step) {
        unobserved = undefined;
        step.then(settled, fail);
      } else if (isIteratorResult(taken)) seeResult(taken);
      else see(step);
    };
    /**
     * The event loop turned with a step unseen: seen now if it settled, or else as soon as it does,
     * unless Bun takes it first (Bun's own reaction runs before ours, and may call `next()` or
     * `return()` at once: the step is seen there, in order).
     */
    const look = () => {
      looking = false;
      const step = unobserved;
      if (step === undefined) return;
      if (Bun.peek.status(step) !== "pending") see(step);
      else {
        const whenSettled = () => {
          if (unobserved === step) see(step);
        };
        step.then(whenSettled, whenSettled);
      }
    };
    /**
     * A step under a flood: Bun gets the body's own promise. A reaction on every step is what
     * seeing it would cost (in a bare server, a 1 KiB flood took ~20% more CPU with one), and a
     * folded write needs no time of its own. The step is seen when Bun asks for the next one, so
     * every chunk is counted; an end or a failure as the generator settles it without awaiting,
     * or else when Bun calls `return()` or the event loop next turns, whichever is first (Bun
     * calls neither `return()` nor anything else after a step that failed). A step still pending
     * when the loop turns is awaiting real work, and is seen by a reaction at its own time.
     */
    const unobservedStep = (): Promise<IteratorResult<unknown>> => {
      const next = pull();
      if (!(next instanceof Promise)) return Promise.resolve(next).then(settled, failed);
      unobserved = next;
      // Settled already (a generator that returned without awaiting): seen now, at its own time.
      if (Bun.peek(next) !== next) see(next);
      else if (!looking) {
        looking = true;
        setImmediate(look);
      }
      return next;
    };
    /**
     * Bun's sink, as the body may use it: `const sink = yield chunk` gives a generator the
     * response's sink, and what it writes there goes on the wire between two yields.
     */
    const recordingSink = (sink: unknown): unknown => {
      if (typeof sink !== "object" || sink === null) return sink;
      const write: unknown = Reflect.get(sink, "write");
      if (typeof write !== "function") return sink;
      const recordingWrite = (chunk: unknown) => {
        countTally();
        if (!over && !writes.count(chunk)) {
          const t = tracker.now();
          writes.write(chunk, "write", { t, line: ctx.gate.folding(t) ? undefined : callerLine() });
        }
        return Reflect.apply(write, sink, [chunk]);
      };
      return new Proxy(sink, {
        get(target, key) {
          if (key === "write") return recordingWrite;
          const value: unknown = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    const wrapper: AsyncIterableIterator<unknown> = {
      [Symbol.asyncIterator]() {
        return wrapper;
      },
      next(sink?: unknown) {
        if (sink !== given) {
          given = sink;
          handed = recordingSink(sink);
        }
        seeTaken();
        // A tally under way: the stream is folding still, and the pause below was looked at when it began.
        if (tally > 0) return unobservedStep();
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
        return folding ? unobservedStep() : pull().then(settled, failed);
      },
      return(value?: unknown) {
        seeTaken();
        countTally();
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

  /** Reads a body the playground did not see being written, chunk by chunk as Bun takes it for the socket. */
  function tapStream(ctx: RequestContext, stream: ReadableStream<unknown>): AsyncIterableIterator<unknown> {
    const reader = stream.getReader();
    let over = false;
    const wrapper: AsyncIterableIterator<unknown> = {
      [Symbol.asyncIterator]() {
        return wrapper;
      },
      async next() {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          if (!over) tracker.error(ctx, error, "body", readable);
          over = true;
          throw error;
        }
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
  function followSource(ctx: RequestContext, source: Source, writes: BodyWrites): Source {
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
        } else if (!writes.count(chunk)) {
          // The line costs a stack: not taken while the stream's writes are being folded into counts.
          const t = tracker.now();
          writes.write(chunk, via, { t, line: ctx.gate.folding(t) ? undefined : callerLine() });
        }
        return Reflect.apply(original, controller, [chunk]);
      };
      return new Proxy(controller, {
        get(target, key) {
          if (key === method) return recordingWrite;
          if (!isDirect && key === "close") {
            return () => {
              writes.end();
              return (target as unknown as ReadableStreamDefaultController).close();
            };
          }
          if (isDirect && (key === "end" || key === "close")) {
            return (...args: unknown[]) => {
              if (!cancelled) writes.end();
              return Reflect.apply(Reflect.get(target, key) as (...a: unknown[]) => unknown, target, args);
            };
          }
          if (!isDirect && key === "error") {
            return (reason: unknown) => {
              writes.error(reason);
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
      if (!cancelled) writes.error(error);
    };
    /** The controller Bun gave and its wrapper: pull() is called per chunk with the same controller. */
    let seen: { controller: object; wrapper: object } | undefined;
    const wrapperOf = (controller: object): object => {
      if (seen?.controller !== controller)
        seen = { controller, wrapper: wrapController(controller as Record<string, unknown>) };
      return seen.wrapper;
    };
    const call = (fn: ((controller: unknown) => unknown) | undefined, controller: object) => {
      if (!fn) return undefined;
      return ctx.enter(() => {
        try {
          const result = fn.call(source, wrapperOf(controller));
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
      // Whether the snippet itself wrote `new ReadableStream(...)`: asked here, where its frame is the caller.
      const writes =
        ctx !== undefined && source !== null && typeof source === "object"
          ? writesOf(ctx, calledBySnippet())
          : undefined;
      // Direct sources are outside the standard typings; Bun's constructor takes both kinds.
      const given = (ctx && writes ? followSource(ctx, source as Source, writes) : (source ?? undefined)) as
        | Bun.UnderlyingSource<R>
        | undefined;
      super(given, strategy);
      if (writes) followed.set(this, writes);
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
      if (body !== null && typeof body === "object") {
        if (body instanceof NativeReadableStream) {
          kind = { kind: "stream", origin: followed.get(body) };
        } else if (Symbol.asyncIterator in body) {
          kind = { kind: "stream" };
          if (ctx) {
            const origin = writesOf(ctx);
            const iterable = body as AsyncIterable<unknown>;
            actual = followIterator(ctx, iterable[Symbol.asyncIterator](), callerLine(), origin);
            kind = { kind: "stream", origin };
          }
        }
      } else if (typeof body === "function") {
        if (Object.prototype.toString.call(body) === "[object AsyncGeneratorFunction]") {
          if (ctx) {
            const origin = writesOf(ctx);
            actual = followIterator(ctx, (body as () => AsyncIterator<unknown>)(), callerLine(), origin);
            kind = { kind: "stream", origin };
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
    hasTextBody(response: Response): boolean {
      const kind = bodies.get(response);
      return kind?.kind === "whole" && typeof kind.value === "string";
    },

    toWire(ctx: RequestContext, response: Response): WireResponse {
      const kind = bodies.get(response);
      const sources = undecided.get(ctx);
      undecided.delete(ctx);
      const origin = kind?.kind === "stream" ? kind.origin : undefined;
      // The returned body is a source the handler built, not handed on yet: its own writes are the wire's.
      const onWire = origin !== undefined && !origin.decided ? origin : undefined;
      for (const source of sources ?? []) if (source !== onWire) source.discard();
      if (onWire) return { response, body: "stream", start: () => onWire.bindToWire() };
      if (kind?.kind === "whole" || kind?.kind === "none" || !response.body) {
        const value = kind?.kind === "whole" ? kind.value : undefined;
        return { response, body: value === undefined ? "none" : "whole", start: () => tracker.whole(ctx, value) };
      }
      // Any other body (a piped, compressed, fetched or re-wrapped stream): what Bun reads from it is the wire.
      const tapped = new NativeResponse(tapStream(ctx, response.body) as unknown as Bun.BodyInit, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      return { response: tapped, body: "stream", start: () => {} };
    },
  };
}
