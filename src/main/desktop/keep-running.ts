/**
 * Keeps the desktop app running through a crash. The app is one process for the window, the host
 * and (under it) the runner; a native crash there (WebKitGTK, GTK or Bun's FFI callbacks from the
 * GTK thread, now and then) takes the window away with nothing on screen to say why. `npm start`
 * then says what happened and opens the app again: the workspace is on disk and the new window
 * restores it, drafts included. So is an app ended as hung (its first page never ready; see
 * `start-desktop.ts`). A crash that repeats quickly ends `npm start` instead of looping.
 */

import type { PageReloadReason } from "../../contract/index.ts";
import type { DesktopRun } from "./start-desktop.ts";

/** Set, for an app opened again, to why (`app-crashed` or `app-hung`): its first page says so. */
export const reopenedVariable = "STREAM_PLAYGROUND_REOPENED";
export type ReopenReason = Extract<PageReloadReason, "app-crashed" | "app-hung">;

/** Signals that mean the app crashed, not that someone ended it (SIGTERM, SIGINT, SIGHUP, SIGKILL). */
const crashSignals: Record<number, string> = {
  4: "SIGILL",
  5: "SIGTRAP",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  11: "SIGSEGV",
  31: "SIGSYS",
};

/** The crash signal's name when the launcher's exit code (128 + signal) says the app crashed. */
export function crashSignalOf(exitCode: number): string | undefined {
  return exitCode > 128 ? crashSignals[exitCode - 128] : undefined;
}

export interface CrashBudget {
  /** Counts a crash; true while the app may still be opened again. */
  spend(): boolean;
  /** How many crashes the budget allows within its window, and how long that window is. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface CrashBudgetOptions {
  /** Crashes allowed within `windowMs`; one more ends the app for good. */
  limit: number;
  windowMs: number;
  now?: (() => number) | undefined;
}

export function createCrashBudget(options: CrashBudgetOptions): CrashBudget {
  const now = options.now ?? (() => performance.now());
  let crashes: number[] = [];
  return {
    limit: options.limit,
    windowMs: options.windowMs,
    spend() {
      const at = now();
      crashes = crashes.filter((time) => at - time < options.windowMs);
      crashes.push(at);
      return crashes.length <= options.limit;
    },
  };
}

export type Relaunched = { ok: true; run: DesktopRun } | { ok: false; reason: string };

export interface KeepRunningOptions {
  /** The app as first launched, its window open. */
  first: DesktopRun;
  /** Launches the app again (its own start, bounded as the first was), saying why. */
  relaunch: (why: ReopenReason) => Promise<Relaunched>;
  budget: CrashBudget;
  /** True once `npm start` was told to stop: an app ending then is no crash to recover from. */
  stopped: () => boolean;
  /** Where the app's own output went, for the lines that point there. */
  logFile: string;
  say: (line: string) => void;
}

/** Runs until the app ends other than by a crash, or crashes too often; resolves with `npm start`'s exit code. */
export async function keepDesktopRunning(options: KeepRunningOptions): Promise<number> {
  let run = options.first;
  while (true) {
    const code = await run.ended;
    if (options.stopped()) return 0;
    const signal = crashSignalOf(code);
    const what = run.hung ? `hung (${run.hung})` : signal ? `crashed (${signal})` : undefined;
    if (what === undefined) return code;
    if (!options.budget.spend()) {
      options.say(
        `Stream Playground: the desktop app ${what}; that makes ${options.budget.limit + 1} crashes or hangs within ${Math.round(options.budget.windowMs / 60_000)} min, so it is not opened again. Your edits are kept as drafts. (Details: ${options.logFile})`,
      );
      return run.hung ? 1 : code;
    }
    options.say(
      `Stream Playground: the desktop app ${what}; opening it again with your drafts. (Details: ${options.logFile})`,
    );
    const again = await options.relaunch(run.hung ? "app-hung" : "app-crashed");
    if (options.stopped()) {
      if (again.ok) await again.run.stop();
      return 0;
    }
    if (!again.ok) {
      options.say(`Stream Playground: the desktop app could not be opened again: ${again.reason}`);
      return 1;
    }
    run = again.run;
  }
}
