/**
 * The settings of one trace run from the terminal: an expectation file's `trace` settings (or the
 * try line of the lesson beside the snippet), with the command line's options on top, as the
 * options `traceSnippet` and `traceUrl` take.
 */

import {
  clientKindFor,
  clientRequestOf,
  definedFields,
  type LaneRequest,
  type TraceSettings,
} from "../contract/index.ts";
import { type TraceArgs, traceSettingsOfArgs } from "../shared/index.ts";

/** The settings that shape no request: how long the trace runs, how long cleanup may take, where a payload's text is. */
const runOnlySettings: readonly string[] = ["durationMs", "cleanupGraceMs", "lens"] satisfies (keyof TraceSettings)[];

/** Whether the command line names a request of its own (a path, a client, a header…), not only how to run one. */
export function namesARequest(args: TraceArgs): boolean {
  return Object.entries(definedFields(traceSettingsOfArgs(args))).some(
    ([field, value]) =>
      !runOnlySettings.includes(field) && !(field === "headers" && Object.keys(value as object).length === 0),
  );
}

/** The file's settings, each replaced by the command line's when it gives one; headers are merged. */
export function mergeTraceSettings(file: TraceSettings | undefined, args: TraceArgs): TraceSettings {
  return { ...file, ...definedFields(traceSettingsOfArgs(args)), headers: { ...file?.headers, ...args.headers } };
}

/** The request each lane's client made in a run, as a recording keeps it. */
export function laneRequestsOf(run: TraceSettings): LaneRequest[] {
  const request = clientRequestOf(run);
  return Array.from({ length: request.clients }, (_, i) => ({ lane: i + 1, request }));
}

/**
 * The run in a few words, for the report's first line: `eventsource × 2, GET /events` (a URL is named beside it
 * already).
 */
export function describeRun(run: TraceSettings): string {
  const count = (run.clients ?? 1) > 1 ? ` × ${run.clients}` : "";
  return `${clientKindFor(run.client, run.url)}${count}, ${run.method ?? "GET"}${run.url === undefined ? ` ${run.path ?? "/"}` : ""}`;
}
