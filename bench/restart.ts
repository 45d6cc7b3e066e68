/**
 * `runner-restart-ms` (informational): from a handler blocking the runner's event loop
 * (`while (true) {}`) to the host's `restarted` event, i.e. the watchdog noticing plus a new
 * runner serving again. Each repetition uses a fresh runner: three restarts within 5 s would
 * count as a crash loop.
 */

import { join } from "node:path";
import type { RequestEvent, RestartedEvent, TimelineEvent } from "../src/contract/index.ts";
import { createRunner } from "../src/supervisor/supervisor.ts";
import { createFigure } from "./figure.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const repetitions = 3;
/** How often the supervisor checks for silence (`heartbeatCheckMs` in src/supervisor/supervisor.ts). */
const checkIntervalMs = 25;
/** A restart slower than this is a hang, not a slow restart. */
const giveUpMs = 10_000;
const snippetPath = join(import.meta.dir, "fixtures", "inline.ts");
const spinner = `export default (req: Request) => {
  if (new URL(req.url).pathname === "/spin") while (true) {}
  return new Response("fine");
};`;

interface Restart {
  /** From the blocking request starting to the old runner's exit being seen. */
  detectMs: number;
  /** From that exit to the `restarted` event (spawn, clock sync, reload). */
  respawnMs: number;
  totalMs: number;
}

/**
 * `phaseMs`: a pause before blocking, so repetitions meet the watchdog's 100 ms check at different points, as users
 * would.
 */
async function measureOnce(phaseMs: number): Promise<Restart> {
  const request = Promise.withResolvers<RequestEvent>();
  const restarted = Promise.withResolvers<RestartedEvent>();
  const runner = createRunner({
    onEvent: (event: TimelineEvent) => {
      if (event.kind === "request") request.resolve(event);
      if (event.kind === "restarted") restarted.resolve(event);
    },
  });
  await runner.start();
  let watcher: ReturnType<typeof setInterval> | undefined;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  try {
    const loaded = await runner.load(spinner, snippetPath);
    if (loaded.kind !== "loaded") throw new Error(`the spinner did not load: ${loaded.message}`);
    const oldPid = runner.pid;
    // The supervisor drops its child as soon as the exit is reported: watching the pid splits detection from respawn.
    let exitSeenAt: number | undefined;
    watcher = setInterval(() => {
      if (exitSeenAt === undefined && runner.pid !== oldPid) exitSeenAt = performance.now();
    }, 1);
    await Bun.sleep(phaseMs);
    const sentAt = performance.now();
    // The request never gets an answer: the runner is killed with it open, and its connection reset.
    const doomed = fetch(`${runner.url}spin`).then(
      () => "answered",
      () => "reset",
    );
    const gaveUp = Promise.withResolvers<never>();
    giveUp = setTimeout(
      () => gaveUp.reject(new Error(`no restart within ${giveUpMs} ms of blocking the runner`)),
      giveUpMs,
    );
    // The runner sends a request's event at once so it arrives before a block; if it ever did not, the send time is the
    // next best start.
    const started = await Promise.race([request.promise, restarted.promise, gaveUp.promise]);
    const blockedAt = started.kind === "request" ? started.t : sentAt;
    const event = await Promise.race([restarted.promise, gaveUp.promise]);
    await doomed;
    if (event.cause !== "blocked")
      throw new Error(`expected a restart for a blocked runner, got ${event.cause}: ${event.reason}`);
    const exitAt = exitSeenAt ?? event.t;
    return { detectMs: exitAt - blockedAt, respawnMs: event.t - exitAt, totalMs: event.t - blockedAt };
  } finally {
    clearInterval(watcher);
    clearTimeout(giveUp);
    await runner.stop();
  }
}

export async function measureRestart(): Promise<Figure[]> {
  const restarts: Restart[] = [];
  for (let i = 0; i < repetitions; i++) restarts.push(await measureOnce((i * checkIntervalMs) / repetitions));
  return [
    createFigure({
      name: "runner-restart-ms",
      value: median(restarts.map((r) => r.totalMs)),
      unit: "ms",
      goal: { op: "<=", limit: 1_000 },
      samples: restarts.map((r) => r.totalMs),
      parts: { detect: median(restarts.map((r) => r.detectMs)), respawn: median(restarts.map((r) => r.respawnMs)) },
      note: `blocking request to restarted event, ${repetitions} fresh runners`,
    }),
  ];
}
