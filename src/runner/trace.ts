/**
 * `traceSnippet`: load a snippet into a fresh runner, point probe clients at it, record both sides
 * on one clock until the streams end (or a time limit), let the server's cleanup finish, and hand
 * back the timeline. The `trace` command prints it; the tests assert on it.
 */

import { resolve } from "node:path";
import { openProbe, type Probe } from "./probe/index.ts";
import type { ClientKind, LoadedEvent, LoadErrorEvent, TimelineEvent } from "../contract/index.ts";
import { createRunner } from "./supervisor.ts";
import { rebaseTimeline } from "../contract/timeline-file.ts";

export interface TraceOptions {
  /** The snippet's file. Its folder is where imports resolve from. */
  snippetPath: string;
  /** The source to load; read from `snippetPath` when left out. */
  source?: string | undefined;
  /** Path (and query) the clients request. */
  path?: string | undefined;
  client?: ClientKind | undefined;
  /** How many clients, each on its own lane. */
  clients?: number | undefined;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  /** Stop recording after this long, disconnecting clients still connected. */
  durationMs?: number | undefined;
  /** Disconnect every client this long after it opened. */
  disconnectAfterMs?: number | undefined;
  /** How long the server's cleanup may take before it counts as leaked. */
  cleanupGraceMs?: number | undefined;
  /** Reconnect delay for `eventsource` clients until the stream sends `retry:`. */
  defaultRetryMs?: number | undefined;
  /** Ends the recording early, as if the duration had passed (Ctrl+C in the terminal). */
  stop?: AbortSignal | undefined;
  /** Receives events as they happen (on the host clock, not rebased). */
  onEvent?: ((event: TimelineEvent) => void) | undefined;
}

export interface TraceResult {
  /** The load result: `loaded`, or `load-error` when the snippet did not load. */
  load: LoadedEvent | LoadErrorEvent;
  /** Every event in time order, `t` in ms since the trace began, ending with the summary. */
  events: TimelineEvent[];
}

/** EventSource clients reconnect for ever; without a duration, a trace of them stops after this. */
export const defaultEventSourceDurationMs = 5_000;

export async function traceSnippet(options: TraceOptions): Promise<TraceResult> {
  const snippetPath = resolve(options.snippetPath);
  const source = options.source ?? (await Bun.file(snippetPath).text());
  const cleanupGraceMs = options.cleanupGraceMs ?? 3_000;
  const client = options.client ?? "stream";
  const began = performance.now();
  const events: TimelineEvent[] = [];
  const record = (event: TimelineEvent) => {
    events.push(event);
    options.onEvent?.(event);
  };

  const runner = createRunner({ onEvent: record, cleanupGraceMs });
  await runner.start();
  try {
    const load = await runner.load(source, snippetPath);
    if (load.kind === "loaded") await probe(runner.url, client, options, record);
    // Cleanup can only be waited for where it can happen: give it the grace period and a little more.
    await runner.settle(cleanupGraceMs + 500);
    return { load, events: rebaseTimeline(events, began) };
  } finally {
    await runner.stop();
  }
}

async function probe(base: string, client: ClientKind, options: TraceOptions, record: (event: TimelineEvent) => void): Promise<void> {
  const url = new URL(options.path ?? "/", base).href;
  const count = Math.max(1, options.clients ?? 1);
  const probes: Probe[] = [];
  const timers: ReturnType<typeof setTimeout>[] = [];
  for (let lane = 1; lane <= count; lane++) {
    const opened = openProbe({
      lane,
      url,
      client,
      method: options.method,
      headers: options.headers,
      body: options.body,
      defaultRetryMs: options.defaultRetryMs,
      now: () => performance.now(),
      emit: record,
    });
    probes.push(opened);
    if (options.disconnectAfterMs !== undefined) timers.push(setTimeout(() => opened.disconnect(), options.disconnectAfterMs));
  }
  const durationMs = options.durationMs ?? (client === "eventsource" ? defaultEventSourceDurationMs : undefined);
  const allDone = Promise.all(probes.map((p) => p.done));
  const { promise: timeUp, resolve: endNow } = Promise.withResolvers<void>();
  if (durationMs !== undefined) timers.push(setTimeout(endNow, durationMs));
  options.stop?.addEventListener("abort", () => endNow(), { once: true });
  await Promise.race([allDone, timeUp]);
  for (const p of probes) p.disconnect();
  await allDone;
  for (const timer of timers) clearTimeout(timer);
}
