/**
 * The host's handle on the runner process: starts it, puts it on the host's clock, loads snippet
 * versions into it, and keeps it alive. A runner that stops answering heartbeats (a blocked event
 * loop), calls `process.exit`, crashes, or leaves a request unanswered past its time limit is
 * replaced by a new one on the same port, which reloads the last version that loaded. A runner
 * that has imported many versions is replaced while idle, since every import stays in memory for
 * good. The runner leads a process group of its own, and the group goes with it: a restart or a
 * stop leaves nothing a snippet spawned running.
 *
 * Every load is answered, whatever the snippet does: with `loaded`, or with `load-error` once the
 * last good version serves again.
 */

import type { Subprocess } from "bun";
import { fileURLToPath } from "node:url";
import {
  createEndpoint,
  errorMessage,
  outsideConnectionOf,
  RequestError,
  runnerPushChecks,
  runnerRequestChecks,
  syncClock,
  type Endpoint,
  type LoadedEvent,
  type LoadErrorEvent,
  type LoadFailed,
  type NoPushes,
  type NoRequests,
  type PushPayload,
  type RestartCause,
  type RunnerProducedEvent,
  type RunnerPushes,
  type RunnerRequests,
  type TimelineEvent,
  type TypeOf,
} from "../contract/index.ts";
import {
  createPulseReader,
  isBunIdleTimeoutWarning,
  parseNote,
  type PulseReader,
  pulseDescriptor,
  runnerPulseVariable,
} from "../shared/index.ts";
import { type BatchLedger, createBatchLedger } from "./batch-ledger.ts";
import { createRunnerStderr } from "./error-print.ts";
import { runnerBunFlags, runnerBunPath } from "./runner-bun.ts";

/** How long a started cleanup may take, unless told otherwise, before it is reported as leaked. */
export const defaultCleanupGraceMs = 3_000;

export interface RunnerOptions {
  /** Receives every event: the runner's own, its load results, restarts and its output. */
  onEvent: (event: TimelineEvent) => void;
  /** The host's clock, in ms. Every event is stamped on it. */
  now?: () => number;
  /** Port to serve on; 0 picks a free one, which is then kept across restarts. */
  port?: number;
  /** How long a cleanup may take before it is reported as leaked (default `defaultCleanupGraceMs`). */
  cleanupGraceMs?: number;
  /** How long a snippet's top-level code may await before its load is given up. */
  topLevelTimeoutMs?: number;
  /** Silence, in ms, after which the runner counts as blocked and is restarted. */
  watchdogMs?: number;
  /** Imported versions after which the runner is replaced at the next load when idle. */
  recycleAfterLoads?: number;
  /**
   * How long the runner may take to answer a request, on top of the time the request itself
   * allows (a load's top-level timeout, a settle's wait). A request unanswered past it counts as a
   * lost runner: it is killed and restarted.
   */
  replyTimeoutMs?: number;
  /** The runner's script; `runner-process.ts` when left out (tests hand in runners that misbehave). */
  entry?: string;
  /**
   * Resident memory, in MB, past which the runner is replaced by a fresh one once the requests it
   * serves have ended (the timeline says so when it crosses it). `STREAM_PLAYGROUND_MEMORY_LIMIT_MB`,
   * else 2048, when left out.
   */
  memoryLimitMb?: number;
  /**
   * A lane for a new connection from outside the playground (curl, a browser tab, the user's app),
   * which the runner numbers on lanes of its own (`outsideLaneOf`); numbered from 1001 when left out.
   */
  outsideLane?: () => number;
}

/** A version that loaded, kept so a new runner can serve it again. */
interface GoodVersion {
  version: number;
  source: string;
  path: string;
}

const runnerEntry = fileURLToPath(new URL("../runner/runner-process.ts", import.meta.url));
/** How often the watchdog looks; small, so detection lands close to `watchdogMs`. */
const heartbeatCheckMs = 25;
const clockSamples = 8;
/** A runner that is not serving this long after it was spawned is killed and counts as crashed. */
const startTimeoutMs = 10_000;
/** Restarts within this window count towards a crash loop. */
const crashLoopWindowMs = 5_000;
const crashLoopRestarts = 3;
/** Versions whose source is kept for the code frames of their errors: the latest this many. */
const keptSources = 64;

/** The runner's memory limit: `STREAM_PLAYGROUND_MEMORY_LIMIT_MB`, else 2 GB. */
function defaultMemoryLimitMb(): number {
  const named = Number(process.env.STREAM_PLAYGROUND_MEMORY_LIMIT_MB);
  return Number.isFinite(named) && named > 0 ? named : 2_048;
}

/** A SIGTERM'd runner that has not exited after this long is killed. */
const stopGraceMs = 2_000;

/** The runner went away (or was given up on) while a request to it was open. */
class RunnerLost extends Error {
  constructor(
    message: string,
    /** Snippet line the cause points at, when known (where `process.exit` was called). */
    readonly line?: number | undefined,
  ) {
    super(message);
  }
}

/** The host's handle on one runner process, kept alive across restarts on the same port. */
export interface Runner {
  /** Starts the runner process; resolves once it serves and is on the host's clock. */
  start(): Promise<void>;
  /** Loads a new version of the snippet. The event is also passed to `onEvent`. */
  load(source: string, path: string): Promise<LoadedEvent | LoadErrorEvent>;
  /**
   * Waits until no request is open and every cleanup has finished or been reported; returns how many are still open.
   */
  settle(timeoutMs: number): Promise<number>;
  /**
   * The first step of stopping for good when the timeline should tell how open requests ended:
   * the runner closes every open connection as a server shut down does (`detail` says why on
   * each request's abort), and this waits up to `timeoutMs` for their cleanups. Resolves with how
   * many were still open then; `stop` ends the runner after it. Nothing restarts the runner from
   * here on.
   */
  close(detail: string, timeoutMs: number): Promise<number>;
  /**
   * Stops the runner for good; a request still open (a load) is answered as lost, with `reason`.
   * A runner that does not exit on SIGTERM within a moment is killed.
   */
  stop(reason?: string): Promise<void>;
  /**
   * Replaces the runner by a fresh one on the same port, serving the last good version again: what
   * the snippet left running (timers, streams, child processes) ends with the old one.
   */
  restart(reason: string): Promise<void>;
  /** Where the runner serves, e.g. `http://127.0.0.1:41234/`; the same across restarts. */
  readonly url: string;
  /** The port the runner serves on: the one asked for, else 0 until it has started. */
  readonly port: number;
  /** The process id of the runner now running, if one is. */
  readonly pid: number | undefined;
  /** The version serving new requests, if any loaded. */
  readonly serving: number | undefined;
}

export function createRunner(options: RunnerOptions): Runner {
  const now = options.now ?? (() => performance.now());
  const emit = options.onEvent;
  const watchdogMs = options.watchdogMs ?? 800;
  const recycleAfterLoads = options.recycleAfterLoads ?? 500;
  const cleanupGraceMs = options.cleanupGraceMs ?? defaultCleanupGraceMs;
  const topLevelTimeoutMs = options.topLevelTimeoutMs ?? 5_000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
  const memoryLimitBytes = (options.memoryLimitMb ?? defaultMemoryLimitMb()) * 1024 * 1024;

  let child: Subprocess<"ignore", "pipe", "pipe"> | undefined;
  /** The current runner's end of IPC. */
  let runnerEnd: Endpoint<RunnerRequests, NoPushes> | undefined;
  let port = options.port ?? 0;
  let nextVersion = 1;
  let lastGood: GoodVersion | undefined;
  let loading: number | undefined;
  let lastHeartbeat = 0;
  /** The current runner's pulse file, and the count last read from it. */
  let pulse: PulseReader | undefined;
  let lastPulse: number | undefined;
  /** Snippet versions the current runner process has imported (each stays in its memory). */
  let importedByRunner = 0;
  let inFlight = 0;
  let stopping = false;
  /** Between spawning a runner and its `ready`: the watchdog leaves it alone. */
  let starting = false;
  let killedBecause: RestartCause | undefined;
  /** For `unanswered`: the request that went unanswered, and its time limit. */
  let unanswered: string | undefined;
  /** Why `stop` was called, for a request still open when it was. */
  let stopReason = "the runner was stopped";
  let exitNote: { code: number; line: number | undefined } | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** Settles when the latest restart has finished (or at once, when none is under way). */
  let restarting: Promise<void> = Promise.resolve();
  /**
   * Recent restarts, by cause: a crash loop is one cause repeating (a snippet that exits on every
   * request), so a blocked loop and an exit between them do not add up to one.
   */
  const restarts = new Map<RestartCause, number[]>();
  /** Requests seen starting and not yet ended, newest last: named when the runner blocks, ended when it is lost. */
  const openRequests = new Map<number, { description: string; lane: number; version: number }>();
  /** Requests whose end arrived (over IPC) perhaps before their start note (over stderr). */
  const endedRequests = new Set<number>();
  /** The sources of the latest versions, for drawing the code frames Bun prints again (`error-print.ts`). */
  const versionSources = new Map<number, string>();
  let ready = Promise.withResolvers<void>();
  let exited = Promise.withResolvers<void>();

  /** A line (or a print of Bun's) of the runner's own output, at the time it was read (now, when left out). */
  function runnerLog(level: "stdout" | "stderr", text: string, readAt = now()): void {
    emit({ t: readAt, lane: 0, side: "runner", kind: "log", level, text });
  }

  /** Set once the current runner held more than its limit: it is replaced when next idle. */
  let overLimit: { rssBytes: number } | undefined;
  let recycling = false;
  const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

  function watchMemory(memory: { rssBytes: number; heapBytes: number }): void {
    if (overLimit === undefined && memory.rssBytes > memoryLimitBytes) {
      overLimit = { rssBytes: memory.rssBytes };
      const serving = [...openRequests.values()].map((open) => open.description);
      const then =
        serving.length === 0
          ? "it is replaced by a fresh one now"
          : `it is replaced by a fresh one once the ${serving.length === 1 ? "request" : `${serving.length} requests`} it serves ${serving.length === 1 ? "has" : "have"} ended: ${serving.slice(0, 5).join(", ")}${serving.length > 5 ? ", …" : ""}`;
      emit({
        t: now(),
        lane: 0,
        side: "runner",
        kind: "log",
        level: "warn",
        text: `the runner holds ${mb(memory.rssBytes)} (the JavaScript heap ${mb(memory.heapBytes)}), over its limit of ${mb(memoryLimitBytes)} (STREAM_PLAYGROUND_MEMORY_LIMIT_MB); ${then}`,
      });
    }
    if (overLimit !== undefined && !recycling && inFlight === 0 && openRequests.size === 0) {
      recycling = true;
      // In the load queue, so that no load goes to a runner on its way out.
      const held = overLimit.rssBytes;
      const replaced = queue.then(async () => {
        if (!child || stopping || overLimit === undefined) return;
        await restarting;
        await recycle(
          `the runner held ${mb(held)}, over its limit of ${mb(memoryLimitBytes)}; replaced by a fresh one`,
        );
      });
      queue = replaced.catch(() => undefined);
      void replaced
        .catch((error: unknown) => runnerLog("stderr", `replacing the runner failed: ${errorMessage(error)}`))
        .finally(() => {
          recycling = false;
        });
    }
  }

  /** The lane each outside connection of the current runner process was given. */
  let outsideLanes = new Map<number, number>();
  let nextDefaultOutsideLane = 1_001;
  const newOutsideLane = options.outsideLane ?? (() => nextDefaultOutsideLane++);
  /** The driver's lane for a runner lane: the same, or the one its outside connection was given. */
  function laneOf(runnerLane: number): number {
    const connection = outsideConnectionOf(runnerLane);
    if (connection === undefined) return runnerLane;
    let lane = outsideLanes.get(connection);
    if (lane === undefined) {
      lane = newOutsideLane();
      outsideLanes.set(connection, lane);
    }
    return lane;
  }

  function takeEvents(events: readonly RunnerProducedEvent[]): void {
    for (const runnerEvent of events) {
      const event = runnerEvent.lane < 0 ? { ...runnerEvent, lane: laneOf(runnerEvent.lane) } : runnerEvent;
      followRequests(event);
      emit(event);
    }
  }

  function onPush(push: PushPayload<RunnerPushes>, batches: BatchLedger): void {
    switch (push.type) {
      case "events":
        if (batches.take(push.seq, "ipc")) takeEvents(push.events);
        return;
      case "heartbeat":
        inFlight = push.inFlight;
        if (push.memory) watchMemory(push.memory);
        return;
      case "ready":
        port = push.port;
        ready.resolve();
        return;
      default: {
        const unknown: never = push;
        runnerLog("stderr", `unexpected push from the runner: ${JSON.stringify(unknown)}`);
      }
    }
  }

  function followRequests(event: TimelineEvent): void {
    if (event.side !== "server") return;
    // A request upgraded to a WebSocket ends when its socket closes.
    if (
      event.kind === "end" ||
      event.kind === "cancel" ||
      event.kind === "abort" ||
      event.kind === "ws-close" ||
      (event.kind === "error" && event.during === "body")
    ) {
      if (!openRequests.delete(event.requestId)) {
        endedRequests.add(event.requestId);
        // Only a race between the two channels leaves an id here; keep the set from growing.
        if (endedRequests.size > 1_000) endedRequests.clear();
      }
    }
  }

  /**
   * Asks the current runner. Anything but a reply (a timeout, an error, a malformed reply) leaves
   * the runner in a state nobody knows, so it counts as lost: it is killed, the restart reloads
   * the last good version, and the caller gets a `RunnerLost`.
   */
  async function request<K extends TypeOf<RunnerRequests>>(
    type: K,
    fields: RunnerRequests[K]["request"],
    timeoutMs?: number,
  ): Promise<RunnerRequests[K]["reply"]> {
    const target = child;
    const end = runnerEnd;
    if (!target || !end) throw new RunnerLost("the runner is not running");
    try {
      return await end.request(type, fields, { timeoutMs });
    } catch (error) {
      // A `RunnerLost` (the runner exited while this was open) is already what the caller needs.
      if (!(error instanceof RequestError)) throw error;
      if (error.kind !== "closed" && child === target && !stopping) {
        killedBecause ??= "unanswered";
        unanswered ??= error.message;
        target.kill("SIGKILL");
      }
      throw new RunnerLost(error.message);
    }
  }

  async function pipeLines(
    stream: ReadableStream<Uint8Array>,
    level: "stdout" | "stderr",
    batches: BatchLedger,
  ): Promise<void> {
    const decoder = new TextDecoder();
    // Bun's own prints on stderr are read a read at a time (a print's frame and its stack together).
    const output =
      level === "stderr"
        ? createRunnerStderr({
            sourceOf: (version) => versionSources.get(version),
            emit: (entry, readAt) => runnerLog(level, entry, readAt),
          })
        : {
            take(lines: readonly string[], readAt: number) {
              for (const line of lines) runnerLog(level, line, readAt);
            },
            end() {},
          };
    let pending = "";
    for await (const chunk of stream) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      const logged: string[] = [];
      for (const line of lines) {
        const note = level === "stderr" ? parseNote(line) : undefined;
        // The request's own abort says it, with the limit that really applied.
        if (level === "stderr" && isBunIdleTimeoutWarning(line)) continue;
        if (!note) logged.push(line);
        else if (note.kind === "exit") exitNote = { code: note.code, line: note.line };
        else if (note.kind === "events") {
          if (batches.take(note.seq, "stderr")) takeEvents(note.events);
        } else if (!endedRequests.delete(note.requestId))
          openRequests.set(note.requestId, {
            description: `${note.method} ${note.path} (request ${note.requestId}, v${note.version})`,
            lane: laneOf(note.lane),
            version: note.version,
          });
      }
      output.take(logged, now());
    }
    output.take(pending ? [pending] : [], now());
    output.end();
  }

  /** Puts the runner on the host's clock: it adds the offset to its own readings. */
  async function putOnHostClock(): Promise<void> {
    const measured = await syncClock(
      { request: (type, fields) => request(type, fields) },
      { samples: clockSamples, now },
    );
    await request("clock-set", { offsetMs: -measured.offsetMs });
  }

  async function spawn(): Promise<void> {
    ready = Promise.withResolvers<void>();
    exited = Promise.withResolvers<void>();
    importedByRunner = 0;
    overLimit = undefined;
    // A new runner numbers its outside connections from 1 again.
    outsideLanes = new Map();
    killedBecause = undefined;
    unanswered = undefined;
    exitNote = undefined;
    // A new runner numbers its batches from 1 again.
    const batches = createBatchLedger();
    const pulseReader = openPulse();
    const env: Record<string, string | undefined> = { ...globalThis.process.env, PLAYGROUND_RUNNER_PORT: String(port) };
    // Only this host's own pulse: never a number inherited from whoever started the host.
    delete env[runnerPulseVariable];
    if (pulseReader?.fd !== undefined) env[runnerPulseVariable] = String(pulseDescriptor);
    let process: Subprocess<"ignore", "pipe", "pipe">;
    try {
      process = Bun.spawn([runnerBunPath(), ...runnerBunFlags, options.entry ?? runnerEntry], {
        env,
        // The pulse file goes as the runner's descriptor `pulseDescriptor`, the entry after stderr.
        stdio: ["ignore", "pipe", "pipe", ...(pulseReader?.fd !== undefined ? [pulseReader.fd] : [])],
        // The host and the runner may be different Bun versions (the desktop app's host runs on
        // Electrobun's); only JSON is understood by both ends.
        serialization: "json",
        ipc: (value: unknown) => {
          // Any message shows the runner's event loop is turning.
          lastHeartbeat = now();
          end.receive(value);
        },
        // A group of its own, so that whatever the snippet spawns goes when the runner does.
        detached: true,
        onExit: (exitedProcess, code, signal) => {
          pulseReader?.close();
          endGroup(exitedProcess.pid);
          return onExit(code, signal);
        },
      });
    } catch (error) {
      pulseReader?.close();
      throw error;
    }
    const end = createEndpoint<RunnerRequests, NoRequests, NoPushes, RunnerPushes>({
      peer: "the runner",
      // Throws once the channel has closed, a moment before the exit is reported: the runner is going away.
      send: (message) => process.send(message),
      sends: runnerRequestChecks,
      timeouts: { default: replyTimeoutMs, load: topLevelTimeoutMs + replyTimeoutMs },
      pushes: { checks: runnerPushChecks, onPush: (push) => onPush(push, batches) },
      onProblem: (problem) =>
        runnerLog("stderr", `the host ignored a message from the runner: ${problem.slice(0, 300)}`),
    });
    child = process;
    runnerEnd = end;
    pulse = pulseReader;
    lastPulse = undefined;
    starting = true;
    void pipeLines(process.stdout, "stdout", batches);
    void pipeLines(process.stderr, "stderr", batches);
    const died = exited.promise.then(() => {
      throw new RunnerLost("the runner exited while starting");
    });
    const { promise: tooSlow, reject: giveUp } = Promise.withResolvers<never>();
    const startTimer = setTimeout(() => {
      process.kill("SIGKILL");
      giveUp(new RunnerLost(`the runner did not start within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    try {
      await Promise.race([ready.promise, died, tooSlow]);
    } finally {
      clearTimeout(startTimer);
      starting = false;
    }
    lastHeartbeat = now();
    await putOnHostClock();
    await request("configure", { cleanupGraceMs, topLevelTimeoutMs });
  }

  function describeExit(
    code: number | null,
    signal: number | null | string,
  ): { cause: RestartCause; reason: string; line?: number | undefined } {
    const during =
      loading !== undefined
        ? `while loading v${loading}`
        : openRequests.size > 0
          ? `while serving ${[...openRequests.values()].at(-1)?.description}`
          : "";
    if (stopping) return { cause: "crash", reason: `${stopReason} ${during}`.trim() };
    if (killedBecause === "requested") return { cause: "requested", reason: "the server was restarted on request" };
    if (killedBecause === "unanswered")
      return { cause: "unanswered", reason: `${unanswered ?? "the runner did not answer in time"} ${during}`.trim() };
    if (killedBecause === "blocked") {
      return {
        cause: "blocked",
        reason:
          `the runner did not answer for ${watchdogMs} ms ${during} (a blocked event loop, e.g. while (true) {})`.replace(
            "  ",
            " ",
          ),
      };
    }
    if (exitNote) {
      const at = exitNote.line === undefined ? "" : ` at line ${exitNote.line}`;
      return {
        cause: "exit",
        reason: `the snippet called process.exit(${exitNote.code})${at} ${during}`.trim(),
        line: exitNote.line,
      };
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return { cause: "crash", reason: `the runner ${how} ${during}`.trim() };
  }

  /**
   * Ends what is left of a runner's process group: the processes its snippets spawned (`sleep`, a
   * child server) outlive it otherwise. The group's id is the runner's pid, which the system does
   * not give to another process while the group has members.
   */
  function endGroup(pid: number): void {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Nothing was left in it.
    }
  }

  async function onExit(code: number | null, signal: number | null | string): Promise<void> {
    child = undefined;
    const lost = describeExit(code, signal);
    runnerEnd?.close(new RunnerLost(lost.reason, lost.line));
    runnerEnd = undefined;
    exited.resolve();
    if (!stopping) {
      // Their server side ends here, with the process that served them: the client's reset is this, not the network.
      for (const [requestId, open] of openRequests) {
        emit({
          t: now(),
          lane: open.lane,
          side: "server",
          kind: "abort",
          requestId,
          version: open.version,
          cause: "runner-lost",
          detail: `the runner serving it went away: ${lost.reason}`,
        });
      }
    }
    openRequests.clear();
    endedRequests.clear();
    if (stopping || killedBecause === "recycle" || killedBecause === "requested") return;
    restarting = restart(lost.cause, lost.reason, lost.line);
    await restarting;
  }

  async function restart(cause: RestartCause, reason: string, line: number | undefined): Promise<void> {
    const at = now();
    const recent = (restarts.get(cause) ?? []).filter((time) => time >= at - crashLoopWindowMs);
    recent.push(at);
    restarts.set(cause, recent);
    const looping = recent.length >= crashLoopRestarts;
    try {
      await spawn();
      let version: number | undefined;
      if (lastGood && !looping) {
        importedByRunner++;
        const result = await request("load", {
          version: lastGood.version,
          source: lastGood.source,
          path: lastGood.path,
        });
        if (result.ok) version = lastGood.version;
      }
      const then =
        version !== undefined
          ? `; restarted and reloaded v${version}`
          : looping
            ? `; restarted ${recent.length} times in ${crashLoopWindowMs / 1000} s for the same cause (${cause}), so v${lastGood?.version} is not reloaded until the next load`
            : "; restarted";
      emit({ t: now(), lane: 0, side: "runner", kind: "restarted", cause, reason: reason + then, version, line });
    } catch (error) {
      if (stopping) return;
      // The new runner died too: its own exit handler restarts again.
      runnerLog("stderr", `restarting the runner failed: ${errorMessage(error)}`);
    }
  }

  /** A new pulse file for a runner about to be spawned; without one, the heartbeat goes over IPC alone. */
  function openPulse(): PulseReader | undefined {
    try {
      return createPulseReader();
    } catch (error) {
      runnerLog(
        "stderr",
        `the runner's pulse file could not be made (${errorMessage(error)}): a host too busy to read IPC may take the runner for blocked`,
      );
      return undefined;
    }
  }

  let lastCheckAt = 0;
  function checkHeartbeat(): void {
    const at = now();
    const late = at - lastCheckAt > heartbeatCheckMs * 10;
    lastCheckAt = at;
    // The runner's pulse shows its loop turning even while its IPC messages wait unread.
    const beats = pulse?.read();
    if (beats !== undefined && beats !== lastPulse) {
      lastPulse = beats;
      lastHeartbeat = at;
    }
    // A check that itself ran late means the host was busy: heartbeats may be waiting unread in
    // the IPC channel, so give them a turn before judging the runner.
    // A starting runner has not sent a heartbeat yet; its start has a timeout of its own.
    if (late || starting || !child || stopping || at - lastHeartbeat < watchdogMs) return;
    killedBecause = "blocked";
    child.kill("SIGKILL");
  }

  async function recycle(reason?: string, cause: "recycle" | "requested" = "recycle"): Promise<void> {
    const old = child;
    if (!old) return;
    killedBecause = cause;
    const gone = exited.promise;
    old.kill("SIGTERM");
    await gone;
    const modules = importedByRunner;
    await spawn();
    // The new version may fail to load: the last good one must be serving before it is tried.
    if (lastGood) {
      importedByRunner++;
      await request("load", { version: lastGood.version, source: lastGood.source, path: lastGood.path });
    }
    emit({
      t: now(),
      lane: 0,
      side: "runner",
      kind: "restarted",
      cause,
      reason: reason ?? `the runner had imported ${modules} snippet versions and was idle; replaced by a fresh one`,
      version: cause === "requested" ? lastGood?.version : undefined,
    });
  }

  /** The event for a version that did not load; the last good version, if any, still serves. */
  function loadError(version: number, failed: Omit<LoadFailed, "ok">): LoadErrorEvent {
    return { t: now(), lane: 0, side: "runner", kind: "load-error", version, ...failed, serving: lastGood?.version };
  }

  async function loadNow(source: string, path: string): Promise<LoadedEvent | LoadErrorEvent> {
    const version = nextVersion++;
    versionSources.set(version, source);
    // A stream of a version this old that fails still prints, with Bun's own frame.
    if (versionSources.size > keptSources) versionSources.delete(versionSources.keys().next().value!);
    await restarting;
    if (importedByRunner >= recycleAfterLoads && inFlight === 0 && openRequests.size === 0) await recycle();
    const started = now();
    loading = version;
    importedByRunner++;
    const gone = exited.promise;
    try {
      const result = await request("load", { version, source, path, serving: lastGood?.version });
      if (result.ok) {
        lastGood = { version, source, path };
        return {
          t: now(),
          lane: 0,
          side: "runner",
          kind: "loaded",
          version,
          form: result.form,
          notices: result.notices,
          loadMs: now() - started,
          url: `http://127.0.0.1:${port}/`,
        };
      }
      const { ok: _failed, ...failed } = result;
      return loadError(version, failed);
    } catch (error) {
      const message = errorMessage(error);
      const line = error instanceof RunnerLost ? error.line : undefined;
      if (error instanceof RunnerLost) {
        // Answer once the last good version serves again, so the caller never meets a dead port.
        await gone;
        await restarting;
      }
      return loadError(version, { failure: "runner-lost", message, line });
    } finally {
      loading = undefined;
    }
  }

  return {
    async start(): Promise<void> {
      stopping = false;
      await spawn();
      watchdog = setInterval(checkHeartbeat, heartbeatCheckMs);
    },

    load(source: string, path: string): Promise<LoadedEvent | LoadErrorEvent> {
      const result = queue.then(() => loadNow(source, path));
      queue = result.catch(() => undefined);
      return result.then((event) => {
        emit(event);
        return event;
      });
    },

    async settle(timeoutMs: number): Promise<number> {
      await restarting;
      const gone = exited.promise;
      try {
        return (await request("settle", { timeoutMs }, timeoutMs + replyTimeoutMs)).open;
      } catch (error) {
        if (!(error instanceof RunnerLost)) throw error;
        // Everything that was open died with the runner; wait for its replacement to be serving.
        await gone;
        await restarting;
        return 0;
      }
    },

    restart(reason: string): Promise<void> {
      // In the load queue, so that no load goes to a runner on its way out.
      const replaced = queue.then(async () => {
        await restarting;
        if (!child || stopping) throw new RunnerLost("the runner is not running");
        await recycle(reason, "requested");
      });
      queue = replaced.catch(() => undefined);
      return replaced;
    },

    async close(detail: string, timeoutMs: number): Promise<number> {
      stopping = true;
      await restarting;
      try {
        return (await request("close", { detail, timeoutMs }, timeoutMs + replyTimeoutMs)).open;
      } catch (error) {
        if (!(error instanceof RunnerLost)) throw error;
        // Gone, or too slow to answer: `stop` ends what is left, the requests' ends untold.
        return inFlight;
      }
    },

    async stop(reason = "the runner was stopped"): Promise<void> {
      stopping = true;
      stopReason = reason;
      clearInterval(watchdog);
      const target = child;
      if (!target) return;
      const gone = exited.promise;
      target.kill("SIGTERM");
      const stubborn = setTimeout(() => target.kill("SIGKILL"), stopGraceMs);
      await gone;
      clearTimeout(stubborn);
    },

    get url(): string {
      return `http://127.0.0.1:${port}/`;
    },
    get port(): number {
      return port;
    },
    get pid(): number | undefined {
      return child?.pid;
    },
    get serving(): number | undefined {
      return lastGood?.version;
    },
  };
}
