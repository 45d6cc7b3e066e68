/**
 * `traceSnippet`: load a snippet into a fresh runner, point clients at it, record both sides
 * on one clock until the streams end (or a time limit), let the server's cleanup finish, and hand
 * back the timeline. The `trace` command prints it; the tests assert on it.
 *
 * The duration bounds the whole trace, whatever the snippet does: when it runs out, a runner still
 * starting or a load still running is given up (the load is answered with a load error that says
 * so), and clients still connected are disconnected. Only the server's cleanup then gets its grace
 * period, and the runner a moment to exit.
 */

import { resolve } from "node:path";
import {
  type ClientKind,
  type LoadedEvent,
  type LoadErrorEvent,
  type TimelineEvent,
  rebaseTimeline,
} from "../contract/index.ts";
import { createReconnectStorms } from "./reconnect-storms.ts";
import { createEndStory } from "./end-story.ts";
import { createRunner } from "./supervisor.ts";
import { endOfTrace, runTraceClients, type TraceClientOptions } from "./lanes.ts";

export interface TraceOptions extends TraceClientOptions {
  /** The snippet's file. Its folder is where imports resolve from. */
  snippetPath: string;
  /** The source to load; read from `snippetPath` when left out. */
  source?: string | undefined;
  /** Path (and query) the clients request. */
  path?: string | undefined;
  /** How long the server's cleanup may take before it counts as leaked. */
  cleanupGraceMs?: number | undefined;
  /** How long the snippet's top-level code may await before its load is given up. */
  topLevelTimeoutMs?: number | undefined;
  /**
   * Told when the clients are done but requests are still running on the server, before the trace
   * waits (up to `waitMs`) for their cleanup: so a trace that runs past its duration says why.
   */
  onSettling?: ((settling: { open: number; waitMs: number }) => void) | undefined;
}

/** How long requests may take to settle on their own once the clients are done, before a trace says it is waiting. */
const quietSettleMs = 300;

export interface TraceResult {
  /** The load result: `loaded`, or `load-error` when the snippet did not load. */
  load: LoadedEvent | LoadErrorEvent;
  /** Every event in time order, `t` in ms since the trace began, ending with the summary. */
  events: TimelineEvent[];
}

/** EventSource clients reconnect for ever; without a duration, a trace of them stops after this. */
export const defaultEventSourceDurationMs = 5_000;
/** A WebSocket stays open until someone closes it; without a duration, the clients close after this. */
export const defaultWebSocketDurationMs = 2_000;

/** The duration a trace of `client` gets when none is given. */
export function defaultDurationMs(client: ClientKind): number | undefined {
  if (client === "eventsource") return defaultEventSourceDurationMs;
  if (client === "websocket") return defaultWebSocketDurationMs;
  return undefined;
}

export async function traceSnippet(options: TraceOptions): Promise<TraceResult> {
  const snippetPath = resolve(options.snippetPath);
  const source = options.source ?? (await Bun.file(snippetPath).text());
  const cleanupGraceMs = options.cleanupGraceMs ?? 3_000;
  const began = options.began ?? performance.now();
  const events: TimelineEvent[] = [];
  /** Set once the timeline is taken: what the runner says while it stops comes after the trace's end. */
  let over = false;
  // A client's reset waits a moment for the server side's cause (an idle timeout, a lost runner).
  // Clients that all come back at one moment are told as a storm, once every end has its story.
  const storms = createReconnectStorms({
    emit: (event) => {
      if (over) return;
      events.push(event);
      options.onEvent?.(event);
    },
    sourceOf: () => source,
  });
  const story = createEndStory({ emit: storms.take });
  const record = story.take;

  const durationMs = options.durationMs ?? defaultDurationMs(options.client ?? "stream");
  // The duration is the snippet's: it counts from the runner serving, not from the playground's own
  // start, which a busy machine can stretch past a short trace's whole length. Until then only a
  // stop ends the trace (and the runner's start has its own time limit).
  const starting = endOfTrace(undefined, options.stop);
  let end = starting;
  // Connections from outside the trace (curl while it runs) get lanes after the trace's own clients.
  let lastLane = options.clients ?? 1;
  const runner = createRunner({
    onEvent: record,
    cleanupGraceMs,
    topLevelTimeoutMs: options.topLevelTimeoutMs,
    outsideLane: () => ++lastLane,
  });
  try {
    // Whichever comes first: the runner serving, or a stop (which stops the runner).
    const start = runner.start();
    const started = await Promise.race([start.then(() => true), starting.reached.then(() => false)]);
    starting.cancel();
    if (!started) {
      await runner.stop(starting.reason());
      await start.catch(() => undefined);
      const load: LoadErrorEvent = {
        t: performance.now(),
        lane: 0,
        side: "runner",
        kind: "load-error",
        version: 1,
        failure: "runner-lost",
        message: `${starting.reason()} before the runner started`,
      };
      record(load);
      story.flush();
      over = true;
      return { load, events: rebaseTimeline(events, began) };
    }
    end = endOfTrace(durationMs, options.stop);
    const loading = runner.load(source, snippetPath);
    const answered = await Promise.race([loading.then(() => true), end.reached.then(() => false)]);
    // Stopping the runner answers the load still running with a load error, which names the reason.
    if (!answered) await runner.stop(end.reason());
    const load = await loading;
    if (load.kind === "loaded")
      await runTraceClients({ url: new URL(options.path ?? "/", runner.url).href, options, end, record });
    // Cleanup can only be waited for where it can happen: give it the grace period and a little more.
    if (answered) {
      const open = await runner.settle(quietSettleMs);
      if (open > 0) {
        const waitMs = cleanupGraceMs + 200;
        options.onSettling?.({ open, waitMs });
        await runner.settle(waitMs);
      }
    }
    story.flush();
    over = true;
    return { load, events: rebaseTimeline(events, began) };
  } finally {
    end.cancel();
    await runner.stop();
  }
}
