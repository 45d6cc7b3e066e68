/**
 * `traceStream`: run a snippet (or point clients at any URL) from a `bun test` file and get its
 * timeline back, events on both sides on one clock, ready for the stream matchers.
 */

import { resolve } from "node:path";
import { evaluateExpectations, type Evaluation } from "../expect/index.ts";
import type { Expectation, LoadedEvent, LoadErrorEvent, TimelineEvent } from "../contract/index.ts";
import { traceSnippet, type TraceClientOptions, traceUrl } from "../supervisor/index.ts";

export interface SnippetTarget {
  /** The snippet's file; its folder is where its imports resolve from. */
  snippet: string;
  /** Its source, when it is not the file's (read from `snippet` when left out). */
  source?: string | undefined;
  /** Path (and query) the clients request. */
  path?: string | undefined;
  /** How long the server's cleanup may take before it counts as leaked (3000 ms). */
  cleanupGraceMs?: number | undefined;
}

export interface UrlTarget {
  /** Any server: `http:`, `https:`, `ws:` or `wss:`. Only its client side is seen. */
  url: string;
}

export type StreamTraceOptions = (SnippetTarget | UrlTarget) & TraceClientOptions;

/** A traced stream: what the matchers take. */
export interface StreamTimeline {
  /** Every event in time order, `t` in ms since the trace began. */
  events: TimelineEvent[];
  /** The snippet's load (`loaded`, or `load-error` with its line); undefined for a URL. */
  load?: LoadedEvent | LoadErrorEvent | undefined;
  /** Checks expectations against the timeline. */
  check(expectations: readonly Expectation[]): Evaluation;
}

function timelineOf(events: TimelineEvent[], load?: LoadedEvent | LoadErrorEvent): StreamTimeline {
  return { events, load, check: (expectations) => evaluateExpectations(expectations, events) };
}

/**
 * Loads the snippet into a fresh runner (or targets the URL), opens the clients, records both
 * sides until the streams end or `durationMs` passes, and gives back the timeline.
 */
export async function traceStream(options: StreamTraceOptions): Promise<StreamTimeline> {
  if ("url" in options) {
    const { events } = await traceUrl(options);
    return timelineOf(events);
  }
  const { snippet, ...rest } = options;
  const result = await traceSnippet({ ...rest, snippetPath: resolve(snippet) });
  return timelineOf(result.events, result.load);
}
