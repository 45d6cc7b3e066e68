/**
 * Starts the desktop app for `npm start`: builds it when needed, launches it, and hands back the
 * running app or, in one line, why it could not start. Everything the app and the build print goes
 * to `desktop.log` in the workspace folder; the terminal gets the playground's own lines and
 * errors (`--verbose` shows everything), since Electrobun and WebKit print dozens of lines a start.
 */

import { mkdirSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { locateAppBundle } from "./app-bundle.ts";
import { spawnApp } from "./app-process.ts";
import { ensureAppBuilt } from "./build-app.ts";
import { type ReopenReason, reopenedVariable } from "./keep-running.ts";
import {
  desktopReadyLine,
  launchedAtVariable,
  pageReadyLine,
  runDesktopApp,
  type DesktopRun,
} from "./start-desktop.ts";

export interface LaunchDesktopOptions {
  projectRoot: string;
  /** Where `desktop.log` is written (the workspace folder). */
  logDir: string;
  /** Electrobun's native core is missing: the build downloads it first. */
  downloadCore: boolean;
  /** Print every line the app prints, not only the playground's own. */
  verbose: boolean;
  env: Record<string, string | undefined>;
  say: (line: string) => void;
  /** Aborted when `npm start` is told to stop while the app is still being built. */
  signal: AbortSignal;
  /** How long the window may take to open once launched; 30 s when left out. */
  readyTimeoutMs?: number | undefined;
  /** How long its first page may then take to be ready before the app counts as hung; 40 s when left out. */
  pageReadyTimeoutMs?: number | undefined;
}

export type LaunchDesktopResult =
  | {
      ok: true;
      run: DesktopRun;
      logFile: string;
      /** Launches the app again, as this launch did, after it crashed or hung (see `keep-running.ts`). */
      relaunch: (why: ReopenReason) => Promise<LaunchDesktopResult>;
    }
  | { ok: false; reason: string; logFile: string };

/** The app's display name, as `electrobun.config.ts` gives it. */
const appName = "Stream Playground";

/**
 * Whether a line the app printed goes to the terminal: every line with `verbose`; the window's
 * line and the editor's ready line always (the editor can be ready first, when the page loads
 * faster than the host starts its runner); once the window is open, the playground's own lines and
 * anything that reads like trouble. Before that, a failed start is said in one line of its own.
 */
export function showsInTerminal(line: string, { opened, verbose }: { opened: boolean; verbose: boolean }): boolean {
  if (verbose || line.includes(desktopReadyLine) || line.includes(pageReadyLine)) return true;
  if (!opened || line.includes("GLXBadWindow") || line.includes("Failed to set fd limit")) return false;
  return /^(Stream Playground|workspace:|host:)/.test(line) || /\b(error|warning|failed)\b/i.test(line);
}

export async function launchDesktop(options: LaunchDesktopOptions): Promise<LaunchDesktopResult> {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, "desktop.log");
  writeFileSync(logFile, `Stream Playground desktop app, started ${new Date().toISOString()}\n`);
  const bundle = locateAppBundle({ projectRoot: options.projectRoot, appName, env: "dev" });
  const built = await ensureAppBuilt({
    projectRoot: options.projectRoot,
    bundle,
    env: "dev",
    logFile,
    signal: options.signal,
    // A first build also fetches Electrobun's core from GitHub, which may be slow or unreachable.
    timeoutMs: options.downloadCore ? 10 * 60_000 : 3 * 60_000,
    onBuilding: () =>
      options.say(
        options.downloadCore
          ? "Building the desktop app; fetching Electrobun's native core first (first start only)…"
          : "Building the desktop app (first start, or after an update)…",
      ),
  });
  if (!built.ok) return { ok: false, reason: built.reason, logFile };
  if (options.signal.aborted) return { ok: false, reason: "stopped before the window opened", logFile };
  const attempt = (reopened: ReopenReason | undefined) => {
    const run = runDesktopApp({
      launch: () =>
        spawnApp({
          command: [bundle.launcher],
          cwd: bundle.launcherCwd,
          env: {
            ...options.env,
            STREAM_PLAYGROUND_ROOT: options.projectRoot,
            STREAM_PLAYGROUND_LAUNCHED_BY: String(process.pid),
            [reopenedVariable]: reopened,
            [launchedAtVariable]: String(Date.now()),
          },
        }),
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      // Longer than the app's own wait before it loads a slow page again (20 s; see `app.ts`).
      pageReadyTimeoutMs: options.pageReadyTimeoutMs ?? 40_000,
      quitGraceMs: 5_000,
      onLine(line, opened) {
        appendFileSync(logFile, `${line}\n`);
        if (showsInTerminal(line, { opened, verbose: options.verbose })) options.say(line);
      },
    });
    options.signal.addEventListener("abort", () => void run.stop(), { once: true });
    return run;
  };
  /** Launches the app; a start that may well work on a second try (see `DesktopStart`) is tried once more. */
  const open = async (reopened?: ReopenReason): Promise<LaunchDesktopResult> => {
    let run = attempt(reopened);
    let started = await run.started;
    if (!started.ok && started.retry && !options.signal.aborted) {
      // Rare, and seldom twice in a row: one more try before the browser.
      await run.ended;
      const what = started.crashed ? "crashed" : started.timedOut ? "hung" : "failed";
      const again = `the desktop app ${what} while starting (${started.reason}); starting it once more`;
      appendFileSync(logFile, `Stream Playground: ${again}\n`);
      options.say(`Stream Playground: ${again}…`);
      run = attempt(reopened);
      started = await run.started;
    }
    if (!started.ok) {
      await run.ended;
      return { ok: false, reason: started.reason, logFile };
    }
    return { ok: true, run, logFile, relaunch: open };
  };
  return open();
}
