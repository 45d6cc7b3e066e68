/**
 * Waits for the machine to be quiet before a timed start. Back to back, what came before was still
 * ending or starting while a start began: the last start's host, runner and tab's renderer, and a
 * new tab's browser context, which kept both cores 80–95% busy for 600–700 ms after it was made
 * (2026-12-07), and a warm start's host took 75–102 ms to print its address instead of 52–54 ms. A
 * person starts the playground into a browser that is open and idle.
 */

import { cpus } from "node:os";

/** CPU time so far, all cores together (ms). */
export interface CpuTimes {
  busy: number;
  total: number;
}

export interface QuietOptions {
  /** The machine counts as quiet in a window when less than this share of its CPU time was busy. */
  busyBelow?: number | undefined;
  windowMs?: number | undefined;
  /** Quiet windows in a row that make it quiet. */
  windows?: number | undefined;
  /** Given up after this long (a machine with work of its own is never quiet): the start goes on. */
  timeoutMs?: number | undefined;
  /** The CPU's times so far; the machine's own when left out. */
  sample?: (() => CpuTimes) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

function machineCpu(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** Resolves with whether the machine went quiet: `windows` quiet windows in a row, or false after `timeoutMs`. */
export async function untilQuiet(options: QuietOptions = {}): Promise<boolean> {
  const { busyBelow = 0.15, windowMs = 100, windows = 2, timeoutMs = 5_000 } = options;
  const sample = options.sample ?? machineCpu;
  const sleep = options.sleep ?? ((ms: number) => Bun.sleep(ms));
  let last = sample();
  let quietInARow = 0;
  for (let waited = 0; waited < timeoutMs; waited += windowMs) {
    await sleep(windowMs);
    const now = sample();
    const total = now.total - last.total;
    quietInARow = total > 0 && (now.busy - last.busy) / total < busyBelow ? quietInARow + 1 : 0;
    last = now;
    if (quietInARow >= windows) return true;
  }
  return false;
}
