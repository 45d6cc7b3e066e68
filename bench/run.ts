/**
 * `npm run bench`: measures the runner against its anchors in the same run and prints each figure
 * with its goal. A report, not a test: a missed goal still exits 0; only a benchmark that crashes
 * makes the exit code non-zero.
 *
 *   npm run bench                    aligned table
 *   npm run bench -- --json          one JSON object per figure per line
 *   npm run bench -- --only NAME     one benchmark (by its name or one of its figures' names)
 *   npm run bench -- --runs 3        three runs in a row, then their figures side by side
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureLensCost } from "./lens-cost.ts";
import { measureLoadLatency } from "./load-latency.ts";
import { measureNodeHttpRelay } from "./node-http-relay.ts";
import { figureJson, formatTable, type Crash } from "./report.ts";
import { type BenchRun, formatRunsTable } from "./runs-table.ts";
import { measureRawView } from "./raw-view.ts";
import { measureRecordingOpen } from "./recording-open.ts";
import { measureRestart } from "./restart.ts";
import { measureThroughput, throughput1k, throughput64k } from "./throughput.ts";
import { measureTimestampError } from "./timestamps.ts";
import type { Benchmark, Figure } from "./types.ts";
import { measureDesktop } from "./desktop.ts";
import { measureReloadMemory, measureStreamMemory } from "./memory.ts";
import { measureUi } from "./ui.ts";
import { measureWebSocketEcho } from "./ws-echo.ts";
import { errorMessage } from "../src/contract/index.ts";

const benchmarks: Benchmark[] = [
  { name: "load-latency", figures: ["load-latency-p50", "load-latency-p95"], run: measureLoadLatency },
  { name: throughput64k.name, figures: [throughput64k.name], run: () => measureThroughput(throughput64k) },
  { name: throughput1k.name, figures: [throughput1k.name], run: () => measureThroughput(throughput1k) },
  {
    name: "timestamp-error",
    figures: ["timestamp-error-median", "timestamp-delay-median"],
    run: measureTimestampError,
  },
  { name: "runner-restart", figures: ["runner-restart-ms"], run: measureRestart },
  {
    name: "node-http-relay",
    figures: ["node-http-relay-throughput", "node-http-relay-latency-p50"],
    run: measureNodeHttpRelay,
  },
  { name: "ws-echo-ratio", figures: ["ws-echo-ratio"], run: measureWebSocketEcho },
  {
    name: "ui",
    figures: ["ui-ready-ms", "ui-ready-warm-ms", "ui-frame-p95-flood", "editor-first-check-ms", "ui-frame-p95-1m"],
    run: measureUi,
  },
  { name: "desktop", figures: ["desktop-ready-ms"], run: measureDesktop },
  { name: "raw-view", figures: ["raw-view-decode-ms", "raw-view-draw-ms"], run: measureRawView },
  {
    name: "recording-open",
    figures: ["recording-open-1m-ms", "recording-open-longest-frame-ms"],
    run: measureRecordingOpen,
  },
  { name: "memory-1gib-peak-mb", figures: ["memory-1gib-peak-mb"], run: measureStreamMemory },
  {
    name: "lens-cost",
    figures: ["lens-overhead-plain-ratio", "lens-overhead-llm-ratio"],
    run: measureLensCost,
  },
  { name: "memory-reloads-mb", figures: ["memory-reloads-mb"], run: measureReloadMemory },
];

/** Runs in one call at the most: each full run takes minutes. */
const maxRuns = 20;

const usage = `usage: npm run bench -- [--json] [--only NAME] [--runs N]

  --json        one JSON object per line: {"name","value","unit","goal","ok",...}, with "run" beside
                them when there are several runs
  --runs N      N runs in a row (1 to ${maxRuns}), each reported as it ends, then a Markdown table of
                every figure in each run, its goal, in how many runs it met it, and its anchors
  --only NAME   run one benchmark; NAME is one of:
                ${benchmarks.map((b) => [b.name, ...b.figures.filter((f) => f !== b.name)].join(" | ")).join("\n                ")}`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let options: {
  json?: boolean | undefined;
  only?: string | undefined;
  runs?: string | undefined;
  help?: boolean | undefined;
};
try {
  options = parseArgs({
    options: {
      json: { type: "boolean" },
      only: { type: "string" },
      runs: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (error) {
  fail(errorMessage(error));
}
if (options.help) {
  console.log(usage);
  process.exit(0);
}

const only = options.only;
const selected =
  only === undefined ? benchmarks : benchmarks.filter((b) => b.name === only || b.figures.includes(only));
if (selected.length === 0) fail(`unknown benchmark "${only}"`);
const runCount = options.runs === undefined ? 1 : Number(options.runs);
if (!Number.isInteger(runCount) || runCount < 1 || runCount > maxRuns)
  fail(`--runs takes a whole number from 1 to ${maxRuns}, not "${options.runs}"`);

/** Runs every selected benchmark once; `run` numbers it among several. */
async function runOnce(run: number | undefined): Promise<BenchRun> {
  // Benchmarks, like tests, never touch the user's workspace: every host and runner they start
  // (and every process those start) inherits a temporary one, new for each run as for each call.
  const workspace = mkdtempSync(join(tmpdir(), "stream-playground-bench-"));
  process.env.STREAM_PLAYGROUND_HOME = workspace;
  const figures: Figure[] = [];
  const crashes: Crash[] = [];
  const which = run === undefined ? "" : ` (run ${run} of ${runCount})`;
  for (const benchmark of selected) {
    // Progress goes to stderr so stdout holds only the report.
    process.stderr.write(`bench: ${benchmark.name}${which} …\n`);
    const started = performance.now();
    try {
      const reported = await benchmark.run();
      const wanted = only === undefined || only === benchmark.name ? reported : reported.filter((f) => f.name === only);
      figures.push(...wanted);
      if (options.json) for (const figure of wanted) console.log(figureJson(figure, run));
      process.stderr.write(`bench: ${benchmark.name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      const message = errorMessage(error);
      crashes.push({ benchmark: benchmark.name, message });
      process.stderr.write(
        `bench: ${benchmark.name} crashed\n${error instanceof Error ? (error.stack ?? message) : message}\n`,
      );
    }
  }
  rmSync(workspace, { recursive: true, force: true });
  return { figures, crashes };
}

const runs: BenchRun[] = [];
for (let run = 1; run <= runCount; run++) {
  const done = await runOnce(runCount === 1 ? undefined : run);
  runs.push(done);
  if (options.json) continue;
  if (runCount === 1) console.log(formatTable(done.figures, done.crashes));
  else console.log(`run ${run} of ${runCount}\n\n${formatTable(done.figures, done.crashes)}\n`);
}

if (runCount > 1 && !options.json) console.log(`the ${runCount} runs side by side\n\n${formatRunsTable(runs)}`);
process.exit(runs.some((run) => run.crashes.length > 0) ? 1 : 0);
