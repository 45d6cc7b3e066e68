/**
 * `traceUrl`: point the clients at any server (another local app, a staging server) and record
 * what they receive. Only the client side can be seen: every lane's `open` says so.
 */

import { clientKindFor, rebaseTimeline, type TimelineEvent } from "../contract/index.ts";
import { endOfTrace, runTraceClients, type TraceClientOptions } from "./lanes.ts";
import { defaultDurationMs } from "./trace.ts";

export interface UrlTraceOptions extends TraceClientOptions {
  /** The URL every client requests: `http:`, `https:`, `ws:` or `wss:`. */
  url: string;
}

export interface UrlTraceResult {
  /** Every event in time order, `t` in ms since the trace began, ending with the summary. */
  events: TimelineEvent[];
}

/** The schemes a client can request. */
const schemes = ["http:", "https:", "ws:", "wss:"];

/** Why `url` cannot be traced, or undefined when it can. */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${JSON.stringify(url)} is not a URL (give it whole, e.g. http://localhost:3000/events)`;
  }
  if (!schemes.includes(parsed.protocol))
    return `a client requests http:, https:, ws: or wss: URLs, not ${parsed.protocol}`;
  return undefined;
}

export async function traceUrl(options: UrlTraceOptions): Promise<UrlTraceResult> {
  const problem = urlProblem(options.url);
  if (problem !== undefined) throw new Error(problem);
  const began = options.began ?? performance.now();
  const events: TimelineEvent[] = [];
  const record = (event: TimelineEvent) => {
    events.push(event);
    options.onEvent?.(event);
  };
  const end = endOfTrace(
    options.durationMs ?? defaultDurationMs(clientKindFor(options.client, options.url)),
    options.stop,
  );
  try {
    await runTraceClients({ url: options.url, options, end, record, external: true });
  } finally {
    end.cancel();
  }
  return { events: rebaseTimeline(events, began) };
}

/** Whether any client of a URL trace got an answer (a response head, or an open WebSocket). */
export function reachedServer(events: readonly TimelineEvent[]): boolean {
  return events.some((event) => event.side === "client" && (event.kind === "headers" || event.kind === "ws-open"));
}
