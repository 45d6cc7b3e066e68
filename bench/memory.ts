/**
 * The host's and the runner's memory, measured from outside (Linux's VmRSS) on `npm run start:web`
 * with a page connected, as a person runs it:
 * - `memory-1gib-peak-mb`: how far the host's memory rises while a client streams 1 GiB in 64 KiB
 *   chunks from the snippet, against a bare Bun process reading the same 1 GiB from a bare
 *   `Bun.serve` (what reading the stream costs any process).
 * - `memory-reloads-mb`: host + runner memory after 1,000 reloads of the snippet while 20 streams
 *   stay open on its first version, against `bun --hot` reloading a file 1,000 times with 20
 *   streams open, in the same run.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DisconnectEvent, TimelineEvent } from "../src/contract/index.ts";
import { announcedPort } from "./child-output.ts";
import { createFigure } from "./figure.ts";
import { canMeasureMemory, residentMb, sampleEvery, startWebHost, type WebHost } from "./host-process.ts";
import { pollUntil } from "./poll-until.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const fixtures = join(import.meta.dir, "fixtures");
const GiB = 1024 ** 3;
const chunkBytes = 64 * 1024;
/** How often memory is read while it is watched. */
const sampleMs = 10;
/** How long memory is watched after the stream ended: the host is still sending the last events. */
const afterStreamMs = 1_000;
const reloads = 1_000;
const openStreams = 20;

/** The median of a process's memory over `ms`: the level before something starts. */
async function restingMb(read: () => number | undefined, ms: number): Promise<number> {
  const sampler = sampleEvery(sampleMs, read);
  await Bun.sleep(ms);
  const samples = sampler.stop();
  if (samples.length === 0) throw new Error("the process's memory could not be read");
  return median(samples);
}

/** Host memory while a page's stream client reads 1 GiB from the snippet. */
async function hostPeakDuringStream(): Promise<{ before: number; peak: number; runnerPeak: number; events: number }> {
  await using host = await startWebHost();
  const path = join(fixtures, "chunk-stream.ts");
  const loaded = await host.page.request("load", { source: await Bun.file(path).text(), path });
  if (loaded.kind !== "loaded") throw new Error(`the stream snippet did not load: ${loaded.message}`);
  const runnerPid = host.runnerPid();
  if (runnerPid === undefined) throw new Error("the host's runner process was not found");
  const before = await restingMb(() => residentMb(host.pid), 500);
  const runnerBefore = await restingMb(() => residentMb(runnerPid), 200);
  const hostSamples = sampleEvery(sampleMs, () => residentMb(host.pid));
  const runnerSamples = sampleEvery(sampleMs, () => residentMb(runnerPid));
  const from = host.page.events.length;
  const { lanes } = await host.page.request("connect", {
    request: { client: "stream", path: `/?chunk=${chunkBytes}&total=${GiB}`, method: "GET", headers: {}, clients: 1 },
  });
  const lane = lanes[0]!.lane;
  const ended = await host.page.event(
    (event: TimelineEvent): event is DisconnectEvent => event.kind === "disconnect" && event.lane === lane,
  );
  if (ended.by !== "server" || ended.bytes !== GiB)
    throw new Error(`the stream did not end whole: ${JSON.stringify(ended)}`);
  await Bun.sleep(afterStreamMs);
  const peak = Math.max(...hostSamples.stop());
  const runnerPeak = Math.max(...runnerSamples.stop());
  return { before, peak, runnerPeak: runnerPeak - runnerBefore, events: host.page.events.length - from };
}

/**
 * A bare Bun process's memory while it reads 1 GiB from a bare `Bun.serve`; with `free`, one that
 * frees each chunk once counted, as the playground's client does.
 */
async function bareReaderPeak({ free }: { free: boolean }): Promise<number> {
  const server = Bun.spawn([process.execPath, join(fixtures, "plain-server-fixture.ts")], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    const url = `http://127.0.0.1:${await announcedPort(server.stdout, 10_000)}/?chunk=${chunkBytes}&total=${GiB}`;
    const reader = Bun.spawn(
      [process.execPath, join(fixtures, "plain-reader-fixture.ts"), url, ...(free ? ["--free"] : [])],
      {
        stdin: "pipe",
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    try {
      const lines = linesOf(reader.stdout);
      if ((await lines.next()).value !== "ready") throw new Error("the bare reader did not start");
      const before = await restingMb(() => residentMb(reader.pid), 300);
      const samples = sampleEvery(sampleMs, () => residentMb(reader.pid));
      reader.stdin.write("go\n");
      await reader.stdin.flush();
      const done = (await lines.next()).value;
      if (done !== `done ${GiB}`) throw new Error(`the bare reader said ${JSON.stringify(done)}`);
      await Bun.sleep(afterStreamMs / 2);
      return Math.max(...samples.stop()) - before;
    } finally {
      await reader.stdin.end();
      reader.kill();
      await reader.exited;
    }
  } finally {
    server.kill();
    await server.exited;
  }
}

/** The lines a process writes to a pipe, one at a time. */
async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string, void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    for (let at = pending.indexOf("\n"); at !== -1; at = pending.indexOf("\n")) {
      yield pending.slice(0, at);
      pending = pending.slice(at + 1);
    }
  }
}

export async function measureStreamMemory(): Promise<Figure[]> {
  if (!canMeasureMemory)
    return [
      createFigure({
        name: "memory-1gib-peak-mb",
        value: Number.NaN,
        unit: "MB",
        goal: { op: "<=", limit: 1.05, of: "anchor-times" },
        failed: "not measured: process memory is read from Linux's /proc",
      }),
    ];
  const bare = await bareReaderPeak({ free: false });
  const freeing = await bareReaderPeak({ free: true });
  const host = await hostPeakDuringStream();
  return [
    createFigure({
      name: "memory-1gib-peak-mb",
      value: host.peak - host.before,
      unit: "MB",
      goal: { op: "<=", limit: 1.05, of: "anchor-times" },
      anchor: { label: "a bare Bun process reading the same 1 GiB", value: bare, unit: "MB" },
      note: `host resident memory at its peak over its level before (${host.before.toFixed(0)} MB), while a page's stream client read 1 GiB in ${chunkBytes / 1024} KiB chunks (${host.events} events) and for ${afterStreamMs} ms after; the runner rose ${host.runnerPeak.toFixed(0)} MB; a bare reader that frees each chunk once counted, as the host's client does, rose ${freeing.toFixed(1)} MB (the host ${((host.peak - host.before) / freeing).toFixed(2)}× it)`,
    }),
  ];
}

/** A stream that stays open and quiet, and a version mark that makes every load a new version. */
function holdingSource(version: number): string {
  return `// version ${version}
export default (req: Request, server: Bun.Server<undefined>) => {
  if (new URL(req.url).pathname === "/version") return new Response("v${version}");
  server.timeout(req, 0);
  return new Response(new ReadableStream({ start(controller) { controller.enqueue("open\\n"); } }));
};
`;
}

/** Opens `count` streams on the host's runner and waits until each has its first chunk. */
async function openHeldStreams(host: WebHost, count: number): Promise<void> {
  const { lanes } = await host.page.request("connect", {
    request: { client: "stream", path: "/hold", method: "GET", headers: {}, clients: count },
  });
  const waiting = new Set(lanes.map((lane) => lane.lane));
  await host.page.until(() => {
    for (const event of host.page.events) if (event.kind === "chunk") waiting.delete(event.lane);
    return waiting.size === 0 ? true : undefined;
  });
}

async function playgroundAfterReloads(): Promise<{
  before: number;
  after: number;
  host: number;
  runner: number;
  recycled: boolean;
}> {
  await using host = await startWebHost();
  const path = join(fixtures, "inline.ts");
  const first = await host.page.request("load", { source: holdingSource(0), path });
  if (first.kind !== "loaded") throw new Error(`the holding snippet did not load: ${first.message}`);
  await openHeldStreams(host, openStreams);
  const runnerPid = host.runnerPid();
  if (runnerPid === undefined) throw new Error("the host's runner process was not found");
  const both = (runner: number | undefined) => {
    const hostMb = residentMb(host.pid);
    const runnerMb = runner === undefined ? undefined : residentMb(runner);
    return hostMb === undefined || runnerMb === undefined ? undefined : hostMb + runnerMb;
  };
  const before = await restingMb(() => both(runnerPid), 1_000);
  const hostBefore = await restingMb(() => residentMb(host.pid), 200);
  for (let version = 1; version <= reloads; version++) {
    const loaded = await host.page.request("load", { source: holdingSource(version), path });
    if (loaded.kind !== "loaded") throw new Error(`reload ${version} failed: ${loaded.message}`);
  }
  // Settle: what is garbage by now has had time to be collected.
  await Bun.sleep(2_000);
  const runnerNow = host.runnerPid();
  const after = await restingMb(() => both(runnerNow), 1_000);
  const hostAfter = await restingMb(() => residentMb(host.pid), 200);
  return {
    before,
    after,
    host: hostAfter - hostBefore,
    runner: after - hostAfter - (before - hostBefore),
    recycled: runnerNow !== runnerPid,
  };
}

/** `bun --hot` reloading a file `reloads` times while `openStreams` streams stay open: its memory growth. */
async function hotReloadGrowth(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "stream-playground-bench-hot-memory-"));
  const file = join(dir, "server.ts");
  const serverSource = (version: number) => `// version ${version}
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: ${holdingSource(version)
    .split("\n")
    .slice(1)
    .join("\n")
    .replace(/^export default /, "")
    .replace(/;\s*$/, "")} });
console.log(JSON.stringify({ port: server.port }));
`;
  await Bun.write(file, serverSource(0));
  const child = Bun.spawn([process.execPath, "--hot", file], {
    cwd: dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const controllers: AbortController[] = [];
  try {
    const base = `http://127.0.0.1:${await announcedPort(child.stdout, 10_000)}`;
    for (let i = 0; i < openStreams; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${base}/hold`, { signal: controller.signal });
      await response.body!.getReader().read();
    }
    const before = await restingMb(() => residentMb(child.pid), 1_000);
    for (let version = 1; version <= reloads; version++) {
      const started = performance.now();
      await Bun.write(file, serverSource(version));
      await pollUntil(`${base}/version`, `v${version}`, started + 5_000);
    }
    await Bun.sleep(2_000);
    return (await restingMb(() => residentMb(child.pid), 1_000)) - before;
  } finally {
    for (const controller of controllers) controller.abort();
    child.kill();
    await child.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureReloadMemory(): Promise<Figure[]> {
  if (!canMeasureMemory)
    return [
      createFigure({
        name: "memory-reloads-mb",
        value: Number.NaN,
        unit: "MB",
        goal: { op: "<=", limit: 20 },
        failed: "not measured: process memory is read from Linux's /proc",
      }),
    ];
  const hot = await hotReloadGrowth();
  const playground = await playgroundAfterReloads();
  return [
    createFigure({
      name: "memory-reloads-mb",
      value: playground.after - playground.before,
      unit: "MB",
      goal: { op: "<=", limit: 20 },
      anchor: { label: `bun --hot: ${reloads} reloads with ${openStreams} streams open`, value: hot, unit: "MB" },
      parts: { host: playground.host, runner: playground.runner },
      note: `host + runner resident memory after ${reloads} reloads, ${openStreams} streams open on the first version all along, over their level before (${playground.before.toFixed(0)} MB)${playground.recycled ? "; the runner was replaced meanwhile" : ""}`,
    }),
  ];
}
