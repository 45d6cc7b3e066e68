/**
 * Export a snippet as a standalone server file: what `exportSnippet` takes and gives back. Plain
 * data, so a result crosses to the page as is.
 */

import {
  array,
  boolean,
  integer,
  literal,
  object,
  oneOf,
  optional,
  record,
  string,
  tagged,
  type Check,
} from "./check.ts";
import { loadFailures, type LoadFailure } from "./timeline-events.ts";

/** The runtimes an exported file can be for. */
export const exportTargets = ["bun", "deno"] as const;
export type ExportTarget = (typeof exportTargets)[number];

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
  /**
   * The request for the header's `curl` line (a lesson's suggested one); guessed from the snippet's routes when left
   * out.
   */
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
  /**
   * Whether the request's client opens a WebSocket, so the line is a WebSocket client rather than
   * `curl`; when left out, a WebSocket client for a snippet that serves WebSockets.
   */
  websocket?: boolean | undefined;
}

/** What a try line repeats of a client's request. */
export interface TriedRequest {
  path: string;
  /** The client kind (`stream`, `eventsource`, `websocket`…); a try line opens a WebSocket only for `websocket`. */
  client?: string | undefined;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

/** A client's request as a try line makes it: its method unless GET, its headers if any, its body, and whether it opens a WebSocket. */
export function tryRequestOf({ path, client, method, headers, body }: TriedRequest): TryRequest {
  return {
    path,
    websocket: client === "websocket",
    ...(method === undefined || method.toUpperCase() === "GET" ? {} : { method }),
    ...(headers && Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body ? { body } : {}),
  };
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
export const exportErrorKinds = [
  /** The snippet does not load in the playground: `failure` says how, and the position where. */
  "load",
  /** The snippet uses something the target runtime has no faithful equivalent for. */
  "unsupported",
  /** The export produced a file that does not load: a bug in the export, reported rather than written. */
  "broken-output",
  /** The options asked for something impossible (a port outside 1–65535). */
  "invalid-options",
] as const;
export type ExportErrorKind = (typeof exportErrorKinds)[number];

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

const position = optional(integer(1));

export const tryRequestCheck: Check<TryRequest> = object({
  path: string,
  method: optional(string),
  headers: optional(record(string)),
  body: optional(string),
  websocket: optional(boolean),
});

export const exportResultCheck: Check<ExportResult> = tagged("ok", {
  true: object({ ok: literal(true), code: string, changes: array(string), notes: array(string) }),
  false: object({
    ok: literal(false),
    error: object({
      kind: oneOf(exportErrorKinds),
      message: string,
      line: position,
      column: position,
      failure: optional(oneOf(loadFailures)),
    }),
  }),
});
