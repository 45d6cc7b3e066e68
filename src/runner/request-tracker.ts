/**
 * The life of every request the runner serves, from `request` to the moment nothing it started is
 * still running: writes, end, errors, abort, cancel, cleanup, and what leaked.
 *
 * A request is "finished" when its body ended, failed or was cancelled. It is "settled" when, on top
 * of that, every cleanup it started has completed (or the grace period ran out and the cleanup was
 * reported as leaked) and its timers were checked.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { createFloodGate, type Fold, type FloodGate, chunkBytes, chunkPreview } from "../shared/index.ts";
import { nativeClearTimeout, nativeSetTimeout } from "./native-globals.ts";
import {
  requestEnd,
  type CleanupVia,
  type EndCause,
  type FoldableKind,
  type IdleTimeoutSource,
  type LeakKind,
  type RunnerProducedEvent,
  type ServerEvent,
  type WriteVia,
} from "../contract/index.ts";
import { snippetPosition } from "./snippet-paths.ts";
import type { StreamPitfalls } from "./stream-pitfalls.ts";

/** A timer created while serving a request. */
export interface TrackedTimer {
  kind: "interval" | "timeout";
  line: number | undefined;
  createdAt: number;
  delayMs: number;
}

/** Everything the runner knows about one request in flight. */
export interface RequestContext {
  readonly requestId: number;
  readonly lane: number;
  readonly version: number;
  readonly startedAt: number;
  abortedAt: number | undefined;
  /** Why the request's signal aborted, once it did. */
  abortCause?: EndCause;
  /** The idle timeout Bun applies to this request's connection (0: none). */
  idleTimeout: { seconds: number; source: IdleTimeoutSource };
  /** When the response last put something on the wire (its head or a write), for telling an idle timeout. */
  lastActivityAt: number;
  writes: number;
  bytes: number;
  /** Whether the pitfalls watch reads the text of this request's writes; unknown until the first write. */
  textRead?: boolean;
  /** Timers created under this request and still alive. */
  readonly timers: Set<TrackedTimer>;
  /** Cleanups started and not yet completed or reported as leaked. */
  pendingCleanups: number;
  /** Set once the body was cancelled. */
  cancelled?: boolean;
  /** Set once a cleanup was recorded. */
  cleanedUp?: boolean;
  /** Set once a timer created after the client left was reported: one report tells the story. */
  reportedLateTimer?: boolean;
  /** Settling waits once for the timeouts pending when the client left: `waiting` while it does, then `waited`. */
  timeoutWait?: "waiting" | "waited";
  phase: "handling" | "streaming" | "finished" | "settled";
  readonly gate: FloodGate;
  /** Flood control for the handler's writes upstream of the wire (see `RequestTracker.upstreamWrite`), made when first needed. */
  upstreamGate?: FloodGate;
  /**
   * Counts the writes a body holds in a tally of its own under a flood (`instrument-body.ts`):
   * called before the request's folds are recorded, so none is left out of them.
   */
  countTallied?: (() => void) | undefined;
  /** Records a fold the gate closed: made once per request, not once per write. */
  readonly onFold: (fold: Fold) => void;
  /**
   * Runs `fn` in this request's context (`requestStorage`) and no other store, as the handler's own
   * code runs. Made once per request: on a path taken per chunk it costs less than `requestStorage.run`,
   * which builds the context anew on every call.
   */
  readonly enter: <R>(fn: () => R) => R;
  /**
   * Set once the request was upgraded to a WebSocket: it lasts until the socket closes, and Bun's abort at the close is
   * not the client leaving mid-request.
   */
  websocket?: boolean;
}

/** When a write happened and what is known of it. */
export interface WriteAt {
  /** When the body produced it; now when left out. */
  t?: number | undefined;
  /** How long the previous write waited for the client to drain. */
  waitedMs?: number | undefined;
  /** The snippet line whose call made it. */
  line?: number | undefined;
}

/** Which request the code running now belongs to. */
export const requestStorage = new AsyncLocalStorage<RequestContext>();

export interface RequestTrackerOptions {
  now: () => number;
  emit: (event: RunnerProducedEvent) => void;
  /** How long a started cleanup may take before it is reported as leaked. */
  cleanupGraceMs: number;
  /** The idle timeout of the server's connections, in seconds (Bun's default: 10). */
  idleTimeoutS?: number | undefined;
  /** Told of each request as it begins, before its handler runs. */
  onRequest?: (request: { requestId: number; lane: number; method: string; path: string; version: number }) => void;
  /** Told of each response, write, idle timeout and write after close, to tell the surprises among them. */
  pitfalls?: StreamPitfalls | undefined;
}

/** Distributes `Omit` over a union, so each event keeps its own fields. */
export type WithoutCommon<E> = E extends ServerEvent ? Omit<E, "t" | "lane" | "side" | "requestId" | "version"> : never;

/**
 * Bun closes idle connections on a sweep every 4 s (Bun 1.4.5): a limit of L seconds runs out at
 * the ceil(L / 4)th sweep after the last write, so a quiet connection is closed from
 * (ceil(L / 4) − 1) × 4 s to ceil(L / 4) × 4 s after it, wherever the sweep happens to fall
 * (measured, twelve quiet streams each, their starts spread over a sweep: a 2 s limit closed them
 * 0.01–3.69 s after their last write, 8 s 4.03–7.67 s, 10 s 8.03–11.70 s).
 */
export const idleSweepSeconds = 4;
const idleSweepMs = idleSweepSeconds * 1_000;

/** True when a limit is so short that Bun's next sweep ends a stream whatever it writes. */
export const idleLimitBelowSweep = (seconds: number) => seconds <= idleSweepSeconds;
/** The sweep's own lateness and the moment the runner read its clock for the last write. */
const idleSlackMs = 100;

/**
 * Why a request's signal aborted at `at`: Bun's idle timeout when it had been quiet long enough for
 * a sweep to close it (above), otherwise the client leaving. Under a limit of 4 s or less a sweep
 * may close a stream any time after its last write, so such an abort counts as Bun's. Where the
 * client's own disconnect is on the timeline too, the end story (`src/supervisor/end-story.ts`)
 * has the last word.
 */
export function abortCauseOf(ctx: Pick<RequestContext, "idleTimeout" | "lastActivityAt">, at: number): EndCause {
  const { seconds } = ctx.idleTimeout;
  if (seconds <= 0) return "client-left";
  const earliestMs = (Math.ceil(seconds / idleSweepSeconds) - 1) * idleSweepMs - idleSlackMs;
  return at - ctx.lastActivityAt >= earliestMs ? "idle-timeout" : "client-left";
}

/** What the timeline says about an idle timeout: what happened, and the cures. */
export function idleTimeoutDetail(idle: { seconds: number; source: IdleTimeoutSource }, quietMs: number): string {
  const limit =
    idle.source === "request"
      ? `server.timeout(req, ${idle.seconds})`
      : idle.source === "server"
        ? `the server's idleTimeout of ${idle.seconds} s`
        : `Bun's default idleTimeout of ${idle.seconds} s`;
  return `Bun's idle timeout closed the connection: nothing was written for ${(quietMs / 1_000).toFixed(1)} s (${limit}). The client did not leave. Fix: ${idleTimeoutCure(idle.seconds)}`;
}

/**
 * What keeps a stream open under a limit. At 4 s or less no write does: Bun's next sweep ends the
 * stream whatever it wrote (Bun 1.4.5, measured: a 2 s limit cut streams writing every second).
 */
function idleTimeoutCure(seconds: number): string {
  return idleLimitBelowSweep(seconds)
    ? `a limit of ${seconds} s ends a stream at Bun's next idle sweep (every ${idleSweepSeconds} s) whatever it writes: raise it above ${idleSweepSeconds} s and write a comment line (": ping") and a blank line more often than that, or call server.timeout(req, 0) for this request`
    : `write a comment line (": ping") and a blank line every few seconds, or call server.timeout(req, 0) for this request`;
}

/**
 * A cancel's reason, told as what it was when the client did not leave: Bun's idle timeout closed
 * the connection, or the server was stopped. The body's own words ("the client went away; Bun
 * called return() on the body") assume a client leaving.
 */
function cancelReason(cause: EndCause | undefined, reason: string): string {
  if (cause !== "idle-timeout" && cause !== "server-stopped") return reason;
  const closed = cause === "idle-timeout" ? "Bun's idle timeout closed the connection" : "the server was stopped";
  if (reason.startsWith("the client went away")) return closed + reason.slice("the client went away".length);
  return reason === "" || reason === "undefined" ? closed : `${closed} (${reason})`;
}

/** A request's end cause as told beside its cleanup or an unsent write: only when the client did not leave. */
function causeBesideEnd(cause: EndCause | undefined): Exclude<EndCause, "client-left"> | undefined {
  return cause === "client-left" ? undefined : cause;
}

/** Time after a body finishes for synchronous and abort-driven cleanup to run before timers are checked. */
const settleMs = 100;

/** Every request the runner serves, from its arrival until nothing it started is still running. */
/** A request as it arrives, before its handler runs. */
export interface BeginRequest {
  method: string;
  /** Path and query. */
  path: string;
  lane: number;
  version: number;
  signal: AbortSignal;
  /** The address of an outside client (see `RequestEvent.from`). */
  from?: string | undefined;
}

export interface RequestTracker {
  /** The clock events are stamped with (the host's). */
  readonly now: () => number;
  /** A request arrived. */
  begin(request: BeginRequest): RequestContext;
  /** The handler returned its response. */
  response(
    ctx: RequestContext,
    status: number,
    headers: Record<string, string>,
    body: "stream" | "whole" | "none",
  ): void;
  /**
   * Records an event of `ctx` (a WebSocket's events name the version whose handler ran, which may be newer than the
   * request's).
   */
  record(ctx: RequestContext, fields: WithoutCommon<ServerEvent>, t?: number, version?: number): void;
  /** Records what flood control folded of `ctx`'s events of kind `of`. */
  fold(ctx: RequestContext, fold: Fold, of: FoldableKind): void;
  /** The request became a WebSocket: it stays open until `closed`, whatever its handler returns. */
  upgraded(ctx: RequestContext): void;
  /**
   * The WebSocket closed at `t`: as for a client that left a stream, timers it started are given
   * their chance to finish and then reported as leaks, and any created later are reported as
   * still running after it ended.
   */
  closed(ctx: RequestContext, t?: number): void;
  /** The idle timeout Bun applies to this request from now on (`server.timeout(req, n)`, the server's `idleTimeout`). */
  setIdleTimeout(ctx: RequestContext, seconds: number, source: IdleTimeoutSource): void;
  /** The body produced a chunk (at `at.t`, now when left out). Hot path: keep it lean. */
  write(ctx: RequestContext, chunk: unknown, via: WriteVia, at?: WriteAt): void;
  /**
   * A write of the body under a flood, counted without a clock read, an event or a preview when the
   * request's gate can fold it untimed (`FloodGate.count`) and nothing reads its text; answers
   * false when it was not counted, and the caller records it with `write`.
   */
  countWrite(ctx: RequestContext, chunk: unknown): boolean;
  /** How many writes `countWrites` may count now without a time: 0 unless they would be folded (see `FloodGate.room`). */
  untimedRoom(ctx: RequestContext): number;
  /** Counts `writes` writes of `bytes` bytes in all, after `untimedRoom` said there was room for them. */
  countWrites(ctx: RequestContext, writes: number, bytes: number): void;
  /**
   * The handler wrote into its own stream, which the response's body reads through a transform:
   * recorded as `upstream`, not counted in the body's writes.
   */
  upstreamWrite(ctx: RequestContext, chunk: unknown, via: WriteVia, at?: WriteAt): void;
  /**
   * A generator body yielded after Bun called its `return()` (the client left while it was between
   * yields): recorded as `unsent`, not counted in the body's writes.
   */
  unsentWrite(ctx: RequestContext, chunk: unknown, via: WriteVia): void;
  /** A whole (non-streaming) body was sent. */
  whole(ctx: RequestContext, chunk: unknown): void;
  /** The body ended: what flood control still holds is recorded, then the `end`. */
  end(ctx: RequestContext): void;
  /**
   * What flood control still holds of each open request is recorded now, so the writes it counted
   * are on the timeline: the host asks for the timeline so far, or the runner is about to end.
   */
  flushFolds(): void;
  /**
   * The handler (`during: "handler"`) or the body (`"body"`, which finishes the request) threw; `readable` turns the
   * stack into what the timeline shows.
   */
  error(
    ctx: RequestContext,
    error: unknown,
    during: "handler" | "body",
    readable: (stack: string | undefined) => string | undefined,
  ): void;
  /** The body was cancelled (the client went away). */
  cancel(ctx: RequestContext, reason: unknown): void;
  /**
   * The user's cleanup code started; `done` settles when it has finished. If it does not within
   * the grace period, it is reported as a leak of `what` (created at `line`), and still recorded
   * as a cleanup when it does finish later.
   */
  cleanup(
    ctx: RequestContext,
    via: CleanupVia,
    done: Promise<unknown>,
    what: LeakKind,
    line: number | undefined,
    waitingFor: string,
  ): void;
  /**
   * Code the request started is still running after the client left (a direct stream's pull
   * loop): the request is not settled until `running` settles, or the grace period ends and
   * `onGrace` reports what it must.
   */
  holdUntil(ctx: RequestContext, running: Promise<unknown>, onGrace: () => void): void;
  /** A synchronous cleanup (an abort listener) just ran. */
  cleanedUp(ctx: RequestContext, via: CleanupVia): void;
  /**
   * A timer was created for a request after its client left and its body was cancelled: code
   * serving it is still running. Hono's documented `while (true) { writeSSE(); sleep() }` loop
   * goes on for ever, since its writes to the gone client fail quietly. Reported once per request.
   */
  timerCreated(ctx: RequestContext, timer: TrackedTimer): void;
  /** Writes after the client left: the write loop does not know it is talking to nobody. */
  writeAfterCancel(ctx: RequestContext, via: WriteVia, line: number | undefined): void;
  /** Resolves when every request has settled, or after `timeoutMs`, with how many are still open. */
  settled(timeoutMs: number): Promise<number>;
  /** How many requests have not settled yet. */
  readonly inFlight: number;
  /** How long a started cleanup may take before it is reported as leaked, from now on. */
  setCleanupGrace(ms: number): void;
  /**
   * The server is being stopped with requests open (`detail` says why): the aborts that follow are
   * told as the server stopping, not as their clients leaving.
   */
  serverStopping(detail: string): void;
}

export function createRequestTracker(options: RequestTrackerOptions): RequestTracker {
  const { now, emit, pitfalls } = options;
  const idleTimeoutS = options.idleTimeoutS ?? 10;
  let graceMs = options.cleanupGraceMs;
  let nextRequestId = 1;
  /** Set once the server is being stopped: why, for the aborts that follow. */
  let stoppedBecause: string | undefined;
  const open = new Set<RequestContext>();
  const settleWaiters = new Set<() => void>();

  /** What ended a request: its abort's cause, or the server stopping when Bun cancelled its body first. */
  function endOf(ctx: RequestContext): EndCause | undefined {
    return ctx.abortCause ?? (stoppedBecause === undefined ? undefined : "server-stopped");
  }

  function record(ctx: RequestContext, fields: WithoutCommon<ServerEvent>, t = now(), version = ctx.version): void {
    emit({ t, lane: ctx.lane, side: "server", requestId: ctx.requestId, version, ...fields } as ServerEvent);
  }

  function recordFold(ctx: RequestContext, fold: Fold, of: FoldableKind = "write", upstream = false): void {
    emit({
      ...(upstream ? { upstream: true as const } : {}),
      t: fold.until,
      lane: ctx.lane,
      side: "server",
      kind: "folded",
      requestId: ctx.requestId,
      of,
      count: fold.count,
      bytes: fold.bytes,
      since: fold.since,
    });
  }

  function leak(ctx: RequestContext, what: LeakKind, line: number | undefined, detail: string): void {
    record(ctx, { kind: "leak", what, line, detail });
  }

  function settle(ctx: RequestContext): void {
    // A cleanup may have started after the settle was scheduled (a cancel begins one right after).
    if (ctx.phase === "settled" || ctx.pendingCleanups > 0) return;
    if (waitForTimeouts(ctx)) return;
    const served = ctx.websocket
      ? "this WebSocket is still running after it closed"
      : "this request is still running after it ended";
    for (const timer of ctx.timers) {
      if (timer.kind === "interval") {
        leak(ctx, "interval", timer.line, `an interval (every ${timer.delayMs} ms) created while serving ${served}`);
      }
    }
    const timeouts = [...ctx.timers].filter((timer) => timer.kind === "timeout");
    ctx.phase = "settled";
    open.delete(ctx);
    if (timeouts.length > 0) {
      // A pending timeout may be a deliberate delayed task; call it a leak only if it outlives the grace period.
      nativeSetTimeout(() => {
        for (const timer of timeouts) {
          if (ctx.timers.has(timer)) {
            leak(
              ctx,
              "timeout",
              timer.line,
              `a timeout (${timer.delayMs} ms) created while serving this request is still pending ${Math.round(now() - timer.createdAt)} ms later`,
            );
          }
        }
      }, graceMs).unref();
    }
    if (open.size === 0) for (const wake of settleWaiters) wake();
  }

  /**
   * After the client left, a pending timeout may be the sleep of a loop that does not notice (it
   * creates the next one when it fires), and a live interval may write to the closed stream on its
   * next tick. Settling waits for the timeouts pending now and each interval's next tick, once,
   * within the grace period, so such code shows itself before the request counts as settled.
   */
  function waitForTimeouts(ctx: RequestContext): boolean {
    if (ctx.timeoutWait === "waiting") return true;
    if (ctx.abortedAt === undefined || ctx.timeoutWait === "waited") return false;
    const at = now();
    // (A WebSocket's intervals are its own business after it closed: they are reported as they are.)
    const due = [...ctx.timers]
      .filter((timer) => timer.kind === "timeout" || !ctx.websocket)
      .map((timer) =>
        timer.kind === "timeout"
          ? timer.createdAt + timer.delayMs
          : timer.createdAt +
            Math.max(1, Math.ceil((at - timer.createdAt) / Math.max(1, timer.delayMs))) * timer.delayMs,
      );
    if (due.length === 0) return false;
    ctx.timeoutWait = "waiting";
    const waitMs = Math.min(Math.max(...due) - now(), graceMs);
    // A little past the due time, so what the timeout's callback starts has run.
    nativeSetTimeout(() => {
      ctx.timeoutWait = "waited";
      settle(ctx);
    }, Math.max(0, waitMs) + settleMs).unref();
    return true;
  }

  function maybeSettle(ctx: RequestContext): void {
    if (ctx.phase !== "finished" || ctx.pendingCleanups > 0) return;
    nativeSetTimeout(() => settle(ctx), settleMs);
  }

  /** Keeps `ctx` unsettled until `done` settles (`onDone`) or the grace period ends (`onGrace`, once). */
  function hold(ctx: RequestContext, done: Promise<unknown>, onDone: () => void, onGrace: () => void): void {
    let late = false;
    ctx.pendingCleanups++;
    const grace = nativeSetTimeout(() => {
      late = true;
      onGrace();
      ctx.pendingCleanups--;
      maybeSettle(ctx);
    }, graceMs);
    grace.unref();
    const completed = () => {
      onDone();
      if (late) return;
      nativeClearTimeout(grace);
      ctx.pendingCleanups--;
      maybeSettle(ctx);
    };
    // Code that throws still finished; the error itself is reported by whoever awaited it.
    done.then(completed, completed);
  }

  /** The request's body is done (finished), and perhaps its cleanups too (settled). */
  const isOver = (ctx: RequestContext) => ctx.phase === "finished" || ctx.phase === "settled";

  /** Records what flood control still holds of a request's writes (and of its upstream writes). */
  function recordHeldFolds(ctx: RequestContext): void {
    ctx.countTallied?.();
    const fold = ctx.gate.flush();
    if (fold) recordFold(ctx, fold);
    const upstream = ctx.upstreamGate?.flush();
    if (upstream) recordFold(ctx, upstream, "write", true);
  }

  function finish(ctx: RequestContext): void {
    if (isOver(ctx)) return;
    recordHeldFolds(ctx);
    ctx.phase = "finished";
    maybeSettle(ctx);
  }

  return {
    now,

    begin({ method, path, lane, version, signal, from }: BeginRequest): RequestContext {
      const ctx: RequestContext = {
        requestId: nextRequestId++,
        lane,
        version,
        startedAt: now(),
        abortedAt: undefined,
        idleTimeout: { seconds: idleTimeoutS, source: "default" },
        lastActivityAt: 0,
        writes: 0,
        bytes: 0,
        timers: new Set(),
        pendingCleanups: 0,
        phase: "handling",
        gate: createFloodGate(),
        onFold: (fold) => recordFold(ctx, fold),
        enter: (fn) => context(fn),
      };
      // Taken where Bun calls the server, whose context holds nothing else.
      const context = requestStorage.run(ctx, AsyncLocalStorage.snapshot);
      ctx.lastActivityAt = ctx.startedAt;
      open.add(ctx);
      options.onRequest?.({ requestId: ctx.requestId, lane, method, path, version });
      record(ctx, { kind: "request", method, path, ...(from !== undefined && { from }) }, ctx.startedAt);
      signal.addEventListener(
        "abort",
        () => {
          // Bun aborts an upgraded request's signal when its socket closes; the close is recorded instead.
          if (ctx.websocket) return;
          const at = now();
          ctx.abortedAt = at;
          ctx.abortCause = stoppedBecause === undefined ? abortCauseOf(ctx, at) : "server-stopped";
          if (ctx.abortCause === "server-stopped") {
            record(ctx, { kind: "abort", cause: "server-stopped", detail: stoppedBecause }, at);
          } else if (ctx.abortCause === "idle-timeout") {
            const quietMs = at - ctx.lastActivityAt;
            record(
              ctx,
              {
                kind: "abort",
                cause: "idle-timeout",
                detail: idleTimeoutDetail(ctx.idleTimeout, quietMs),
                idleTimeout: { ...ctx.idleTimeout },
                quietMs,
              },
              at,
            );
            pitfalls?.idleTimeout(ctx, quietMs, ctx.idleTimeout.seconds);
          } else record(ctx, { kind: "abort", cause: "client-left" }, at);
          if (ctx.phase === "handling") {
            // The client left before the handler returned: the handler may still be running.
            ctx.pendingCleanups++;
            nativeSetTimeout(() => {
              ctx.pendingCleanups--;
              if (ctx.phase === "handling") {
                leak(
                  ctx,
                  "handler",
                  undefined,
                  `the handler had not returned a response ${graceMs} ms after ${requestEnd(endOf(ctx))}`,
                );
                ctx.phase = "finished";
              }
              maybeSettle(ctx);
            }, graceMs).unref();
          }
        },
        { once: true },
      );
      return ctx;
    },

    response(
      ctx: RequestContext,
      status: number,
      headers: Record<string, string>,
      body: "stream" | "whole" | "none",
    ): void {
      ctx.lastActivityAt = now();
      record(ctx, { kind: "response", status, headers, body }, ctx.lastActivityAt);
      pitfalls?.response(ctx, headers);
      if (body === "stream") {
        if (ctx.phase === "handling") ctx.phase = "streaming";
      }
    },

    record,

    fold(ctx: RequestContext, fold: Fold, of: FoldableKind): void {
      recordFold(ctx, fold, of);
    },

    upgraded(ctx: RequestContext): void {
      ctx.websocket = true;
      if (ctx.phase === "handling") ctx.phase = "streaming";
    },

    closed(ctx: RequestContext, t = now()): void {
      ctx.abortedAt ??= t;
      finish(ctx);
    },

    setIdleTimeout(ctx: RequestContext, seconds: number, source: IdleTimeoutSource): void {
      ctx.idleTimeout = { seconds, source };
    },

    write(ctx: RequestContext, chunk: unknown, via: WriteVia, at?: WriteAt): void {
      const t = at?.t ?? now();
      const bytes = chunkBytes(chunk);
      ctx.lastActivityAt = t;
      ctx.writes++;
      ctx.bytes += bytes;
      if (ctx.gate.admit(t, bytes, ctx.onFold)) {
        record(ctx, { kind: "write", bytes, ...chunkPreview(chunk), via, waitedMs: at?.waitedMs, line: at?.line }, t);
      }
      ctx.textRead = pitfalls?.write(ctx, chunk, at?.line) ?? false;
    },

    countWrite(ctx: RequestContext, chunk: unknown): boolean {
      if (ctx.textRead !== false) return false;
      const bytes = chunkBytes(chunk);
      if (!ctx.gate.count(bytes)) return false;
      ctx.writes++;
      ctx.bytes += bytes;
      return true;
    },

    untimedRoom(ctx: RequestContext): number {
      return ctx.textRead === false ? ctx.gate.room() : 0;
    },

    countWrites(ctx: RequestContext, writes: number, bytes: number): void {
      ctx.gate.countMany(writes, bytes);
      ctx.writes += writes;
      ctx.bytes += bytes;
    },

    upstreamWrite(ctx: RequestContext, chunk: unknown, via: WriteVia, at?: WriteAt): void {
      const t = at?.t ?? now();
      ctx.upstreamGate ??= createFloodGate();
      const bytes = chunkBytes(chunk);
      if (ctx.upstreamGate.admit(t, bytes, (fold) => recordFold(ctx, fold, "write", true)))
        record(ctx, { kind: "write", bytes, ...chunkPreview(chunk), via, line: at?.line, upstream: true }, t);
    },

    unsentWrite(ctx: RequestContext, chunk: unknown, via: WriteVia): void {
      record(ctx, {
        kind: "write",
        bytes: chunkBytes(chunk),
        ...chunkPreview(chunk),
        via,
        unsent: true,
        cause: causeBesideEnd(endOf(ctx)),
      });
    },

    whole(ctx: RequestContext, chunk: unknown): void {
      if (chunk !== null && chunk !== undefined) this.write(ctx, chunk, "body");
      record(ctx, { kind: "end", writes: ctx.writes, bytes: ctx.bytes });
      finish(ctx);
    },

    end(ctx: RequestContext): void {
      if (isOver(ctx)) return;
      const fold = ctx.gate.flush();
      if (fold) recordFold(ctx, fold);
      record(ctx, { kind: "end", writes: ctx.writes, bytes: ctx.bytes });
      finish(ctx);
    },

    flushFolds(): void {
      for (const ctx of open) if (!isOver(ctx)) recordHeldFolds(ctx);
    },

    error(
      ctx: RequestContext,
      error: unknown,
      during: "handler" | "body",
      readable: (stack: string | undefined) => string | undefined,
    ): void {
      const err = error instanceof Error ? error : new Error(String(error));
      const position = snippetPosition(err.stack);
      record(ctx, {
        kind: "error",
        message: err.message,
        line: position?.line,
        column: position?.column,
        stack: readable(err.stack),
        during,
      });
      if (during === "body") finish(ctx);
    },

    cancel(ctx: RequestContext, reason: unknown): void {
      // A body cancelled through a pipe is cancelled once more at its source: one cancel tells it.
      if (ctx.cancelled) return;
      ctx.cancelled = true;
      const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason ?? "");
      record(ctx, { kind: "cancel", reason: cancelReason(endOf(ctx), text) });
      finish(ctx);
    },

    // Typed by `RequestTracker`'s declaration, which names each parameter.
    cleanup(ctx, via, done, what, line, waitingFor) {
      const from = ctx.abortedAt ?? now();
      hold(
        ctx,
        done,
        () => {
          ctx.cleanedUp = true;
          record(ctx, { kind: "cleanup", afterMs: now() - from, via, cause: causeBesideEnd(endOf(ctx)) });
        },
        () => leak(ctx, what, line, `${waitingFor} has not finished ${graceMs} ms after ${requestEnd(endOf(ctx))}`),
      );
    },

    holdUntil(ctx: RequestContext, running: Promise<unknown>, onGrace: () => void): void {
      hold(ctx, running, () => {}, onGrace);
    },

    cleanedUp(ctx: RequestContext, via: CleanupVia): void {
      ctx.cleanedUp = true;
      record(ctx, {
        kind: "cleanup",
        afterMs: now() - (ctx.abortedAt ?? now()),
        via,
        cause: causeBesideEnd(endOf(ctx)),
      });
    },

    timerCreated(ctx: RequestContext, timer: TrackedTimer): void {
      if (ctx.abortedAt === undefined || ctx.reportedLateTimer || !isOver(ctx)) return;
      ctx.reportedLateTimer = true;
      const what =
        timer.kind === "interval" ? `an interval (every ${timer.delayMs} ms)` : `a timeout (${timer.delayMs} ms)`;
      leak(
        ctx,
        timer.kind,
        timer.line,
        `${what} was created ${Math.round(now() - ctx.abortedAt)} ms after ${requestEnd(endOf(ctx))}: code serving this request is still running (a loop that does not check whether the client is gone?)`,
      );
    },

    writeAfterCancel(ctx: RequestContext, via: WriteVia, line: number | undefined): void {
      const consequence =
        via === "write"
          ? "write() returns 0 and the loop goes on"
          : via === "res-write"
            ? "res.write() returns false and the bytes go nowhere"
            : "enqueue() throws on a cancelled stream";
      leak(ctx, "stream", line, `the stream keeps writing after ${requestEnd(endOf(ctx))} (${consequence})`);
      pitfalls?.writeAfterClose(ctx, line, requestEnd(endOf(ctx)));
    },

    settled(timeoutMs: number): Promise<number> {
      if (open.size === 0) return Promise.resolve(0);
      const { promise, resolve } = Promise.withResolvers<number>();
      const wake = () => {
        settleWaiters.delete(wake);
        nativeClearTimeout(timer);
        resolve(open.size);
      };
      const timer = nativeSetTimeout(wake, timeoutMs);
      settleWaiters.add(wake);
      return promise;
    },

    get inFlight(): number {
      return open.size;
    },

    serverStopping(detail: string): void {
      stoppedBecause = detail;
    },

    setCleanupGrace(ms: number): void {
      graceMs = ms;
    },
  };
}
