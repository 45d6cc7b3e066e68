/**
 * The settings of one trace run from the terminal: an expectation file's `trace` settings, with
 * the command line's options on top, as the options `traceSnippet` and `traceUrl` take.
 */

import type { ClientRequest, LaneRequest, TraceSettings } from "../contract/index.ts";
import type { TraceClientOptions } from "../supervisor/index.ts";
import type { TraceArgs } from "../shared/index.ts";

export interface TraceRun extends TraceClientOptions {
  /** The snippet's path on its server, for a snippet. */
  path?: string | undefined;
  /** Another server's URL, instead of a snippet. */
  url?: string | undefined;
  cleanupGraceMs?: number | undefined;
}

/** The file's settings, each replaced by the command line's when it gives one; headers are merged. */
export function mergeTraceSettings(file: TraceSettings | undefined, args: TraceArgs): TraceRun {
  const from = file ?? {};
  return {
    path: args.path ?? from.path,
    url: args.url ?? from.url,
    client: args.client ?? from.client,
    clients: args.clients ?? from.clients,
    method: args.method ?? from.method,
    headers: { ...from.headers, ...args.headers },
    body: args.body ?? from.body,
    durationMs: args.durationMs ?? from.durationMs,
    disconnectAfterMs: args.disconnectAfterMs ?? from.disconnectAfterMs,
    cleanupGraceMs: args.cleanupGraceMs ?? from.cleanupGraceMs,
    protocols: args.protocols ?? from.protocols,
    send: args.send ?? from.send,
    sendEveryMs: args.sendEveryMs ?? from.sendEveryMs,
    slow: args.slow ?? from.slow,
  };
}

/** The request each lane's client made in a run, as a recording keeps it. */
export function laneRequestsOf(run: TraceRun): LaneRequest[] {
  const request: ClientRequest = {
    client: run.client ?? (run.url !== undefined && /^wss?:/i.test(run.url) ? "websocket" : "stream"),
    path: run.url ?? run.path ?? "/",
    method: run.method ?? "GET",
    headers: run.headers ?? {},
    clients: Math.max(1, run.clients ?? 1),
    ...(run.body === undefined ? {} : { body: run.body }),
    ...(run.disconnectAfterMs === undefined ? {} : { disconnectAfterMs: run.disconnectAfterMs }),
    ...(run.protocols === undefined ? {} : { protocols: run.protocols }),
    ...(run.send === undefined ? {} : { send: run.send }),
    ...(run.sendEveryMs === undefined ? {} : { sendEveryMs: run.sendEveryMs }),
    ...(run.slow === undefined ? {} : { slow: run.slow }),
  };
  return Array.from({ length: request.clients }, (_, i) => ({ lane: i + 1, request }));
}

/** The run in a few words, for the report's first line: `eventsource × 2, GET /events` (a URL is named beside it already). */
export function describeRun(run: TraceRun): string {
  const client = run.client ?? (run.url !== undefined && /^wss?:/i.test(run.url) ? "websocket" : "stream");
  const count = (run.clients ?? 1) > 1 ? ` × ${run.clients}` : "";
  return `${client}${count}, ${run.method ?? "GET"}${run.url === undefined ? ` ${run.path ?? "/"}` : ""}`;
}
