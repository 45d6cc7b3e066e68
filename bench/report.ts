/** Prints figures: an aligned table for people, or one JSON object per line for tools. */

import type { Figure } from "./types.ts";

/** A benchmark that threw instead of reporting. */
export interface Crash {
  benchmark: string;
  message: string;
}

/** Enough digits to compare figures by eye: 1234, 12.35, 0.123. */
export function formatNumber(value: number): string {
  const size = Math.abs(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** Rounds for JSON: three decimals says everything these measurements can. */
const round = (value: number) => Math.round(value * 1000) / 1000;

/** One figure as a JSON line; `run` numbers it among several runs (`--runs`). */
export function figureJson(figure: Figure, run?: number): string {
  const line = run === undefined ? figure : { ...figure, run };
  return JSON.stringify(line, (_key, value: unknown) => (typeof value === "number" ? round(value) : value));
}

function verdict(figure: Figure): string {
  if (figure.ok === null) return "info";
  return figure.ok ? "ok" : "MISS";
}

function anchorText(figure: Figure): string {
  const { anchor } = figure;
  if (!anchor) return "";
  const ratio = figure.ratio === undefined ? "" : `  (ratio ${formatNumber(figure.ratio)})`;
  return `${anchor.label}: ${formatNumber(anchor.value)} ${anchor.unit}${ratio}`;
}

function remarks(figure: Figure): string {
  const parts = figure.parts
    ? Object.entries(figure.parts).map(([name, value]) => `${name} ${formatNumber(value)} ${figure.unit}`)
    : [];
  return [...parts, figure.note ?? ""].filter((text) => text !== "").join("; ");
}

export function formatTable(figures: readonly Figure[], crashes: readonly Crash[]): string {
  const header = ["figure", "value", "unit", "goal", "ok", "anchor", "notes"];
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.value),
    f.unit,
    f.goal ?? "-",
    verdict(f),
    anchorText(f),
    remarks(f),
  ]);
  for (const crash of crashes) rows.push([crash.benchmark, "-", "", "", "CRASH", "", crash.message]);
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  // Numbers line up on the right, words on the left.
  const numeric = new Set([1]);
  const lines = table.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1
          ? cell
          : numeric.has(column)
            ? cell.padStart(widths[column]!)
            : cell.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd(),
  );
  const missed = figures.filter((f) => f.ok === false).length;
  const summary = `${figures.length} figures, ${missed} missed goal${missed === 1 ? "" : "s"}${crashes.length > 0 ? `, ${crashes.length} crashed` : ""}`;
  return [lines[0]!, ...lines.slice(1), "", summary].join("\n");
}
