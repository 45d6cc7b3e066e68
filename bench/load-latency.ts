/**
 * `load-latency-p50` / `load-latency-p95`: from a new source being handed to the runner to the
 * first response served by that version, over 200 loads, against `bun --hot` picking up a changed
 * file in the same run.
 */

import { join } from "node:path";
import { createRunner } from "../src/runner/supervisor.ts";
import { createFigure } from "./figure.ts";
import { measureHotReload } from "./hot-reload.ts";
import { pollUntil } from "./poll-until.ts";
import { percentile } from "./stats.ts";
import type { Figure } from "./types.ts";

const loads = 200;
const hotReloads = 80;
/** First loads warm up the JIT and the module loader; a user's first edit pays this once. */
const warmup = 5;
const goalMs = 10;
const snippetPath = join(import.meta.dir, "fixtures", "inline.ts");

const versionSource = (version: number) => `export default () => new Response("v${version}");`;

/** Milliseconds from `runner.load(...)` being called to the new version's first response. */
async function measurePlaygroundLoads(): Promise<number[]> {
  // createRunner replaces its process after 500 imports; staying under that keeps recycling out of the figure.
  const runner = createRunner({ onEvent: () => {} });
  await runner.start();
  try {
    const samples: number[] = [];
    for (let i = 1; i <= warmup + loads; i++) {
      const started = performance.now();
      const loaded = await runner.load(versionSource(i), snippetPath);
      if (loaded.kind !== "loaded") throw new Error(`load ${i} failed: ${loaded.failure}: ${loaded.message}`);
      await pollUntil(runner.url, `v${i}`, started + 5_000);
      const took = performance.now() - started;
      if (i > warmup) samples.push(took);
    }
    return samples;
  } finally {
    await runner.stop();
  }
}

export async function measureLoadLatency(): Promise<Figure[]> {
  const hot = await measureHotReload({ reloads: hotReloads, warmup, timeoutMs: 5_000 });
  const playground = await measurePlaygroundLoads();
  return [50, 95].map((p) =>
    createFigure({
      name: `load-latency-p${p}`,
      value: percentile(playground, p),
      unit: "ms",
      goal: p === 95 ? { op: "<=", limit: goalMs } : undefined,
      anchor: { label: `bun --hot p${p}`, value: percentile(hot, p), unit: "ms" },
      note: `${loads} loads after ${warmup} warm-up; bun --hot: ${hotReloads} file writes`,
    }),
  );
}
