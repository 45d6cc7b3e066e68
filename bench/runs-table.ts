/**
 * Several runs of the benchmarks side by side (`npm run bench -- --runs 3`), as a Markdown table:
 * each figure's values in run order, its goal, in how many runs it met it, and its anchor in each
 * run. A goal counts as met when more than half the runs meet it (two of three): on a shared,
 * noisy machine one run says little, and the table shows the day's spread.
 */

import { formatCount } from "../src/contract/index.ts";
import { type Crash, formatNumber } from "./report.ts";
import type { Figure } from "./types.ts";

/** What one run of the selected benchmarks reported, and which of them crashed. */
export interface BenchRun {
  figures: readonly Figure[];
  crashes: readonly Crash[];
}

/** Like `formatNumber`, with thousands grouped, as a table for people reads them: 1,780. */
function readable(value: number): string {
  return Math.abs(value) >= 1000 ? formatCount(Math.round(value)) : formatNumber(value);
}

/** A Markdown cell holds no `|` of its own. */
const cell = (text: string) => text.replaceAll("|", "\\|");

const missing = "–";

/** `1.20, 1.11, 1.06 ms`; a ratio (`x`) needs no unit. */
function series(values: readonly (number | undefined)[], unit: string): string {
  const text = values.map((value) => (value === undefined ? missing : readable(value))).join(", ");
  return unit === "x" ? text : `${text} ${unit}`;
}

function anchorCell(found: readonly (Figure | undefined)[]): string {
  const label = found.find((figure) => figure?.anchor !== undefined)?.anchor;
  if (label === undefined) return "";
  const values = series(
    found.map((figure) => figure?.anchor?.value),
    label.unit,
  );
  const ratios = found.some((figure) => figure?.ratio !== undefined)
    ? ` (ratios ${series(
        found.map((figure) => figure?.ratio),
        "x",
      )})`
    : "";
  return `${label.label}: ${values}${ratios}`;
}

export function formatRunsTable(runs: readonly BenchRun[]): string {
  const names: string[] = [];
  for (const run of runs) for (const figure of run.figures) if (!names.includes(figure.name)) names.push(figure.name);
  const rows = names.map((name) => {
    const found = runs.map((run) => run.figures.find((figure) => figure.name === name));
    const first = found.find((figure) => figure !== undefined)!;
    const goal = first.goal === null ? missing : first.goal.replaceAll("<=", "≤").replaceAll(">=", "≥");
    // A run that crashed before reporting the figure did not meet its goal.
    const metIn = found.filter((figure) => figure?.ok === true).length;
    const met =
      first.goal === null ? "info" : `${metIn * 2 > runs.length ? "yes" : "**no**"} (${metIn} of ${runs.length})`;
    const values = series(
      found.map((figure) => figure?.value),
      first.unit,
    );
    return `| \`${name}\` | ${cell(values)} | ${cell(goal)} | ${met} | ${cell(anchorCell(found))} |`;
  });
  const crashed = runs.flatMap((run, index) =>
    run.crashes.map((crash) => `- run ${index + 1}: ${crash.benchmark} crashed: ${crash.message}`),
  );
  const header = `| figure | runs ${runs.map((_, index) => index + 1).join(", ")} | goal | met | anchor |`;
  return [header, "|---|---|---|---|---|", ...rows, ...(crashed.length > 0 ? ["", ...crashed] : [])].join("\n");
}
