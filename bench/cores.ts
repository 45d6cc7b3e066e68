/**
 * Servers on a core of their own, the reading client on the others, for the throughput
 * benchmarks: left to the scheduler on a 2-core machine, a server and its client sometimes share a
 * core and sometimes do not, and the plain server's runs alone then differ by up to 2× within one
 * benchmark. Pinned, the server is what limits a run, on both sides of a pair alike, so the ratio
 * says what the playground costs the server rather than where the scheduler put it.
 *
 * Linux only (`taskset`, from util-linux); elsewhere, or with fewer than two cores, nothing is
 * pinned and the note says so. `createServerCpu` tallies what each server spent per unit of work
 * (a GiB read, a run of echoes), which on its own core says what a run cost it more steadily than
 * the run's speed.
 */

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { median } from "./stats.ts";

export interface CorePinning extends Disposable {
  /** For the figure's note: where each side ran. */
  readonly note: string;
}

/** The CPUs a process may run on, as Linux lists them (`0-1`), or undefined off Linux. */
function allowedCpus(pid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Sets the CPUs of every thread of `pid`; false when that could not be done. */
function setCpus(pid: number, cpus: string): boolean {
  try {
    return Bun.spawnSync(["taskset", "--all-tasks", "--pid", "--cpu-list", cpus, String(pid)]).exitCode === 0;
  } catch {
    return false;
  }
}

/**
 * Pins every thread of `servers` to the last core and this process's to the rest, until disposed,
 * which gives this process back the CPUs it had. Call once the servers are up (their threads exist).
 */
export function pinServersApart(servers: readonly (number | undefined)[]): CorePinning {
  const unpinned = (why: string): CorePinning => ({ note: `not pinned to cores (${why})`, [Symbol.dispose]() {} });
  const cores = availableParallelism();
  if (process.platform !== "linux") return unpinned("Linux only");
  if (cores < 2) return unpinned("one core");
  const pids = servers.filter((pid) => pid !== undefined);
  if (pids.length < servers.length) return unpinned("a server has no process");
  const own = allowedCpus(process.pid);
  if (own === undefined) return unpinned("no /proc");
  const serverCpu = String(cores - 1);
  const clientCpus = cores === 2 ? "0" : `0-${cores - 2}`;
  const pinned = pids.every((pid) => setCpus(pid, serverCpu)) && setCpus(process.pid, clientCpus);
  if (!pinned) {
    setCpus(process.pid, own);
    return unpinned("taskset failed");
  }
  return {
    note: `servers pinned to core ${serverCpu}, the client to ${clientCpus}`,
    [Symbol.dispose]() {
      setCpus(process.pid, own);
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from Linux's /proc; undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    // Not Linux, or the process is gone: the note goes without CPU times.
    return undefined;
  }
}

/** Linux reports CPU time in clock ticks; 100 a second on every platform Bun supports. */
const clockTicksPerSecond = 100;

/** Which server of a pair a run read from. */
export type PairSide = "plain" | "traced";

/** CPU seconds each server of a pair spent per unit of work, run by run. */
export interface ServerCpu {
  /** Runs `run` (`amount` units of work) and adds what `pid` spent on it to `side`'s runs. */
  measure<R>(side: PairSide, pid: number | undefined, run: () => Promise<R>): Promise<R>;
  /** `; server CPU per GiB: plain 0.37 s, runner 0.45 s` (medians), or nothing where /proc gave none. */
  note(): string;
}

export interface ServerCpuOptions {
  /** How much work one run is, in `unit`s. */
  amount: number;
  /** What the CPU time is given per: `GiB`, `run of 100000 echoes`. */
  unit: string;
}

export function createServerCpu({ amount, unit }: ServerCpuOptions): ServerCpu {
  const runs: Record<PairSide, number[]> = { plain: [], traced: [] };
  return {
    async measure(side, pid, run) {
      const before = cpuSeconds(pid);
      const result = await run();
      const after = cpuSeconds(pid);
      if (before !== undefined && after !== undefined) runs[side].push((after - before) / amount);
      return result;
    },
    note() {
      if (runs.plain.length === 0 || runs.traced.length === 0) return "";
      return `; server CPU per ${unit}: plain ${median(runs.plain).toFixed(2)} s, runner ${median(runs.traced).toFixed(2)} s`;
    },
  };
}
