/**
 * The timeline: one discriminated union of everything that happened, on the host's clock. What
 * `trace --json` prints, what the UI receives, and what the runner reports.
 */

import type { ClientBehaviour, ReadingEvent } from "./client-behaviour.ts";
import type { EventAt, ServerEventAt, Side } from "./event-at.ts";
import type { JsonLineEvent } from "./json-line-events.ts";
import type { ClientWebSocketEvent, ServerWebSocketEvent, WsHandlerName } from "./websocket-events.ts";

/** How a snippet declared its handler. */
export const snippetForms = [
  /** `export default function (req, server) {…}` or an arrow. */
  "default-function",
  /** `export default { fetch, routes, error }`, Bun's server-file convention. */
  "default-object",
  /** A top-level `Bun.serve({...})` call. */
  "bun-serve",
  /** A top-level `Deno.serve(...)` call. */
  "deno-serve",
  /**
   * `export default app` where `app` is a framework's app (Hono, Elysia, h3, itty-router): an object of its own class
   * with a `fetch` method, served as a fetch handler.
   */
  "default-app",
  /**
   * `Bun.serve` called by a library on the snippet's behalf at the top level: Elysia's `app.listen(port)`, h3's
   * `serve(app)`.
   */
  "library-serve",
  /**
   * A `node:http` server listening at the top level: `createServer(handler).listen(port)`, or a framework that makes
   * one (Express's `app.listen(port)`).
   */
  "node-http",
] as const;
export type SnippetForm = (typeof snippetForms)[number];

/** Something about a snippet worth telling its author that did not stop it from loading. */
export interface Notice {
  /** Plain-language explanation, one sentence or two. */
  message: string;
  /** 1-based line in the snippet's own source, when the notice is about a place. */
  line?: number | undefined;
  /** 1-based column in the snippet's own source. */
  column?: number | undefined;
}

/** Why a load failed. */
export const loadFailures = [
  /** The source does not parse. */
  "syntax",
  /** An import could not be resolved. */
  "module-not-found",
  /** The top-level code threw (or rejected). */
  "top-level-throw",
  /** The top-level code awaited something that did not settle in time. */
  "top-level-timeout",
  /** The module loaded, but declared no handler in any known form. */
  "no-handler",
  /** The module declared handlers Bun refused (`server.reload` threw: a route without a leading `/`, …). */
  "invalid-handler",
  /**
   * The runner went away or stopped answering while loading (top-level code that blocked the
   * event loop, called `process.exit`, or a load that was not answered in time); it was restarted.
   */
  "runner-lost",
] as const;
export type LoadFailure = (typeof loadFailures)[number];

/** Why the runner process was restarted. */
export const restartCauses = [
  /** The event loop stopped answering heartbeats (`while (true) {}` and the like). */
  "blocked",
  /** The runner kept its heartbeat but did not answer a request in time. */
  "unanswered",
  /** The snippet called `process.exit`. */
  "exit",
  /** The process died on its own (a crash or a signal). */
  "crash",
  /** Planned: the module registry had grown past its budget (or memory past its limit) and the runner was idle. */
  "recycle",
  /** Asked for (Restart server): whatever the snippet left running is ended, and the last good version serves again. */
  "requested",
] as const;
export type RestartCause = (typeof restartCauses)[number];

/** What kept running after the request it belonged to had ended. `handler`: the handler never returned. */
export const leakKinds = ["interval", "timeout", "generator", "stream", "handler"] as const;
export type LeakKind = (typeof leakKinds)[number];

/** How the user's cleanup code was reached. */
export const cleanupVias = [
  /** An async generator body's `finally` block completed. */
  "generator-finally",
  /** A ReadableStream source's `cancel()` returned (and its promise settled). */
  "stream-cancel",
  /** A listener the handler put on `req.signal` ran. */
  "abort-listener",
  /**
   * A `close` (or `aborted`) listener the handler put on a `node:http` request or response ran after the client left.
   */
  "close-listener",
  /**
   * The snippet cleared an interval or timeout its request had started, after the request was
   * aborted: cleanup reached some other way, such as h3's `onClosed` callback.
   */
  "timer-cleared",
] as const;
export type CleanupVia = (typeof cleanupVias)[number];

/** How a body write was produced. */
export const writeVias = [
  /** A value yielded by an async iterable body. */
  "yield",
  /** `controller.enqueue` on a ReadableStream. */
  "enqueue",
  /**
   * `controller.write` on a `type: "direct"` ReadableStream, or `sink.write` on the sink Bun hands an
   * async generator body back from `yield`.
   */
  "write",
  /** A whole non-streaming body (a string, bytes, a Blob). */
  "body",
  /** A chunk read from a stream the playground did not create (a piped or fetched body). */
  "pipe",
  /** `res.write(chunk)` or `res.end(chunk)` on a `node:http` response (Express's `res.send` ends up here too). */
  "res-write",
] as const;
export type WriteVia = (typeof writeVias)[number];

/**
 * Who ended a client's connection. `drop`: the client dropped it on purpose, as a broken network
 * would, by its lane's `dropAfterBytes` setting (see `ClientBehaviour`).
 */
export const disconnectBys = ["client", "server", "error", "drop"] as const;
export type DisconnectBy = (typeof disconnectBys)[number];

/**
 * Why a request ended before its body did, as the server side knows it. `client-left`: the client
 * closed the connection. `idle-timeout`: Bun closed it because nothing was written for the
 * request's idle timeout (the server's `idleTimeout`, 10 s by default, or `server.timeout(req, n)`);
 * the handler sees the same abort as when a client leaves. `runner-lost`: the runner process
 * serving it was killed or exited (and is being restarted). `server-stopped`: the server was
 * stopped while it was open (`serve` ended by Ctrl+C): Bun closed the connection, and the handler
 * saw the same abort as when a client leaves, so its cleanup runs as it would then.
 */
export const endCauses = ["client-left", "idle-timeout", "runner-lost", "server-stopped"] as const;
export type EndCause = (typeof endCauses)[number];

/** Where a request's idle timeout came from: the server's `idleTimeout` (or Bun's default), or `server.timeout(req, n)`. */
export const idleTimeoutSources = ["default", "server", "request"] as const;
export type IdleTimeoutSource = (typeof idleTimeoutSources)[number];

/**
 * The client kinds: `stream`, `eventsource` and `websocket` are the host's own clients;
 * `browser` is the page's own `EventSource`, reaching the runner through the host.
 */
export const clientKinds = ["stream", "eventsource", "browser", "websocket"] as const;
export type ClientKind = (typeof clientKinds)[number];

/** Log levels of captured console output; `stdout`/`stderr` are raw writes to the process streams. */
export const logLevels = ["log", "info", "warn", "error", "debug", "stdout", "stderr"] as const;
export type LogLevel = (typeof logLevels)[number];

/** What a response's body is: a stream the playground follows write by write, a whole value, or nothing. */
export const bodyKinds = ["stream", "whole", "none"] as const;
export type BodyKind = (typeof bodyKinds)[number];

/**
 * Where a server error was thrown: before the response began (the handler itself), mid-stream (the body), or in a
 * `websocket` handler.
 */
export const errorPhases = ["handler", "body", "websocket"] as const;
export type ErrorPhase = (typeof errorPhases)[number];

/**
 * Why an SSE block fired no event. The browser dispatches a block only when a blank line ends it
 * and it had a `data` field; every other block still does something, or nothing, worth seeing.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dispatchMessage
 */
export const sseNoEventReasons = [
  /**
   * The block had an `id` but no `data`: the last event id changed (for later events and `Last-Event-ID`), no event
   * fired.
   */
  "id-only",
  /** The block had fields but no `data` and no usable `id`: no event fired, and its `event` type was dropped. */
  "no-data",
  /** The stream ended before the blank line that ends the block: the browser dropped it, with its data, type and id. */
  "unfinished",
] as const;
export type SseNoEventReason = (typeof sseNoEventReasons)[number];

/**
 * Streaming surprises a run can show, each recognised where it happens and told with its cure (a
 * `pitfall` event, also a warning at the snippet's line). Never said of code that does not have
 * the problem.
 */
export const pitfallKinds = [
  /** A stream quiet for longer than its idle timeout was closed: Bun's 10 s here, a proxy's 30–100 s in production. */
  "idle-timeout",
  /** A `text/event-stream` response with a `Content-Encoding`: the compressor holds events back and lets them out in clumps. */
  "compressed-event-stream",
  /** An SSE block whose data goes on over lines without `data:` (pretty-printed JSON): the browser takes them for unknown fields. */
  "multi-line-data",
  /** The snippet wrote to a stream after its client had gone (`enqueue` on a closed controller). */
  "write-after-close",
  /** Several clients reconnected at one moment: a server that ends every stream at once, with one fixed `retry`. */
  "reconnect-storm",
] as const;
export type PitfallKind = (typeof pitfallKinds)[number];

/** The kinds of events flood control folds. */
export const foldableKinds = [
  "write",
  "chunk",
  "sse",
  "json-line",
  "log",
  "uncaught",
  "ws-message",
  "ws-send",
  "ws-publish",
] as const;
export type FoldableKind = (typeof foldableKinds)[number];

// --- runner lane -------------------------------------------------------------------------------

export interface LoadedEvent extends EventAt<"runner", "loaded"> {
  version: number;
  form: SnippetForm;
  notices: Notice[];
  /** Time from handing the source to the runner to the new handler being live. */
  loadMs: number;
  /** Where the runner serves, e.g. `http://127.0.0.1:41234/`. */
  url: string;
}

export interface LoadErrorEvent extends EventAt<"runner", "load-error"> {
  version: number;
  failure: LoadFailure;
  message: string;
  /** 1-based line in the snippet's own source, when known. */
  line?: number | undefined;
  /** 1-based column in the snippet's own source, when known. */
  column?: number | undefined;
  /** The module that could not be found, for `module-not-found`. */
  module?: string | undefined;
  /** The version still serving, if any. */
  serving?: number | undefined;
}

export interface RestartedEvent extends EventAt<"runner", "restarted"> {
  cause: RestartCause;
  /** A sentence: what happened and what was done about it. */
  reason: string;
  /** The version reloaded after the restart, if any. */
  version?: number | undefined;
  /** Snippet line the cause points at (where `process.exit` was called), when known. */
  line?: number | undefined;
}

export interface LogEvent extends EventAt<"runner", "log"> {
  level: LogLevel;
  text: string;
  /** The request whose handling printed this, when it can be told. */
  requestId?: number | undefined;
  /** Snippet line of the console call, when known. */
  line?: number | undefined;
}

/** An error outside any request: a throw in a timer callback, an unhandled rejection. */
export interface UncaughtEvent extends EventAt<"runner", "uncaught"> {
  message: string;
  line?: number | undefined;
  /** The version whose code threw (`line` is in its source), when the stack runs through the snippet. */
  version?: number | undefined;
  stack?: string | undefined;
}

/** The last event of a trace: how many events of each kind it saw. */
export interface PitfallEvent extends EventAt<"runner", "pitfall"> {
  pitfall: PitfallKind;
  /** What happened and the cure, in a sentence or two. */
  message: string;
  /** The request it happened on, and the version serving it, when it is one request's. */
  requestId?: number | undefined;
  version?: number | undefined;
  /** The snippet line that caused it, where there is one. */
  line?: number | undefined;
}

export interface SummaryEvent extends EventAt<"runner", "summary"> {
  counts: Record<string, number>;
}

// --- server lanes ------------------------------------------------------------------------------

export interface RequestEvent extends ServerEventAt<"request"> {
  method: string;
  /** Path and query. */
  path: string;
  /**
   * Where a request no playground client made came from (`127.0.0.1:54321`: curl, a browser tab,
   * the user's own app), as the server saw its socket; absent for the playground's own clients.
   */
  from?: string | undefined;
}

export interface ResponseEvent extends ServerEventAt<"response"> {
  status: number;
  headers: Record<string, string>;
  /** What the body is: a stream the playground follows write by write, or a whole value. */
  body: BodyKind;
}

export interface WriteEvent extends ServerEventAt<"write"> {
  bytes: number;
  /** The start of the chunk as text (a preview, at most a few hundred characters). */
  text: string;
  via: WriteVia;
  /**
   * The bytes `text` was decoded from, as base64, present only when they are not UTF-8 text on
   * their own: a character cut at either end of the chunk, or bytes that are not UTF-8 at all
   * (`text` shows U+FFFD for each). Without it, `text` encoded as UTF-8 is those bytes exactly.
   */
  base64?: string | undefined;
  /** How long the previous write waited for the client to drain (async iterable bodies). */
  waitedMs?: number | undefined;
  /**
   * The snippet line whose call made this write (`controller.enqueue(…)`, `res.write(…)`, or the
   * snippet's call into a helper that enqueues, such as Hono's `stream.writeSSE`), when the
   * snippet's code was on the stack. Not kept while flood control folds a stream's writes.
   */
  line?: number | undefined;
  /**
   * Written by the handler into its own stream that the response's body reads through a
   * transform (`pipeThrough(new CompressionStream("gzip"))`, `TextEncoderStream`): what the handler
   * wrote, not what went on the wire. The wire's writes are the body's own; the `end` counts only
   * those.
   */
  upstream?: true | undefined;
  /**
   * Yielded by a generator body after the client left: Bun had called the body's `return()`
   * while the generator was between yields (in an `await`), so the value it yielded next went
   * to a read Bun had given up on, just before its `finally` ran. Never on the wire; the `end`
   * does not count it.
   */
  unsent?: true | undefined;
  /** For an `unsent` write: what ended the request, when it was not the client leaving. */
  cause?: Exclude<EndCause, "client-left"> | undefined;
}

export interface EndEvent extends ServerEventAt<"end"> {
  /** Writes and bytes the body produced in all. */
  writes: number;
  bytes: number;
}

export interface ServerErrorEvent extends ServerEventAt<"error"> {
  message: string;
  line?: number | undefined;
  column?: number | undefined;
  stack?: string | undefined;
  /** Thrown before the response began (the handler itself), mid-stream (the body), or in a `websocket` handler. */
  during: ErrorPhase;
  /** For `websocket`: which handler threw (or rejected). */
  handler?: WsHandlerName | undefined;
}

export interface AbortEvent extends ServerEventAt<"abort"> {
  /** Why: the client left, Bun's idle timeout, the runner went away, or the server was stopped. Recordings made before it was known leave it out. */
  cause?: EndCause | undefined;
  /** A sentence for a cause other than `client-left`: what happened, and for an idle timeout the fix. */
  detail?: string | undefined;
  /** For `idle-timeout`: the limit in force, in seconds, and where it was set. */
  idleTimeout?: { seconds: number; source: IdleTimeoutSource } | undefined;
  /** For `idle-timeout`: how long nothing had been written when Bun closed the connection. */
  quietMs?: number | undefined;
}

export interface CancelEvent extends ServerEventAt<"cancel"> {
  reason: string;
}

export interface CleanupEvent extends ServerEventAt<"cleanup"> {
  /** From the client going away (or the cancel, when there was no abort) to the cleanup finishing. */
  afterMs: number;
  via: CleanupVia;
  /** What ended the request, when it was not the client leaving (Bun's idle timeout, the server stopping). */
  cause?: Exclude<EndCause, "client-left"> | undefined;
}

export interface LeakEvent extends ServerEventAt<"leak"> {
  what: LeakKind;
  /** Snippet line that created the leaked thing, when known. */
  line?: number | undefined;
  /** A sentence saying what is still running and since when. */
  detail: string;
}

/** Events of one kind that flood control counted instead of recording one by one. */
export interface FoldedEvent extends EventAt<Side, "folded"> {
  requestId?: number | undefined;
  /** The kind that was folded. */
  of: FoldableKind;
  count: number;
  bytes: number;
  /** Time of the first folded event; `t` is the time of the last. */
  since: number;
  /** Folded writes were upstream of the wire (see `WriteEvent.upstream`). */
  upstream?: true | undefined;
}

// --- client lanes ------------------------------------------------------------------------------

export interface OpenEvent extends EventAt<"client", "open"> {
  client: ClientKind;
  method: string;
  url: string;
  /** 1 for the first connection, then one more per reconnect. */
  attempt: number;
  /**
   * The URL is not the playground's runner (another app, a staging server): the server's side of this lane is not
   * recorded.
   */
  external?: boolean | undefined;
  /**
   * A client from outside the playground (curl, a browser tab, the user's own app) connected from
   * this address. The playground does not drive it, so its side is what the runner saw of its
   * socket: when it connected and what it asked for.
   */
  outside?: string | undefined;
  /**
   * How this client reads: slow, stalling or dropping (see `ClientBehaviour`); absent for a client that reads at full
   * speed.
   */
  slow?: ClientBehaviour | undefined;
}

export interface HeadersEvent extends EventAt<"client", "headers"> {
  status: number;
  headers: Record<string, string>;
  /** From the request being sent to the response head arriving. */
  ttfbMs: number;
}

/** The `Content-Encoding`s a client undoes beside the wire bytes. */
export const contentEncodings = ["gzip", "deflate", "br", "zstd"] as const;
export type ContentEncoding = (typeof contentEncodings)[number];

export interface ChunkEvent extends EventAt<"client", "chunk"> {
  /** The bytes as they came off the wire (still compressed, for a body with a `Content-Encoding`). */
  bytes: number;
  /** The chunk as text, exact up to the preview limit (a leading U+FEFF is kept). */
  text: string;
  /** See `WriteEvent.base64`. */
  base64?: string | undefined;
  /**
   * For a body with a `Content-Encoding`: what this chunk decoded to (SSE and JSON lines are read
   * from these bytes). A chunk may decode to nothing yet; `error` once the body could not be decoded.
   */
  decoded?:
    | {
        encoding: ContentEncoding;
        bytes: number;
        text: string;
        base64?: string | undefined;
        error?: string | undefined;
      }
    | undefined;
}

export interface SseEvent extends EventAt<"client", "sse"> {
  /** The event type; `message` when the server named none. */
  event: string;
  /**
   * The `id` field of this event's own block, if it had one. Known for the host's clients only: a
   * browser's `MessageEvent` does not say whether its block set the id.
   */
  id?: string | undefined;
  /**
   * The browser's `MessageEvent.lastEventId`: the last id the stream set, by this block or an
   * earlier one (blocks without data included); `""` when none was set or an empty `id:` reset it.
   */
  lastEventId: string;
  data: string;
}

/** An SSE block that fired no event, and what the browser did with it instead. */
export interface SseNoEventEvent extends EventAt<"client", "sse-no-event"> {
  reason: SseNoEventReason;
  /** The block's lines as received, joined with `\n` (a preview); for `unfinished`, up to where the stream ended. */
  block: string;
  /** The last event id after the block: the id an `id-only` block set, unchanged by the others. */
  lastEventId: string;
}

export interface SseCommentEvent extends EventAt<"client", "sse-comment"> {
  text: string;
}

export interface SseRetryEvent extends EventAt<"client", "sse-retry"> {
  ms: number;
  /**
   * Set by an empty `retry` field: Chromium goes back to its default reconnection time (the spec
   * says nothing of an empty value), so the client does too and `ms` is that default.
   */
  reset?: boolean | undefined;
}

export interface SseInvalidEvent extends EventAt<"client", "sse-invalid"> {
  /**
   * What is wrong: the parser's `unknown-field` or `invalid-retry` (a `retry` value that is not
   * digits, or too large for the browser), or `id-with-null` (an `id` containing U+0000, which the
   * browser ignores).
   */
  type: string;
  /** The offending line as received. */
  line: string;
  message: string;
}

export interface DisconnectEvent extends EventAt<"client", "disconnect"> {
  by: DisconnectBy;
  /** The error, for `by: "error"`. */
  message?: string | undefined;
  bytes: number;
  chunks: number;
  /**
   * Why the server side ended it, when the server's own record of the same request says (Bun's
   * idle timeout, the runner going away): the two ends of one story.
   */
  cause?: Exclude<EndCause, "client-left"> | undefined;
  /** The server side's sentence for `cause`. */
  causeDetail?: string | undefined;
}

export interface ReconnectEvent extends EventAt<"client", "reconnect"> {
  /** The `Last-Event-ID` header the reconnect sends, if any. */
  lastEventId?: string | undefined;
  /** How long the client waited before reconnecting (the stream's `retry:` or the default). */
  delayMs: number;
}

export type RunnerLaneEvent =
  | LoadedEvent
  | LoadErrorEvent
  | RestartedEvent
  | LogEvent
  | UncaughtEvent
  | PitfallEvent
  | SummaryEvent;

export type ServerEvent =
  | RequestEvent
  | ResponseEvent
  | WriteEvent
  | EndEvent
  | ServerErrorEvent
  | AbortEvent
  | CancelEvent
  | CleanupEvent
  | LeakEvent
  | ServerWebSocketEvent;

export type ClientEvent =
  | OpenEvent
  | HeadersEvent
  | ChunkEvent
  | SseEvent
  | SseCommentEvent
  | SseRetryEvent
  | SseInvalidEvent
  | SseNoEventEvent
  | JsonLineEvent
  | ReadingEvent
  | DisconnectEvent
  | ReconnectEvent
  | ClientWebSocketEvent;

/** One thing that happened, on the one clock. The UI and `trace --json` speak exactly this. */
export type TimelineEvent = RunnerLaneEvent | ServerEvent | ClientEvent | FoldedEvent;

export type TimelineKind = TimelineEvent["kind"];

/**
 * Events the runner process produces itself (the host adds load results, restarts and clients); an
 * `open` only for a client from outside the playground, whose side the runner sees from its socket.
 */
export type RunnerProducedEvent = ServerEvent | FoldedEvent | LogEvent | UncaughtEvent | PitfallEvent | OpenEvent;
