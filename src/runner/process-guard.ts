/**
 * The playground's own processes are off limits to a snippet: `process.kill` of the host or the
 * runner, of either one's process group, of the runner's own group (`0`) or of every process
 * (`-1`) is refused with an error thrown at the snippet's line, and reported on the timeline even
 * when the snippet catches it. Signalling anything else, such as a process the snippet spawned,
 * works as before.
 */

import { readFileSync } from "node:fs";
import { callerLine } from "./snippet-paths.ts";

export interface ProcessGuardOptions {
  /** The host's pid: the runner's parent. */
  hostPid: number;
  /** Told of each refusal, with the snippet line that asked. */
  report: (text: string, line: number | undefined) => void;
  /** A process's group id; read from the system when left out. */
  groupOf?: ((pid: number) => number | undefined) | undefined;
}

/** A process's group id: `/proc` on Linux, `ps` elsewhere (macOS). Undefined when neither can tell. */
export function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // `pid (comm) state ppid pgrp …`: the command name may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const group = Number(fields[2]);
    if (Number.isSafeInteger(group) && group > 0) return group;
  } catch {
    // No /proc here: ask ps.
  }
  try {
    const ps = Bun.spawnSync(["ps", "-o", "pgid=", "-p", String(pid)], { stdout: "pipe", stderr: "ignore" });
    const group = Number(ps.stdout.toString().trim());
    return Number.isSafeInteger(group) && group > 0 ? group : undefined;
  } catch {
    return undefined;
  }
}

/** Why signalling `target` is refused, or undefined when it is allowed. */
export function refusalFor(
  target: number,
  own: { runnerPid: number; hostPid: number; groups: () => ReadonlySet<number> },
): string | undefined {
  if (target === own.runnerPid) return "that is the playground's runner, the process serving this snippet";
  if (target === own.hostPid) return "that is the playground's host process";
  if (target === 0) return "0 means the runner's own process group, the runner included";
  if (target === -1) return "-1 means every process you may signal, the playground's own included";
  if (target < 0 && (own.groups().has(-target) || -target === own.runnerPid || -target === own.hostPid)) {
    return `${target} means the process group of the playground's host or runner`;
  }
  return undefined;
}

export function installProcessGuard(options: ProcessGuardOptions): void {
  const nativeKill = process.kill.bind(process);
  const groupOf = options.groupOf ?? processGroupOf;
  const runnerPid = process.pid;
  let groups: Set<number> | undefined;
  const own = {
    runnerPid,
    hostPid: options.hostPid,
    // Read on the first negative pid only: most snippets never signal a group.
    groups: () =>
      (groups ??= new Set(
        [groupOf(runnerPid), groupOf(options.hostPid)].filter((group): group is number => group !== undefined),
      )),
  };

  process.kill = ((pid: number, signal?: string | number) => {
    const target = Number(pid);
    const refusal = Number.isInteger(target) ? refusalFor(target, own) : undefined;
    if (refusal !== undefined) {
      const text = `process.kill(${target}) is refused: ${refusal}. A snippet may signal processes it started, not the playground's own.`;
      options.report(text, callerLine());
      throw new Error(text);
    }
    // The number that was checked is the one signalled: a pid object whose valueOf answers
    // differently the second time cannot slip the host's pid past the check.
    return nativeKill(target, signal);
  }) as typeof process.kill;
}
