/**
 * `npm run bench -- --runs N` sets its runs side by side: each figure's values in run order, its goal, in how
 * many runs it met the goal (met overall when more than half did), and its anchor in each run. The figures
 * are made by the benchmarks' own `createFigure`, so each run's verdict is the one the report prints.
 */

import { describe, expect, test } from "bun:test";
import { createFigure } from "../bench/figure.ts";
import { type BenchRun, formatRunsTable } from "../bench/runs-table.ts";

const plain = (value: number) => ({ label: "plain Bun.serve", value, unit: "MiB/s" });
const latency = (value: number, anchor: number) =>
  createFigure({
    name: "load-latency-p95",
    value,
    unit: "ms",
    goal: { op: "<=", limit: 1, of: "anchor-times" },
    anchor: { label: "bun --hot p95", value: anchor, unit: "ms" },
  });
const throughput = (value: number, anchor: number) =>
  createFigure({
    name: "throughput-ratio-1k",
    value,
    unit: "x",
    goal: { op: ">=", limit: 0.95 },
    anchor: plain(anchor),
  });
const info = (value: number) => createFigure({ name: "load-latency-p50", value, unit: "ms" });

/** The table's row for `name`, split into its five cells. */
function row(table: string, name: string): string[] {
  const line = table.split("\n").find((text) => text.startsWith(`| \`${name}\``));
  if (line === undefined) throw new Error(`no row for ${name} in\n${table}`);
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((text) => text.trim());
}

describe("the runs side by side", () => {
  const runs: BenchRun[] = [
    { figures: [info(0.7), latency(1.2, 1.25), throughput(0.883, 1582)], crashes: [] },
    { figures: [info(0.65), latency(1.11, 1.18), throughput(0.96, 1634)], crashes: [] },
    { figures: [info(0.58), latency(1.06, 1.03), throughput(0.857, 1559)], crashes: [] },
  ];
  const table = formatRunsTable(runs);

  test("a header names the runs and every figure has a row, in the order they were reported", () => {
    const lines = table.split("\n");
    expect(lines[0]).toBe("| figure | runs 1, 2, 3 | goal | met | anchor |");
    expect(lines[1]).toBe("|---|---|---|---|---|");
    expect(lines.slice(2).map((line) => line.split("`")[1])).toEqual([
      "load-latency-p50",
      "load-latency-p95",
      "throughput-ratio-1k",
    ]);
  });

  test("a goal met in two runs of three is met; in one of three, it is not", () => {
    // 1.2 ≤ 1.25 and 1.11 ≤ 1.18 meet it; 1.06 > 1.03 misses it.
    expect(row(table, "load-latency-p95")[3]).toBe("yes (2 of 3)");
    // Only the second run's 0.96 reaches 0.95.
    expect(row(table, "throughput-ratio-1k")[3]).toBe("**no** (1 of 3)");
    expect(row(table, "load-latency-p50")[3]).toBe("info");
  });

  test("values read in run order with their unit, a ratio without one", () => {
    expect(row(table, "load-latency-p95")[1]).toBe("1.20, 1.11, 1.06 ms");
    expect(row(table, "throughput-ratio-1k")[1]).toBe("0.883, 0.960, 0.857");
  });

  test("goals are written with ≤ and ≥, and a figure without one says so", () => {
    expect(row(table, "load-latency-p95")[2]).toBe("≤ 1x anchor");
    expect(row(table, "throughput-ratio-1k")[2]).toBe("≥ 0.95");
    expect(row(table, "load-latency-p50")[2]).toBe("–");
  });

  test("the anchor of every run, thousands grouped, and the ratios where the units match", () => {
    expect(row(table, "throughput-ratio-1k")[4]).toBe("plain Bun.serve: 1,582, 1,634, 1,559 MiB/s");
    // 1.2 / 1.25, 1.11 / 1.18 and 1.06 / 1.03, with the report's digits.
    expect(row(table, "load-latency-p95")[4]).toBe("bun --hot p95: 1.25, 1.18, 1.03 ms (ratios 0.960, 0.941, 1.03)");
    expect(row(table, "load-latency-p50")[4]).toBe("");
  });
});

describe("a run that crashed", () => {
  const runs: BenchRun[] = [
    { figures: [throughput(0.97, 1500)], crashes: [] },
    { figures: [], crashes: [{ benchmark: "throughput-ratio-1k", message: "the runner restarted" }] },
    { figures: [throughput(0.99, 1600)], crashes: [] },
  ];
  const table = formatRunsTable(runs);

  test("leaves a gap in the figure's values and anchors and counts as a miss", () => {
    expect(row(table, "throughput-ratio-1k")[1]).toBe("0.970, –, 0.990");
    expect(row(table, "throughput-ratio-1k")[3]).toBe("yes (2 of 3)");
    expect(row(table, "throughput-ratio-1k")[4]).toBe("plain Bun.serve: 1,500, –, 1,600 MiB/s");
  });

  test("is named under the table with its message", () => {
    expect(table.split("\n").at(-1)).toBe("- run 2: throughput-ratio-1k crashed: the runner restarted");
  });

  test("of two runs, one met goal is not more than half", () => {
    const two = formatRunsTable([runs[0]!, runs[1]!]);
    expect(row(two, "throughput-ratio-1k")[3]).toBe("**no** (1 of 2)");
  });
});

test("a | inside an anchor's label is escaped, so the row keeps its five cells", () => {
  const figure = createFigure({
    name: "x-ms",
    value: 5,
    unit: "ms",
    goal: { op: "<=", limit: 10 },
    anchor: { label: "a | b", value: 4, unit: "ms" },
  });
  const table = formatRunsTable([{ figures: [figure], crashes: [] }]);
  expect(row(table, "x-ms")).toHaveLength(5);
  expect(row(table, "x-ms")[4]).toBe("a \\| b: 4.00 ms (ratios 1.25)");
});
