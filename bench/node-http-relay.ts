/**
 * `node-http-relay-throughput` and `node-http-relay-latency-p50`: what serving a snippet's
 * node:http server through the runner's relay costs. The same server module
 * (`fixtures/node-http-stream.ts`) is read through the runner (traced, as `trace` reads it) and
 * run plainly by `bun` in its own process (the anchor). The throughput is the median of
 * interleaved pairs' ratios (`pairs.ts`), as the generator's is; the latency comes from a few runs
 * of ticks on each side, one after the other.
 */

import { join } from "node:path";
import { errorMessage } from "../src/contract/index.ts";
import { createRunner } from "../src/supervisor/supervisor.ts";
import { announcedPort } from "./child-output.ts";
import { createServerCpu, pinServersApart } from "./cores.ts";
import { createFigure } from "./figure.ts";
import { describeSpread, runPairs } from "./pairs.ts";
import { median, percentile } from "./stats.ts";
import type { Figure } from "./types.ts";

const fixtures = join(import.meta.dir, "fixtures");
const serverPath = join(fixtures, "node-http-stream.ts");
const MiB = 1024 ** 2;
const bulk = { chunk: 64 * 1024, total: 1024 * MiB };
const ticks = { count: 50, gap: 20 };
/** Bulk reads per side, in interleaved pairs, as for the generator's throughput (`throughput.ts`). */
const bulkPairs = 15;
/** Tick runs per side: 50 writes 20 ms apart each. */
const tickRuns = 3;
const runTimeoutMs = 120_000;

async function readBulk(url: string): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(runTimeoutMs) });
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) bytes += read.value.byteLength;
  } catch (error) {
    // Which server failed, and how far into its body.
    throw new Error(`${url} failed after ${bytes} of ${bulk.total} bytes: ${errorMessage(error)}`);
  }
  if (bytes !== bulk.total) throw new Error(`${url} sent ${bytes} bytes instead of ${bulk.total}`);
  return bytes / MiB / ((performance.now() - started) / 1000);
}

/** Arrival delay of every tick line: when it was read minus when the server wrote it, both epoch ms. */
async function readTicks(url: string): Promise<number[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(runTimeoutMs) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const delays: number[] = [];
  let pending = "";
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const arrived = performance.timeOrigin + performance.now();
    pending += decoder.decode(read.value, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) delays.push(arrived - Number(line));
  }
  return delays;
}

export async function measureNodeHttpRelay(): Promise<Figure[]> {
  const plain = Bun.spawn([process.execPath, join(fixtures, "node-http-plain-fixture.ts")], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  /** Why the runner restarted, if it did: a read cut short says so. */
  const restarts: string[] = [];
  const runner = createRunner({
    onEvent: (event) => {
      if (event.kind === "restarted") restarts.push(event.reason);
    },
  });
  try {
    const plainBase = `http://127.0.0.1:${await announcedPort(plain.stdout, 10_000)}`;
    await runner.start();
    const loaded = await runner.load(await Bun.file(serverPath).text(), serverPath);
    if (loaded.kind !== "loaded") throw new Error(`the node:http server did not load: ${loaded.message}`);
    const tracedBase = runner.url.replace(/\/$/, "");
    using cores = pinServersApart([plain.pid, runner.pid]);
    const bulkQuery = `/bulk?chunk=${bulk.chunk}&total=${bulk.total}`;
    const tickQuery = `/ticks?count=${ticks.count}&gap=${ticks.gap}`;

    const serverCpu = createServerCpu({ amount: bulk.total / 1024 ** 3, unit: "GiB" });
    const rates = await runPairs({
      pairs: bulkPairs,
      anchor: () => serverCpu.measure("plain", plain.pid, () => readBulk(plainBase + bulkQuery)),
      measured: async () => {
        const rate = await serverCpu
          .measure("traced", runner.pid, () => readBulk(tracedBase + bulkQuery))
          .catch((error: unknown) => {
            const why = restarts.length > 0 ? `; the runner restarted: ${restarts.join("; ")}` : "";
            throw new Error(`${errorMessage(error)}${why}`);
          });
        await runner.settle(5_000);
        return rate;
      },
    });
    const delays = { plain: [] as number[], traced: [] as number[] };
    for (let i = 0; i < tickRuns; i++) {
      delays.plain.push(...(await readTicks(plainBase + tickQuery)));
      delays.traced.push(...(await readTicks(tracedBase + tickQuery)));
      await runner.settle(5_000);
    }
    const plainRate = median(rates.anchor);
    const tracedRate = median(rates.measured);
    const plainDelay = percentile(delays.plain, 50);
    const tracedDelay = percentile(delays.traced, 50);
    return [
      createFigure({
        name: "node-http-relay-throughput",
        value: median(rates.ratios),
        unit: "x",
        goal: { op: ">=", limit: 0.9 },
        anchor: {
          label: "the node:http server run by plain bun",
          value: plainRate,
          unit: "MiB/s",
          samples: rates.anchor,
        },
        samples: rates.ratios,
        note: `median of ${bulkPairs} interleaved pairs' ratios: ${describeSpread(rates.ratios)}; traced ${tracedRate.toFixed(0)} MiB/s through the relay; ${bulk.total / MiB} MiB in ${bulk.chunk / 1024} KiB res.write calls${serverCpu.note()}; ${cores.note}`,
      }),
      createFigure({
        name: "node-http-relay-latency-p50",
        value: tracedDelay,
        unit: "ms",
        goal: { op: "<=", limit: 2 },
        anchor: {
          label: "the node:http server run by plain bun",
          value: plainDelay,
          unit: "ms",
          samples: [percentile(delays.plain, 95)],
        },
        note: `res.write to the client's read, ${delays.traced.length} writes ${ticks.gap} ms apart; p95 traced ${percentile(delays.traced, 95).toFixed(2)} ms, plain ${percentile(delays.plain, 95).toFixed(2)} ms; ${cores.note}`,
      }),
    ];
  } finally {
    plain.kill();
    await Promise.all([runner.stop(), plain.exited]);
  }
}
