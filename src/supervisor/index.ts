/**
 * Driving a runner: the supervisor starts the runner process and keeps it alive, and a trace puts
 * a runner (or any URL) and its clients on one clock, and clients open on lanes for the host's
 * session and for traces alike. The host, the CLI, the testing import and
 * the benchmarks run it.
 */

export { createEndStory, type EndStory, type EndStoryOptions } from "./end-story.ts";
export { createReconnectStorms, type ReconnectStorms, type ReconnectStormsOptions } from "./reconnect-storms.ts";
export { type LaneClient, type LaneClientOptions, openLaneClient, type TraceClientOptions } from "./lanes.ts";
export { createRunner, defaultCleanupGraceMs, type Runner, type RunnerOptions } from "./supervisor.ts";
export {
  defaultDurationMs,
  defaultEventSourceDurationMs,
  defaultWebSocketDurationMs,
  type TraceOptions,
  type TraceResult,
  traceSnippet,
} from "./trace.ts";
export { reachedServer, traceUrl, urlProblem, type UrlTraceOptions, type UrlTraceResult } from "./trace-url.ts";
