/**
 * `throughput-ratio-64k` / `throughput-ratio-1k`: 1 GiB streamed by an async generator through the
 * instrumented runner and read by a client (the path `trace` takes), against the same generator
 * module served by a bare `Bun.serve` in its own `bun` process and read by a bare `fetch` that
 * frees each chunk as it goes, as the playground's client does. Both are read from this process,
 * in interleaved pairs (`pairs.ts`); the figure is the median of the pairs' ratios, with their
 * spread, and each server's CPU time per GiB beside it. Both servers run on a core of their own,
 * this process on the other (`cores.ts`).
 */

import { join } from "node:path";
import { openClient, releaseChunk } from "../src/clients/index.ts";
import type { DisconnectEvent, TimelineEvent } from "../src/contract/index.ts";
import { createRunner } from "../src/supervisor/supervisor.ts";
import { announcedPort } from "./child-output.ts";
import { createServerCpu, type PairSide, pinServersApart } from "./cores.ts";
import { createFigure } from "./figure.ts";
import { describeSpread, runPairs } from "./pairs.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

export interface ThroughputCase {
  name: string;
  chunkBytes: number;
  totalBytes: number;
  /** Lowest acceptable instrumented / plain ratio. */
  goal: number;
}

export const throughput64k: ThroughputCase = {
  name: "throughput-ratio-64k",
  chunkBytes: 64 * 1024,
  totalBytes: 1024 ** 3,
  goal: 0.98,
};
export const throughput1k: ThroughputCase = {
  name: "throughput-ratio-1k",
  chunkBytes: 1024,
  totalBytes: 1024 ** 3,
  goal: 0.95,
};

/**
 * Interleaved plain/traced pairs; the figure is the median of their ratios. Single pairs on this
 * shared machine spread ±25% around it, so fewer pairs leave a median that moves by about the
 * goal's own margin from one run to the next.
 */
const pairs = 15;
/** One run taking longer than this is a hang, not a slow run. */
const runTimeoutMs = 120_000;
const fixtures = join(import.meta.dir, "fixtures");
const generatorPath = join(fixtures, "chunk-stream.ts");
const MiB = 1024 ** 2;

/** One run: bytes received and how long from the request to the last byte. */
interface Run {
  bytes: number;
  ms: number;
  /** Timeline events the run produced (instrumented runs only). */
  events?: number | undefined;
  /** Why the stream ended early, when the runner was restarted under it. */
  cutOff?: string | undefined;
}

const range = (values: readonly number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

/** A stream the runner did not deliver whole counts as nothing delivered: the user saw it fail. */
const mibPerSecond = (run: Run) => (run.cutOff !== undefined ? 0 : run.bytes / MiB / (run.ms / 1000));

async function readPlain(url: string): Promise<Run> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(runTimeoutMs) });
  if (!response.body) throw new Error(`${url} answered without a body`);
  const reader = response.body.getReader();
  let bytes = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
    // Freed once counted, as the playground's client frees each chunk it has taken. A reader that
    // leaves its chunks to the collector spends more of the client's core per GiB (0.40–0.41 s
    // against 0.34–0.35 s at 64 KiB): with the client as busy as the server, the anchor then ran
    // slower than plain Bun serves, and the ratio said as much about the readers as the servers.
    releaseChunk(read.value);
  }
  return { bytes, ms: performance.now() - started };
}

/** Reads `url` with a client, recording into `events` as `traceSnippet` does; `disconnect` says how it ended. */
async function readTraced(
  url: string,
  events: TimelineEvent[],
): Promise<Run & { disconnect: DisconnectEvent | undefined }> {
  let disconnect: DisconnectEvent | undefined;
  const started = performance.now();
  const laneClient = openClient({
    lane: 1,
    url,
    client: "stream",
    now: () => performance.now(),
    emit: (event) => {
      events.push(event);
      if (event.kind === "disconnect") disconnect = event;
    },
  });
  const timer = setTimeout(() => laneClient.disconnect(), runTimeoutMs);
  await laneClient.done;
  const ms = performance.now() - started;
  clearTimeout(timer);
  return { bytes: disconnect?.bytes ?? 0, ms, disconnect };
}

/**
 * A stream that ended early because the runner was restarted under it is the runner failing the
 * benchmark, not the benchmark failing: it is reported as cut off. Call once the runner has
 * settled, since the `restarted` event comes after the new runner is up, well after the reset.
 */
function classify(run: Run & { disconnect: DisconnectEvent | undefined }, events: readonly TimelineEvent[]): Run {
  const { disconnect, ...measured } = run;
  if (disconnect?.by === "server") return measured;
  const restarted = events.find((event) => event.kind === "restarted");
  if (restarted?.kind === "restarted") return { ...measured, cutOff: `${restarted.cause}: ${restarted.reason}` };
  throw new Error(`the traced stream did not end normally: ${JSON.stringify(disconnect)}`);
}

export async function measureThroughput(c: ThroughputCase): Promise<Figure[]> {
  const query = `?chunk=${c.chunkBytes}&total=${c.totalBytes}`;
  const plainServer = Bun.spawn([process.execPath, join(fixtures, "plain-server-fixture.ts")], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  let events: TimelineEvent[] = [];
  const runner = createRunner({ onEvent: (event) => events.push(event) });
  try {
    const plainUrl = `http://127.0.0.1:${await announcedPort(plainServer.stdout, 10_000)}/${query}`;
    await runner.start();
    const loaded = await runner.load(await Bun.file(generatorPath).text(), generatorPath);
    if (loaded.kind !== "loaded") throw new Error(`the generator did not load: ${loaded.message}`);
    const tracedUrl = `${runner.url}${query}`;
    using cores = pinServersApart([plainServer.pid, runner.pid]);

    const plain: Run[] = [];
    const traced: Run[] = [];
    const gib = c.totalBytes / 1024 ** 3;
    /** CPU seconds each server spent per GiB, per run: steadier than wall time on a busy machine. */
    const serverCpu = createServerCpu({ amount: gib, unit: "GiB" });
    /** The same for this process, the reading client (with the supervisor, on traced runs). */
    const clientCpu: Record<PairSide, number[]> = { plain: [], traced: [] };
    const withCpu = <R extends Run>(side: PairSide, pid: number | undefined, run: () => Promise<R>): Promise<R> =>
      serverCpu.measure(side, pid, async () => {
        const before = process.cpuUsage();
        const result = await run();
        const own = process.cpuUsage(before);
        clientCpu[side].push((own.user + own.system) / 1e6 / gib);
        return result;
      });
    const runs = await runPairs({
      pairs,
      between: () => Bun.gc(true),
      anchor: async () => {
        const run = await withCpu("plain", plainServer.pid, () => readPlain(plainUrl));
        plain.push(run);
        return mibPerSecond(run);
      },
      measured: async () => {
        events = [];
        const run = await withCpu("traced", runner.pid, async () => {
          const read = await readTraced(tracedUrl, events);
          // Let the runner's last events and cleanup (or its restart) arrive before the next run starts.
          await runner.settle(5_000);
          return read;
        });
        const classified = { ...classify(run, events), events: events.length };
        traced.push(classified);
        return mibPerSecond(classified);
      },
    });
    for (const run of [...plain, ...traced]) {
      if (run.cutOff === undefined && run.bytes !== c.totalBytes)
        throw new Error(`a run received ${run.bytes} bytes instead of ${c.totalBytes}`);
    }
    const cutOff = traced.filter((run) => run.cutOff !== undefined);
    const eventCount = median(traced.map((run) => run.events ?? 0));
    const cpuNote = `${serverCpu.note()}; client CPU per GiB: plain ${median(clientCpu.plain).toFixed(2)} s, traced ${median(clientCpu.traced).toFixed(2)} s`;
    return [
      createFigure({
        name: c.name,
        value: median(runs.ratios),
        unit: "x",
        goal: { op: ">=", limit: c.goal },
        anchor: { label: "plain Bun.serve", value: median(runs.anchor), unit: "MiB/s", samples: runs.anchor },
        samples: runs.ratios,
        // The spread says how far to trust the ratio: on a busy machine one side's runs can differ 2x.
        note: `median of ${pairs} interleaved pairs' ratios: ${describeSpread(runs.ratios)}; traced ${median(runs.measured).toFixed(0)} MiB/s (runs ${range(runs.measured)}), plain runs ${range(runs.anchor)} MiB/s; ${c.totalBytes / MiB} MiB in ${c.chunkBytes} B chunks; ${eventCount} events per traced run${cpuNote}; ${cores.note}`,
        failed:
          cutOff.length === 0
            ? undefined
            : `${cutOff.length} of ${pairs} traced runs cut off (counted as 0 MiB/s): after ${(cutOff[0]!.bytes / MiB).toFixed(0)} MiB the runner was restarted (${cutOff[0]!.cutOff})`,
      }),
    ];
  } finally {
    plainServer.kill();
    await Promise.all([runner.stop(), plainServer.exited]);
  }
}
