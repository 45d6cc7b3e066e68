/**
 * `ws-echo-ratio`: 1 KiB messages a second echoed by a WebSocket server traced by the runner, read
 * and written by a `websocket` client (the path `trace --client websocket` takes), against
 * the same module served by a bare `Bun.serve` in its own `bun` process and a bare `WebSocket`
 * that reads each message it gets, as any client does (and the traced one must, to record it).
 * Each run sends its messages in one burst and ends when the last echo arrives. Runs alternate
 * plain, traced, plain, … so noise on this shared machine falls on both alike.
 */

import { join } from "node:path";
import { type TimelineEvent, errorMessage } from "../src/contract/index.ts";
import { openClient } from "../src/clients/index.ts";
import { createRunner } from "../src/supervisor/supervisor.ts";
import { announcedPort } from "./child-output.ts";
import { createServerCpu, pinServersApart } from "./cores.ts";
import { createFigure } from "./figure.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const messageBytes = 1024;
const messages = 100_000;
/** Plain and traced runs each; one run's rate spreads ±10% around the median on this shared machine. */
const repetitions = 15;
const goal = 0.95;
/** One run taking longer than this is a hang, not a slow run. */
const runTimeoutMs = 60_000;
const fixtures = join(import.meta.dir, "fixtures");
const echoPath = join(fixtures, "ws-echo.ts");
const payload = "x".repeat(messageBytes);

/** Echoes a second, and what the run recorded. */
interface Run {
  perSecond: number;
  events?: number | undefined;
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${runTimeoutMs} ms`)), runTimeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runPlain(url: string): Promise<Run> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`could not open ${url}`)), { once: true });
  });
  const done = Promise.withResolvers<number>();
  let echoed = 0;
  let characters = 0;
  socket.addEventListener("message", (event: MessageEvent<string>) => {
    // Reading a message costs Bun work (its text is made then): a client that never reads one does less than any real client.
    characters += event.data.length;
    if (++echoed === messages) done.resolve(performance.now());
  });
  const started = performance.now();
  for (let i = 0; i < messages; i++) socket.send(payload);
  const finished = await within(done.promise, "a plain run");
  socket.close();
  if (characters !== messages * payload.length)
    throw new Error(`the plain echo sent back ${characters} characters instead of ${messages * payload.length}`);
  return { perSecond: messages / ((finished - started) / 1000) };
}

/** Echoes counted from the client's events: those recorded one by one and those folded, with the time of the last. */
async function runTraced(url: string): Promise<Run> {
  let echoed = 0;
  let events = 0;
  const done = Promise.withResolvers<number>();
  const opened = Promise.withResolvers<void>();
  const count = (event: TimelineEvent) => {
    events++;
    if (event.side !== "client") return;
    if (event.kind === "ws-open") opened.resolve();
    if (event.kind === "ws-close") {
      const closed = new Error(
        `the traced socket closed after ${echoed} of ${messages} echoes: ${JSON.stringify(event)}`,
      );
      opened.reject(closed);
      done.reject(closed);
    }
    const arrived =
      event.kind === "ws-message" ? 1 : event.kind === "folded" && event.of === "ws-message" ? event.count : 0;
    if (arrived === 0) return;
    echoed += arrived;
    // A fold is reported up to 250 ms after its last message; its `t` is when that message arrived.
    if (echoed === messages) done.resolve(event.t);
  };
  const laneClient = openClient({ lane: 1, url, client: "websocket", now: () => performance.now(), emit: count });
  await within(opened.promise, "opening the traced socket");
  const started = performance.now();
  for (let i = 0; i < messages; i++) laneClient.messages!.send(payload);
  const finished = await within(done.promise, "a traced run");
  laneClient.disconnect();
  await laneClient.done;
  return { perSecond: messages / ((finished - started) / 1000), events };
}

const range = (values: readonly number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

export async function measureWebSocketEcho(): Promise<Figure[]> {
  const plainServer = Bun.spawn([process.execPath, join(fixtures, "ws-echo-plain-fixture.ts")], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  let runnerEvents = 0;
  const restarts: string[] = [];
  const runner = createRunner({
    onEvent: (event) => {
      runnerEvents++;
      if (event.kind === "restarted") restarts.push(`${event.cause}: ${event.reason}`);
    },
  });
  try {
    const plainUrl = `ws://127.0.0.1:${await announcedPort(plainServer.stdout, 10_000)}/`;
    await runner.start();
    const loaded = await runner.load(await Bun.file(echoPath).text(), echoPath);
    if (loaded.kind !== "loaded") throw new Error(`the echo server did not load: ${loaded.message}`);
    const tracedUrl = runner.url.replace(/^http/, "ws");
    using cores = pinServersApart([plainServer.pid, runner.pid]);

    const plain: Run[] = [];
    const traced: Run[] = [];
    const serverCpu = createServerCpu({ amount: 1, unit: `run of ${messages} echoes` });
    for (let i = 0; i < repetitions; i++) {
      Bun.gc(true);
      plain.push(await serverCpu.measure("plain", plainServer.pid, () => runPlain(plainUrl)));
      Bun.gc(true);
      runnerEvents = 0;
      const run = await serverCpu
        .measure("traced", runner.pid, () => runTraced(tracedUrl))
        .catch((error: unknown) => {
          // Say what happened to the runner, when something did: a run cut off by a restart is the runner failing.
          const message = errorMessage(error);
          throw new Error(
            restarts.length > 0 ? `${message}; the runner was restarted: ${restarts.join("; ")}` : message,
          );
        });
      // The server's side of the run (its events and the socket's close) settles before the next plain run.
      await runner.settle(5_000);
      traced.push({ ...run, events: (run.events ?? 0) + runnerEvents });
    }
    const plainRates = plain.map((run) => run.perSecond);
    const tracedRates = traced.map((run) => run.perSecond);
    const plainMedian = median(plainRates);
    const tracedMedian = median(tracedRates);
    return [
      createFigure({
        name: "ws-echo-ratio",
        value: tracedMedian / plainMedian,
        unit: "x",
        goal: { op: ">=", limit: goal },
        anchor: { label: "plain Bun.serve", value: plainMedian, unit: "msg/s", samples: plainRates },
        samples: tracedRates,
        note: `traced ${tracedMedian.toFixed(0)} msg/s; runs: plain ${range(plainRates)}, traced ${range(tracedRates)} msg/s; ${messages} echoes of ${messageBytes} B per run; ${median(traced.map((run) => run.events ?? 0)).toFixed(0)} events per traced run${serverCpu.note()}; ${cores.note}`,
      }),
    ];
  } finally {
    plainServer.kill();
    await Promise.all([runner.stop(), plainServer.exited]);
  }
}
