/** Messages between the host and the runner process. */

import type { Envelope } from "./envelope.ts";
import type { LoadFailure, Notice, RunnerProducedEvent, SnippetForm } from "./timeline-events.ts";

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
