/**
 * The runner: a child process that owns one `Bun.serve` on 127.0.0.1 for its whole life and swaps
 * each newly loaded snippet version in with `server.reload`. It reports everything it sees to the
 * host over IPC. The host restarts it when it stops answering; nothing here needs to survive that.
 *
 * Started by the supervisor as `bun runner-process.ts`, with `PLAYGROUND_RUNNER_PORT` naming the
 * port to keep (0 for any).
 */

import { installAbortListenerTracking } from "./abort-listeners.ts";
import { installConsoleCapture } from "./console-capture.ts";
import { installBodyInstrumentation } from "./instrument-body.ts";
import { instrumentHandlers } from "./instrument-handler.ts";
import { createWebSocketInstrumentation } from "./instrument-websocket.ts";
import {
  nativeBunServe,
  nativeClearTimeout,
  nativeProcessExit,
  nativeSetInterval,
  nativeSetTimeout,
} from "./native-globals.ts";
import {
  createEndpoint,
  runnerRequestChecks,
  type LoadResult,
  type NoRequests,
  type RunnerPushes,
  type RunnerRequests,
  type RunnerProducedEvent,
} from "../contract/index.ts";
import { loadSnippetVersion } from "./load-version.ts";
import { createNodeHttpBridge } from "./node-http-bridge.ts";
import { createOutsideConnections } from "./outside-connections.ts";
import { installProcessGuard } from "./process-guard.ts";
import { guardRequest } from "./request-guard.ts";
import { createRequestTracker, requestStorage } from "./request-tracker.ts";
import { openPulseWriter, readableStack, runnerPulseVariable, writeNote } from "../shared/index.ts";
import { createSnippetLoader } from "./snippet-loader.ts";
import { installTimerTracking } from "./timer-tracking.ts";
import { createStreamPitfalls } from "./stream-pitfalls.ts";
import { createRepeatFold } from "./repeat-fold.ts";
import { callerLine, snippetPosition } from "./snippet-paths.ts";

const heartbeatMs = 100;
/** The heartbeat's second way to the host, read without its event loop (`src/shared/runner-pulse.ts`). */
const pulseFile = openPulseWriter(process.env[runnerPulseVariable]);
// Opened: the snippet has no use for its number.
delete process.env[runnerPulseVariable];
/** Events are sent in batches: at most this long after the first one of a batch. */
const batchDelayMs = 4;
const batchMax = 2_000;

let clockOffset = 0;
const now = () => performance.now() + clockOffset;

let batch: RunnerProducedEvent[] = [];
let batchTimer: ReturnType<typeof setTimeout> | undefined;
let batchSeq = 0;
/**
 * Batches handed to the channel that it has not finished writing, by number (oldest first): a
 * burst of a thousand writes is a message of about a megabyte, which a process that ends meanwhile loses.
 */
const unwritten = new Map<number, RunnerProducedEvent[]>();
/** The number of the batch the endpoint is sending now, for its send to know when it was written. */
let sending: number | undefined;
function flush(): void {
  batchTimer = undefined;
  if (batch.length === 0) return;
  const seq = ++batchSeq;
  unwritten.set(seq, batch);
  sending = seq;
  host.push("events", { seq, events: batch });
  sending = undefined;
  batch = [];
}
function emit(event: RunnerProducedEvent): void {
  batch.push(event);
  if (batch.length >= batchMax) flush();
  else if (batchTimer === undefined) batchTimer = nativeSetTimeout(flush, batchDelayMs);
}

let snippetPath = "snippet.ts";
const readable = (stack: string | undefined) => readableStack(stack, snippetPath);

// Each request is noted before its handler runs: if the handler blocks the event loop, the host can still name it.
/** Each loaded version's source, for pointing a pitfall at a line when no write names one. */
const sources = new Map<number, string>();
const tracker = createRequestTracker({
  now,
  emit,
  cleanupGraceMs: 3_000,
  onRequest: (request) => writeNote({ kind: "request", ...request }),
  pitfalls: createStreamPitfalls({
    now,
    emit,
    sourceLine(version, pattern) {
      const lines = sources.get(version)?.split(/\r\n|\r|\n/) ?? [];
      // Comments say what code does; the line that does it is the one to point at.
      const index = lines.findIndex((line) => !/^\s*(\/\/|\/?\*)/.test(line) && pattern.test(line));
      return index === -1 ? undefined : index + 1;
    },
  }),
});
installTimerTracking(now, tracker);
installConsoleCapture(now, emit);
const bodies = installBodyInstrumentation(tracker, readable, (line) =>
  emit({
    t: now(),
    lane: 0,
    side: "runner",
    kind: "log",
    level: "warn",
    text: "new Response() was given a function that is not an async generator function: Bun sends its source text as the body",
    line,
  }),
);
const abortListeners = installAbortListenerTracking(tracker);
const outside = createOutsideConnections({ now, emit });
/** Errors already recorded where they were thrown (a `websocket` handler), which Bun then reports as uncaught too. */
const reportedErrors = new WeakSet<object>();
const websockets = createWebSocketInstrumentation({
  tracker,
  readable,
  emit,
  pulse: () => pulse(),
  reported: (error) => {
    if (error !== null && typeof error === "object") reportedErrors.add(error);
  },
});

function listen(port: number) {
  return nativeBunServe({
    port,
    hostname: "127.0.0.1",
    fetch: (request): Response => guardRequest(request) ?? new Response("No snippet is loaded yet.", { status: 503 }),
  });
}

const wantedPort = Number(process.env.PLAYGROUND_RUNNER_PORT ?? 0);
let server: ReturnType<typeof listen>;
try {
  server = listen(wantedPort);
} catch {
  // The port we had is taken by now: any port is better than none; the host reports the change.
  server = listen(0);
}

// `server.timeout(req, n)` from the snippet changes that request's idle timeout: the timeline needs it to tell
// Bun closing a quiet connection from a client leaving.
const setTimeout_ = server.timeout.bind(server);
server.timeout = (request: Request, seconds: number) => {
  const ctx = requestStorage.getStore();
  if (ctx) tracker.setIdleTimeout(ctx, seconds, "request");
  return setTimeout_(request, seconds);
};
websockets.install(server);
const nodeHttp = createNodeHttpBridge({ tracker, readable, server: () => server });
const loader = createSnippetLoader({ server: () => server, topLevelTimeoutMs: 5_000, nodeHttp });

function load(version: number, source: string, path: string): Promise<LoadResult> {
  sources.set(version, source);
  // Streams of the last versions may still be open; older sources are let go.
  if (sources.size > 20) sources.delete(sources.keys().next().value!);
  snippetPath = path;
  return loadSnippetVersion({
    version,
    source,
    path,
    loader,
    reload: (handlers) => {
      const options = instrumentHandlers(version, handlers, {
        tracker,
        bodies,
        readable,
        watchSignal: abortListeners.watch,
        websockets,
        outside,
      });
      server.reload(options as never);
      // Only a version Bun took: one it refused must not take over the node:http bridge.
      loader.activate(version);
      websockets.activate(version, handlers.websocket, options.websocket);
    },
  });
}

// Every request from the host is answered exactly once: with its reply, or with an error when it is
// malformed or its handler throws. The runner never asks the host anything.
// The IPC channel is the playground's own: taken here, before any snippet runs, and then hidden, so
// snippet code sees what it would under plain `bun` (no parent to send to) and cannot flood the
// host with messages, read its requests or cut the channel.
const sendToHost = process.send?.bind(process);
if (!sendToHost) throw new Error("the runner must be started by the playground, with an IPC channel");
for (const name of ["send", "disconnect", "channel"] as const)
  Object.defineProperty(process, name, { value: undefined, configurable: true, writable: true });
Object.defineProperty(process, "connected", { value: false, configurable: true, writable: true });

/** Sends a message; once the channel has written it, a batch it carried is no longer unwritten. */
function send(message: unknown): void {
  const batchSent = sending;
  sending = undefined;
  if (batchSent === undefined) sendToHost!(message);
  else sendToHost!(message, undefined, undefined, () => unwritten.delete(batchSent));
}

const host = createEndpoint<NoRequests, RunnerRequests, RunnerPushes>({
  peer: "the host",
  send,
  answers: {
    checks: runnerRequestChecks,
    handlers: {
      load: (request) => load(request.version, request.source, request.path),
      "clock-ping": () => ({ now: performance.now() }),
      "clock-set": (request) => {
        clockOffset = request.offsetMs;
        return {};
      },
      configure: (request) => {
        tracker.setCleanupGrace(request.cleanupGraceMs);
        loader.setTopLevelTimeout(request.topLevelTimeoutMs);
        return {};
      },
      settle: async (request) => {
        const open = await tracker.settled(request.timeoutMs);
        sendHeld();
        return { open };
      },
      close: async (request) => {
        tracker.serverStopping(request.detail);
        // Closes the listener and every connection: each open request's signal aborts, its body is cancelled.
        await server.stop(true);
        const open = await tracker.settled(request.timeoutMs);
        sendHeld();
        return { open };
      },
    },
  },
  onProblem: (problem) =>
    emit({
      t: now(),
      lane: 0,
      side: "runner",
      kind: "uncaught",
      message: `the runner could not take a message from the host: ${problem}`,
    }),
  timers: {
    setTimeout: (callback, ms) => nativeSetTimeout(callback, ms),
    clearTimeout: (handle) => nativeClearTimeout(handle as ReturnType<typeof setTimeout>),
  },
});

process.on("message", (value: unknown) => host.receive(value));
// A snippet's own "message" listener would hear the host's requests; under plain `bun` it never hears anything.
for (const name of ["on", "addListener", "once", "prependListener", "prependOnceListener"] as const) {
  const original = process[name];
  Object.defineProperty(process, name, {
    value: function (this: NodeJS.Process, event: string | symbol, listener: (...args: unknown[]) => void) {
      return event === "message" ? this : Reflect.apply(original, this, [event, listener]);
    },
    configurable: true,
    writable: true,
  });
}

function reportUncaught(error: unknown): void {
  if (error !== null && typeof error === "object" && reportedErrors.has(error)) return;
  const err = error instanceof Error ? error : new Error(String(error));
  const message = `${err.name}: ${err.message}`;
  const { line, version } = snippetPosition(err.stack) ?? {};
  const t = now();
  if (!uncaughtRepeats.admit(`${version ?? "-"}:${line ?? "-"}:${message}`, t)) return;
  emit({ t, lane: 0, side: "runner", kind: "uncaught", message, line, version, stack: readable(err.stack) });
}
/** A leaked timer that throws on every tick is told a few times, then counted. */
const uncaughtRepeats = createRepeatFold({
  of: "uncaught",
  now,
  emit,
  setTimer: (run, ms) => nativeSetTimeout(run, ms).unref(),
});
// A throw in a snippet's timer or a rejected promise nobody awaited must not end the runner.
process.on("uncaughtException", reportUncaught);
process.on("unhandledRejection", reportUncaught);

/** What flood control and the repeat fold are still counting is recorded now (into the batch). */
function closeFolds(): void {
  uncaughtRepeats.flush();
  tracker.flushFolds();
  websockets.flushFolds();
}

/** Folds closed and the batch sent: the host asks for the timeline so far (`settle`, `close`), or the runner is about to end. */
function sendHeld(): void {
  closeFolds();
  flush();
}

/**
 * Ends the process now. What was recorded and not yet written to the host (the batches the channel
 * still holds, the batch being gathered, the folds still counting) is written to stderr first, as
 * notes: written synchronously, they arrive whole even though the process is gone a moment later,
 * where a process that ends with messages in the channel loses them (measured: of 5,000 messages
 * of 230 bytes sent just before, about half arrived; a burst of a thousand writes is a message of
 * a megabyte). The host takes each batch once, by its number, whichever way it came first.
 */
function endNow(code: number, snippetExit?: { line: number | undefined }): never {
  try {
    closeFolds();
    for (const [seq, events] of unwritten) writeNote({ kind: "events", seq, events });
    if (batch.length > 0) writeNote({ kind: "events", seq: ++batchSeq, events: batch });
    batch = [];
    // The snippet called `process.exit`: the host tells the exit apart from its own SIGTERM by this note.
    if (snippetExit) writeNote({ kind: "exit", code, line: snippetExit.line });
  } catch {
    // Nothing more can be told (stderr gone): the process ends all the same, as a restart waits for it.
  }
  return nativeProcessExit(code);
}

// A snippet's `process.exit` ends the process now, as it does under plain Bun; the host learns why
// from the exit note, with the snippet's line.
process.exit = ((code?: number | string | null) =>
  endNow(Number(code ?? process.exitCode ?? 0) || 0, { line: callerLine() })) as typeof process.exit;

// The host owns this process: when it goes (even killed without a chance to stop us), so do we.
process.on("disconnect", () => nativeProcessExit(0));
// Ctrl+C in a terminal reaches the whole process group; the host decides when the runner stops.
process.on("SIGINT", () => {});
// The host stops the runner with SIGTERM. Listening first, this ends it even when a snippet's
// library listens too and would only shut its server down (h3's serve does, graceful for 5 s).
process.on("SIGTERM", () => endNow(0));

let lastHeartbeatAt = performance.now();
/** Memory is read with every tenth heartbeat: once a second is often enough to watch it. */
const memoryEvery = 10;
let heartbeats = 0;
function heartbeat(): void {
  lastHeartbeatAt = performance.now();
  pulseFile.beat();
  const memory =
    heartbeats++ % memoryEvery === 0
      ? { rssBytes: process.memoryUsage.rss(), heapBytes: process.memoryUsage().heapUsed }
      : undefined;
  host.push("heartbeat", { inFlight: tracker.inFlight, memory });
}
nativeSetInterval(heartbeat, heartbeatMs);
/**
 * A flood of WebSocket messages can keep Bun reading the socket for most of a second without
 * running a timer (measured: 600 ms gaps on a busy 2-core machine), while the snippet's handlers
 * run all along. Those handlers send the heartbeat then, so a busy runner is not mistaken for a
 * blocked one; a `while (true) {}` runs no handler and is still caught.
 */
function pulse(): void {
  if (performance.now() - lastHeartbeatAt >= heartbeatMs) heartbeat();
}

installProcessGuard({
  hostPid: process.ppid,
  report: (text, line) =>
    emit({
      t: now(),
      lane: requestStorage.getStore()?.lane ?? 0,
      side: "runner",
      kind: "log",
      level: "error",
      text,
      line,
      requestId: requestStorage.getStore()?.requestId,
    }),
});

host.push("ready", { port: server.port ?? 0, pid: process.pid });
