/**
 * `load-latency-p50` / `load-latency-p95`: from a new source being handed to the runner to the
 * first response served by that version, against `bun --hot` picking up a changed file, one of
 * each in turn in the same run, so a busy moment on this shared machine falls on both.
 */

import { join } from "node:path";
import { createRunner } from "../src/supervisor/supervisor.ts";
import { createFigure } from "./figure.ts";
import { startHotServer } from "./hot-reload.ts";
import { pollUntil } from "./poll-until.ts";
import { percentile } from "./stats.ts";
import type { Figure } from "./types.ts";

const loads = 300;
/**
 * The first loads set up the module loader and JavaScriptCore's first tiers. Its optimizing compiles
 * of the load path's functions go on for some 250 loads, at the same loads in every run (one load in
 * five shares its moment with one); those loads are counted, as a session's first edits pay them too.
 */
const warmup = 5;
const timeoutMs = 5_000;
const snippetPath = join(import.meta.dir, "fixtures", "inline.ts");

const versionSource = (version: number) => `export default () => new Response("v${version}");`;

export async function measureLoadLatency(): Promise<Figure[]> {
  // createRunner replaces its process after 500 imports; staying under that keeps recycling out of the figure.
  const runner = createRunner({ onEvent: () => {} });
  await runner.start();
  await using hot = await startHotServer();
  try {
    const playground: number[] = [];
    const hotReloads: number[] = [];
    for (let i = 1; i <= warmup + loads; i++) {
      // Alternate which goes first, so neither always follows the other's work.
      const order = i % 2 === 0 ? ["playground", "hot"] : ["hot", "playground"];
      for (const which of order) {
        if (which === "hot") {
          const took = await hot.reload(timeoutMs);
          if (i > warmup) hotReloads.push(took);
          continue;
        }
        const started = performance.now();
        const loaded = await runner.load(versionSource(i), snippetPath);
        if (loaded.kind !== "loaded") throw new Error(`load ${i} failed: ${loaded.failure}: ${loaded.message}`);
        await pollUntil(runner.url, `v${i}`, started + timeoutMs);
        if (i > warmup) playground.push(performance.now() - started);
      }
    }
    return [50, 95].map((p) =>
      createFigure({
        name: `load-latency-p${p}`,
        value: percentile(playground, p),
        unit: "ms",
        goal: p === 95 ? { op: "<=", limit: 1, of: "anchor-times" } : undefined,
        anchor: { label: `bun --hot p${p}`, value: percentile(hotReloads, p), unit: "ms" },
        note: `${loads} loads after ${warmup} warm-up, each beside a bun --hot file write, in turn; p99 ${percentile(playground, 99).toFixed(2)} ms (bun --hot ${percentile(hotReloads, 99).toFixed(2)} ms)`,
      }),
    );
  } finally {
    await runner.stop();
  }
}
