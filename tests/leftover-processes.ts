/**
 * Processes a test run left behind. Every process a test starts inherits the run's marker in its
 * environment (tests build child environments from `process.env`), so a scan of `/proc` finds them
 * wherever they were re-parented. Linux only; elsewhere the scan finds nothing.
 */

import { readdirSync, readFileSync } from "node:fs";

export interface Leftover {
  pid: number;
  command: string;
}

/** Live (not zombie) processes other than this one whose environment contains `marker`. */
export function findLeftovers(marker: string): Leftover[] {
  if (process.platform !== "linux") return [];
  const found: Leftover[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) continue;
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, "latin1"))) continue;
      found.push({
        pid: Number(entry),
        command: readFileSync(`/proc/${entry}/cmdline`, "latin1").replaceAll("\0", " ").trim(),
      });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** Waits up to `graceMs` for leftovers to end on their own, then kills what is still there and returns it. */
export async function endLeftovers(marker: string, graceMs: number): Promise<Leftover[]> {
  const deadline = performance.now() + graceMs;
  let left = findLeftovers(marker);
  while (left.length > 0 && performance.now() < deadline) {
    await Bun.sleep(100);
    left = findLeftovers(marker);
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  return left;
}
