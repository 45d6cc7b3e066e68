/**
 * Driving a runner: the supervisor starts the runner process and keeps it alive, and a trace puts
 * a runner (or any URL) and its clients on one clock. The host, the CLI, the testing import and
 * the benchmarks run it.
 */

export { createRunner, type Runner, type RunnerOptions } from "./supervisor.ts";
export {
  defaultDurationMs,
  defaultEventSourceDurationMs,
  defaultWebSocketDurationMs,
  type TraceClientOptions,
  type TraceOptions,
  type TraceResult,
  traceSnippet,
} from "./trace.ts";
export { reachedServer, traceUrl, urlProblem, type UrlTraceOptions, type UrlTraceResult } from "./trace-url.ts";
