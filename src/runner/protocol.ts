/**
 * Everything that crosses a process or page boundary: the timeline events (what `trace --json`
 * prints and what the UI receives) and the messages between the host and the runner process.
 *
 * Types only. Every side imports this module with `import type`.
 */

/** Which party an event describes. */
export type Side = "runner" | "server" | "client";

/** How a snippet declared its handler. */
export type SnippetForm =
  /** `export default function (req, server) {…}` or an arrow. */
  | "default-function"
  /** `export default { fetch, routes, error }`, Bun's server-file convention. */
  | "default-object"
  /** A top-level `Bun.serve({...})` call. */
  | "bun-serve"
  /** A top-level `Deno.serve(...)` call. */
  | "deno-serve";

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
export type LoadFailure =
  /** The source does not parse. */
  | "syntax"
  /** An import could not be resolved. */
  | "module-not-found"
  /** The top-level code threw (or rejected). */
  | "top-level-throw"
  /** The top-level code awaited something that did not settle in time. */
  | "top-level-timeout"
  /** The module loaded, but declared no handler in any known form. */
  | "no-handler"
  /** The top-level code blocked the event loop, or called `process.exit`, and the runner was restarted. */
  | "runner-lost";

/** Why the runner process was restarted. */
export type RestartCause =
  /** The event loop stopped answering heartbeats (`while (true) {}` and the like). */
  | "blocked"
  /** The snippet called `process.exit`. */
  | "exit"
  /** The process died on its own (a crash or a signal). */
  | "crash"
  /** Planned: the module registry had grown past its budget and the runner was idle. */
  | "recycle";

/** What kept running after the request it belonged to had ended. `handler`: the handler never returned. */
export type LeakKind = "interval" | "timeout" | "generator" | "stream" | "handler";

/** How the user's cleanup code was reached. */
export type CleanupVia =
  /** An async generator body's `finally` block completed. */
  | "generator-finally"
  /** A ReadableStream source's `cancel()` returned (and its promise settled). */
  | "stream-cancel"
  /** A listener the handler put on `req.signal` ran. */
  | "abort-listener";

/** How a body write was produced. */
export type WriteVia =
  /** A value yielded by an async iterable body. */
  | "yield"
  /** `controller.enqueue` on a ReadableStream. */
  | "enqueue"
  /** `controller.write` on a `type: "direct"` ReadableStream. */
  | "write"
  /** A whole non-streaming body (a string, bytes, a Blob). */
  | "body"
  /** A chunk read from a stream the playground did not create (a piped or fetched body). */
  | "pipe";

/** Who ended a client's connection. */
export type DisconnectBy = "client" | "server" | "error";

/**
 * The client kinds: `stream` and `eventsource` are probe clients in the host; `browser` is the
 * page's own `EventSource`, reaching the runner through the host.
 */
export type ClientKind = "stream" | "eventsource" | "browser";

/** Log levels of captured console output; `stdout`/`stderr` are raw writes to the process streams. */
export type LogLevel = "log" | "info" | "warn" | "error" | "debug" | "stdout" | "stderr";

/** Fields every timeline event has. */
interface EventAt<S extends Side, K extends string> {
  /** Milliseconds on the host's clock (fractional). `trace` prints them relative to its start. */
  t: number;
  /** Client number (1-based), or 0 for the runner and for requests no probe client made. */
  lane: number;
  side: S;
  kind: K;
}

/** Fields every server event has: which request, served by which snippet version. */
interface ServerEventAt<K extends string> extends EventAt<"server", K> {
  /** Runner-wide request number, unique across reloads (restarts begin a new range). */
  requestId: number;
  /** The snippet version that served the request. Streams opened before a reload keep theirs. */
  version: number;
}

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
  stack?: string | undefined;
}

/** The last event of a trace: how many events of each kind it saw. */
export interface SummaryEvent extends EventAt<"runner", "summary"> {
  counts: Record<string, number>;
}

// --- server lanes ------------------------------------------------------------------------------

export interface RequestEvent extends ServerEventAt<"request"> {
  method: string;
  /** Path and query. */
  path: string;
}

export interface ResponseEvent extends ServerEventAt<"response"> {
  status: number;
  headers: Record<string, string>;
  /** What the body is: a stream the playground follows write by write, or a whole value. */
  body: "stream" | "whole" | "none";
}

export interface WriteEvent extends ServerEventAt<"write"> {
  bytes: number;
  /** The start of the chunk as text (a preview, at most a few hundred characters). */
  text: string;
  via: WriteVia;
  /** How long the previous write waited for the client to drain (async iterable bodies). */
  waitedMs?: number | undefined;
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
  /** Thrown before the response began (the handler itself) or mid-stream (the body). */
  during: "handler" | "body";
}

export interface AbortEvent extends ServerEventAt<"abort"> {}

export interface CancelEvent extends ServerEventAt<"cancel"> {
  reason: string;
}

export interface CleanupEvent extends ServerEventAt<"cleanup"> {
  /** From the client going away (or the cancel, when there was no abort) to the cleanup finishing. */
  afterMs: number;
  via: CleanupVia;
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
  of: "write" | "chunk" | "sse" | "log";
  count: number;
  bytes: number;
  /** Time of the first folded event; `t` is the time of the last. */
  since: number;
}

// --- client lanes ------------------------------------------------------------------------------

export interface OpenEvent extends EventAt<"client", "open"> {
  client: ClientKind;
  method: string;
  url: string;
  /** 1 for the first connection, then one more per reconnect. */
  attempt: number;
}

export interface HeadersEvent extends EventAt<"client", "headers"> {
  status: number;
  headers: Record<string, string>;
  /** From the request being sent to the response head arriving. */
  ttfbMs: number;
}

export interface ChunkEvent extends EventAt<"client", "chunk"> {
  bytes: number;
  /** The chunk as text, exact up to the preview limit. */
  text: string;
}

export interface SseEvent extends EventAt<"client", "sse"> {
  /** The event type; `message` when the server named none. */
  event: string;
  /** The `id` field of this event, if it had one. */
  id?: string | undefined;
  data: string;
}

export interface SseCommentEvent extends EventAt<"client", "sse-comment"> {
  text: string;
}

export interface SseRetryEvent extends EventAt<"client", "sse-retry"> {
  ms: number;
}

export interface SseInvalidEvent extends EventAt<"client", "sse-invalid"> {
  /** The parser's error kind, e.g. `unknown-field`, `invalid-retry`. */
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
  | LeakEvent;

export type ClientEvent =
  | OpenEvent
  | HeadersEvent
  | ChunkEvent
  | SseEvent
  | SseCommentEvent
  | SseRetryEvent
  | SseInvalidEvent
  | DisconnectEvent
  | ReconnectEvent;

/** One thing that happened, on the one clock. The UI and `trace --json` speak exactly this. */
export type TimelineEvent = RunnerLaneEvent | ServerEvent | ClientEvent | FoldedEvent;

export type TimelineKind = TimelineEvent["kind"];

/** Events the runner process produces itself (the host adds load results, restarts and clients). */
export type RunnerProducedEvent = ServerEvent | FoldedEvent | LogEvent | UncaughtEvent;

// --- host <-> runner process -------------------------------------------------------------------

/** Every message between the host and the runner: an id, the id it answers, a tagged payload. */
export interface Envelope<P> {
  id: number;
  /** Set on replies: the id of the request answered. */
  replyId?: number | undefined;
  payload: P;
}

/** Host → runner. */
export type HostPayload =
  | {
      type: "load";
      version: number;
      source: string;
      /**
       * Where the snippet lives. Imports resolve from its folder and stack traces name it.
       * Untitled snippets get a path in the workspace folder.
       */
      path: string;
      /** The last good version, for the notice and the error's `serving` field. */
      serving?: number | undefined;
    }
  /** Clock sync: the runner answers with its own clock reading. */
  | { type: "clock-ping" }
  /** The offset to add to the runner's clock to read the host's. */
  | { type: "clock-set"; offsetMs: number }
  | {
      type: "configure";
      /** How long a started cleanup may take before it is reported as leaked. */
      cleanupGraceMs: number;
      /** How long a snippet's top-level code may await before its load is given up. */
      topLevelTimeoutMs: number;
    }
  /** Answer once every request has finished and its cleanup is done or declared leaked. */
  | { type: "settle"; timeoutMs: number };

/** What a load produced, as the runner reports it. */
export type LoadResult =
  | { ok: true; form: SnippetForm; notices: Notice[]; loadMs: number }
  | {
      ok: false;
      failure: LoadFailure;
      message: string;
      line?: number | undefined;
      column?: number | undefined;
      module?: string | undefined;
    };

/** Runner → host. */
export type RunnerPayload =
  /** Sent once the server listens. */
  | { type: "ready"; port: number; pid: number }
  | { type: "load-result"; version: number; result: LoadResult }
  | { type: "clock-pong"; runnerNow: number }
  | { type: "ack" }
  /** Answers `settle`: how many requests were still open when it gave up (0 when all settled). */
  | { type: "settled"; open: number }
  /** A batch of events, already on the host's clock. */
  | { type: "events"; events: RunnerProducedEvent[] }
  | { type: "heartbeat"; inFlight: number }
  /** Sent just before the snippet's `process.exit` takes effect. */
  | { type: "exiting"; code: number; line?: number | undefined };

export type HostMessage = Envelope<HostPayload>;
export type RunnerMessage = Envelope<RunnerPayload>;

// --- page <-> host -----------------------------------------------------------------------------

/** The request the UI's client controls describe. */
export interface ClientRequest {
  client: ClientKind;
  /** Path and query on the runner. */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Request body, for `stream` clients. */
  body?: string | undefined;
  /** How many clients, each on its own lane. */
  clients: number;
  /** Disconnect each client this long after it opened. */
  disconnectAfterMs?: number | undefined;
}

/** Page → host. */
export type PagePayload =
  /** Load a new version of the snippet. `path` is its file, when it has one. */
  | { type: "load"; source: string; path?: string | undefined }
  /** Open clients against the runner. `browser` clients get lanes and a URL; the page opens them itself. */
  | { type: "connect"; request: ClientRequest }
  /** Disconnect one lane, or every client when no lane is named. */
  | { type: "disconnect"; lane?: number | undefined }
  /** Forget the recorded timeline (the runner keeps serving). */
  | { type: "clear" }
  /** Clock sync: the host answers with its clock. */
  | { type: "clock-ping" }
  /** Events the page's own browser clients recorded, already on the host's clock. */
  | { type: "browser-events"; events: ClientEvent[] }
  /** Start a new untitled snippet. */
  | { type: "file-new" }
  /** Open a file by path (typed, or picked from a listing). */
  | { type: "file-open"; path: string }
  /** Open a file with the system's dialog (desktop only). */
  | { type: "file-open-dialog" }
  /** List a folder (the workspace folder when none is named). */
  | { type: "file-list"; dir?: string | undefined }
  /** Save the document; `path` saves it as a new file (Save As). */
  | { type: "file-save"; id: string; source: string; path?: string | undefined }
  /** Save As with the system's dialog (desktop only). */
  | { type: "file-save-dialog"; id: string; source: string }
  /** The editor's unsaved text, sent after a pause in typing so nothing is lost in a crash. */
  | { type: "draft"; id: string; source: string }
  /** The file changed on disk while the editor had unsaved edits: keep the editor's text, or take the disk's. */
  | { type: "file-conflict-resolve"; id: string; keep: "mine" | "theirs" }
  | { type: "settings-set"; settings: Partial<Settings> }
  /** Export the editor's snippet as a standalone server file. */
  | { type: "export"; source: string; target: ExportTarget; port?: number | undefined; tryRequest?: TryRequest | undefined };

/** A snippet as the editor holds it: a real file, or an untitled one kept in the workspace folder. */
export interface SnippetDocument {
  /** Stable for the document's life; also its draft's name in the workspace. */
  id: string;
  /** The file on disk; for an untitled snippet, its file in the workspace folder. */
  path: string;
  /** File name for titles and menus, e.g. `events.ts` or `Untitled 2`. */
  name: string;
  untitled: boolean;
  /** The text, with any unsaved edits (restored from the draft after a restart). */
  source: string;
  /** Unsaved edits differ from the file on disk. */
  dirty: boolean;
}

/** What persists between launches. */
export interface Settings {
  theme: "system" | "light" | "dark";
  autoRun: boolean;
  defaultClient: ClientKind;
  /** The desktop window's last size and place. */
  window?: { width: number; height: number; x: number; y: number } | undefined;
}

/** One entry of a folder listing, for opening files in browser mode. */
export interface FileEntry {
  name: string;
  path: string;
  directory: boolean;
}

/** The files side of a session: what the page needs to restore itself. */
export interface WorkspaceState {
  /** Where untitled snippets, drafts and settings live. */
  workspaceDir: string;
  /** The document the editor shows. */
  document: SnippetDocument;
  /** Recently opened files, newest first. */
  recent: string[];
  settings: Settings;
  /** True in the desktop app: Open and Save As use the system's dialogs. */
  nativeDialogs: boolean;
}

/** What the host tells a page when it connects, and again when something about the runner changes. */
export interface HostStatus {
  /** Where the runner serves. */
  runnerUrl: string;
  /** The version serving new requests, if any loaded. */
  serving?: number | undefined;
  /** Host clock at the moment the timeline began (the zero of the time axis). */
  timelineStart: number;
}

/** Host → page. */
export type HostToPagePayload =
  | { type: "status"; status: HostStatus }
  /** Events in time order as they arrive; batched, never one per message. */
  | { type: "events"; events: TimelineEvent[] }
  /** The timeline was cleared (by any page). */
  | { type: "cleared"; status: HostStatus }
  | { type: "load-result"; event: LoadedEvent | LoadErrorEvent }
  /** Lanes given to the clients a `connect` opened; for `browser` clients, the URL each should open. */
  | { type: "connected"; lanes: { lane: number; url: string }[] }
  | { type: "clock-pong"; hostNow: number }
  | { type: "exported"; result: ExportResult }
  /** Sent when a page connects: the document to show, recent files, settings. */
  | { type: "workspace"; workspace: WorkspaceState }
  /** The document now open (after new, open, save, save as, or a resolved conflict). */
  | { type: "document"; document: SnippetDocument; recent: string[] }
  /** The open file changed on disk. Without unsaved edits the editor takes it; with them, `conflict` asks the user. */
  | { type: "file-changed"; id: string; source: string; conflict: boolean }
  | { type: "file-list"; dir: string; parent?: string | undefined; entries: FileEntry[] }
  | { type: "settings"; settings: Settings }
  /** A dialog was closed without choosing anything. */
  | { type: "cancelled" }
  | { type: "ack" }
  /** A request failed; `message` says why in plain words. */
  | { type: "failed"; message: string };

export type PageMessage = Envelope<PagePayload>;
export type HostToPageMessage = Envelope<HostToPagePayload>;

/** One example (a lesson) as the host serves it at `/examples/index.json`. */
export interface ExampleInfo {
  /** The file name without extension, e.g. `03-sse-generator`. */
  id: string;
  title: string;
  /** The snippet. */
  source: string;
  /** The lesson text, rendered from its Markdown; empty when the example has none. */
  lessonHtml: string;
  /** The request the lesson suggests (path, client kind, …), to fill the client controls. */
  request: Partial<ClientRequest>;
}

// --- export ------------------------------------------------------------------------------------
// What `exportSnippet` takes and gives back: plain data, so a result crosses to the page as is.

/** The runtime the exported file is for. */
export type ExportTarget = "bun" | "deno";

export interface ExportOptions {
  /** The snippet as the playground has it. */
  source: string;
  /** Where the snippet lives: relative imports resolve from its folder, as in the playground. */
  path: string;
  target: ExportTarget;
  /** The port the exported server listens on. When left out, a port the snippet names stays, else 3000. */
  port?: number | undefined;
  /** What the exported file will be called, for the header's run line; `server.ts` when left out. */
  fileName?: string | undefined;
  /** The request for the header's `curl` line (a lesson's suggested one); guessed from the snippet's routes when left out. */
  tryRequest?: TryRequest | undefined;
}

/** A request to try the exported server with. */
export interface TryRequest {
  /** Path and query, e.g. `/events`. */
  path: string;
  /** `GET` when left out. */
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

export type ExportResult =
  | {
      ok: true;
      /** The standalone server file. */
      code: string;
      /** What the export changed in the snippet's code, with the line in `code` (also in the header). */
      changes: string[];
      /** What the reader should know that the export did not change (also in the header). */
      notes: string[];
    }
  | { ok: false; error: ExportError };

/** Why an export was refused. */
export type ExportErrorKind =
  /** The snippet does not load in the playground: `failure` says how, and the position where. */
  | "load"
  /** The snippet uses something the target runtime has no faithful equivalent for. */
  | "unsupported"
  /** The export produced a file that does not load: a bug in the export, reported rather than written. */
  | "broken-output"
  /** The options asked for something impossible (a port outside 1–65535). */
  | "invalid-options";

export interface ExportError {
  kind: ExportErrorKind;
  /** One or two sentences for the snippet's author. */
  message: string;
  /** 1-based line in the snippet's source, when the error is about a place. */
  line?: number | undefined;
  /** 1-based column in the snippet's source. */
  column?: number | undefined;
  /** For `load`: how the load failed, as the playground reports it. */
  failure?: LoadFailure | undefined;
}
