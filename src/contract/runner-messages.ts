/**
 * Messages between the host and the runner process, over IPC (JSON): what the host asks and what
 * each request is answered with, and what the runner pushes by itself.
 */

import { array, integer, literal, number, object, oneOf, optional, string, tagged, type Check } from "./check.ts";
import { clockReadingCheck, type ClockReading } from "./clock-sync.ts";
import { emptyCheck, type Empty, type PushChecks, type RequestChecks } from "./envelope.ts";
import { noticeCheck, runnerProducedEventCheck } from "./timeline-checks.ts";
import {
  loadFailures,
  snippetForms,
  type LoadFailure,
  type Notice,
  type RunnerProducedEvent,
  type SnippetForm,
} from "./timeline-events.ts";

export interface LoadRequest {
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

/** A load that failed: why, and where in the snippet when that is known. */
export interface LoadFailed {
  ok: false;
  failure: LoadFailure;
  message: string;
  /** 1-based line in the snippet's own source, when known. */
  line?: number | undefined;
  column?: number | undefined;
  /** The module that could not be found, for `module-not-found`. */
  module?: string | undefined;
}

/** What a load produced, as the runner reports it. */
export type LoadResult = { ok: true; form: SnippetForm; notices: Notice[]; loadMs: number } | LoadFailed;

export interface RunnerSettings {
  /** How long a started cleanup may take before it is reported as leaked. */
  cleanupGraceMs: number;
  /** How long a snippet's top-level code may await before its load is given up. */
  topLevelTimeoutMs: number;
}

/** Host → runner requests, and what each is answered with. */
export interface RunnerRequests {
  /** Load a new version of the snippet; the previous one keeps serving when it does not load. */
  load: { request: LoadRequest; reply: LoadResult };
  /** Clock sync: the runner answers with its own clock reading. */
  "clock-ping": { request: Empty; reply: ClockReading };
  /** The offset to add to the runner's clock to read the host's. */
  "clock-set": { request: { offsetMs: number }; reply: Empty };
  configure: { request: RunnerSettings; reply: Empty };
  /**
   * Answer once every request has finished and its cleanup is done or declared leaked; `open` counts those still open
   * when it gave up. What was being counted (flood control's folds, an error's repeats) is told before the answer.
   */
  settle: { request: { timeoutMs: number }; reply: { open: number } };
  /**
   * Stop serving as a server being shut down does: close every open connection (Bun's
   * `server.stop(true)`), the handlers seeing the abort a client leaving gives them and `detail`
   * telling why on the timeline; then answer as `settle` does, once their cleanups are done or
   * declared leaked. The runner takes no new connection after it.
   */
  close: { request: { detail: string; timeoutMs: number }; reply: { open: number } };
}

/**
 * Runner → host pushes. (The runner's own exit is not among them: it writes a note to stderr,
 * which arrives even though the process is gone a moment later.)
 */
export interface RunnerPushes {
  /** Sent once the server listens. */
  ready: { port: number; pid: number };
  /**
   * A batch of events, already on the host's clock, numbered from 1 by each runner. A runner that
   * ends (SIGTERM, a snippet's `process.exit`) writes the batches the channel had not finished
   * writing again on stderr (see `runner-notes.ts`), so the host takes each number once, whichever
   * way it came first.
   */
  events: { seq: number; events: RunnerProducedEvent[] };
  /**
   * Every 100 ms while the event loop turns; about once a second it also says how much memory the
   * runner holds (resident, and the JavaScript heap's share), so the host can watch it.
   */
  heartbeat: { inFlight: number; memory?: { rssBytes: number; heapBytes: number } | undefined };
}

const position = optional(integer(1));

export const loadResultCheck: Check<LoadResult> = tagged("ok", {
  true: object({ ok: literal(true), form: oneOf(snippetForms), notices: array(noticeCheck), loadMs: number }),
  false: object({
    ok: literal(false),
    failure: oneOf(loadFailures),
    message: string,
    line: position,
    column: position,
    module: optional(string),
  }),
});

export const runnerRequestChecks: RequestChecks<RunnerRequests> = {
  load: {
    request: object({ version: integer(1), source: string, path: string, serving: optional(integer(1)) }),
    reply: loadResultCheck,
  },
  "clock-ping": { request: emptyCheck, reply: clockReadingCheck },
  "clock-set": { request: object({ offsetMs: number }), reply: emptyCheck },
  configure: { request: object({ cleanupGraceMs: number, topLevelTimeoutMs: number }), reply: emptyCheck },
  settle: { request: object({ timeoutMs: number }), reply: object({ open: integer(0) }) },
  close: { request: object({ detail: string, timeoutMs: number }), reply: object({ open: integer(0) }) },
};

export const runnerPushChecks: PushChecks<RunnerPushes> = {
  ready: object({ port: integer(0, 65_535), pid: integer(1) }),
  events: object({ seq: integer(1), events: array(runnerProducedEventCheck) }),
  heartbeat: object({
    inFlight: integer(0),
    memory: optional(object({ rssBytes: integer(0), heapBytes: integer(0) })),
  }),
};
