/**
 * `npm start`'s desktop half: build the app when needed, launch it in a process group of its own,
 * and watch its output for the line that says the window is open. The start is bounded: an app
 * that exits first, says it failed, or shows no window in time is ended and reported in one line,
 * so `npm start` can serve the browser instead. Once open, the app runs until it quits or `stop()`
 * ends it (Ctrl+C, SIGTERM, the terminal going away), group and all; or, when its first page never
 * says its editor is ready, until it is ended as hung (`keep-running.ts` opens it again).
 */

import { type PageReady, type StartupParts, startupParts } from "../../contract/index.ts";
import type { AppProcess } from "./app-process.ts";

/** The desktop app prints this once its window is open; until then a failure means "fall back". */
export const desktopReadyLine = "Stream Playground: desktop window open";
/**
 * When `npm start` launched the app (ms since the epoch), in the app's environment: the app says
 * how long after it each step of its start came (`desktopOpenMessage`).
 */
export const launchedAtVariable = "STREAM_PLAYGROUND_LAUNCHED_AT";

/** The app's own steps from its launch to its window, in the order they come. */
export const launchSteps = ["modules", "listening", "window"] as const;
export type LaunchStep = (typeof launchSteps)[number];
/** ms from the launch to each step, and to the window's line itself (the host started, its runner up). */
export interface LaunchTimes {
  steps: Record<LaunchStep, number>;
  openMs: number;
}
const launchStepLabels: Record<LaunchStep, string> = {
  // Electrobun's launcher and Bun started, and the app's modules loaded (Electrobun's native core with them).
  modules: "its modules loaded at",
  listening: "the host listening at",
  // Electrobun's window and its WebKit view made; the page begins loading once WebKit's web process is up.
  window: "the window made at",
};

/**
 * The line the desktop app prints once its window is open: with the times of its steps when it
 * knows when it was launched (`npm start` says so), and the bare line otherwise.
 */
export function desktopOpenMessage(times: LaunchTimes | undefined): string {
  if (times === undefined) return desktopReadyLine;
  const steps = launchSteps.map((step) => `${launchStepLabels[step]} ${Math.round(times.steps[step])}`).join(", ");
  return `${desktopReadyLine} (${Math.round(times.openMs)} ms after its launch: ${steps} ms)`;
}

/** What a `desktopOpenMessage` line says of the start's steps (ms rounded as printed), or undefined. */
export function readDesktopOpenLine(line: string): LaunchTimes | undefined {
  if (!line.startsWith(desktopReadyLine)) return undefined;
  const steps = launchSteps.map((step) => `${launchStepLabels[step]} (\\d+)`).join(", ");
  const said = new RegExp(`\\((\\d+) ms after its launch: ${steps} ms\\)$`).exec(line);
  if (!said) return undefined;
  const [openMs, ...times] = said.slice(1).map(Number) as [number, ...number[]];
  return {
    openMs,
    steps: Object.fromEntries(launchSteps.map((step, i) => [step, times[i]!])) as Record<LaunchStep, number>,
  };
}
/** The desktop app prints this, with the time it took, each time its page's editor is ready. */
export const pageReadyLine = "Stream Playground: editor ready";
/**
 * The line the desktop app prints when its page's editor is ready: how long after the page began
 * loading, and, where the page said when its milestones came, the parts of that time.
 */
export function pageReadyMessage({ editorReadyMs, marks }: PageReady): string {
  const parts = marks === undefined ? undefined : startupParts(marks);
  const split =
    parts === undefined
      ? ""
      : `: page ${Math.round(parts.page)}, Monaco ${Math.round(parts.monaco)}, editor ${Math.round(parts.editor)}, document ${Math.round(parts.document)} ms`;
  return `${pageReadyLine} (${Math.round(editorReadyMs)} ms after the page began loading${split})`;
}

/** What a `pageReadyMessage` line says (ms rounded as printed), or undefined for any other line. */
export function readPageReadyLine(line: string): { editorReadyMs: number; parts?: StartupParts } | undefined {
  if (!line.startsWith(pageReadyLine)) return undefined;
  const said =
    /\((\d+) ms after the page began loading(?:: page (\d+), Monaco (\d+), editor (\d+), document (\d+) ms)?\)$/.exec(
      line,
    );
  if (!said) return undefined;
  const editorReadyMs = Number(said[1]);
  // The parts come all four or not at all.
  if (said[2] === undefined) return { editorReadyMs };
  const [page, monaco, editor, document] = said.slice(2).map(Number) as [number, number, number, number];
  return { editorReadyMs, parts: { page, monaco, editor, document } };
}

/** The desktop app prints this, with the reason, when it cannot start (see `index.ts`). */
export const desktopFailureLine = "Stream Playground: desktop app failed:";

/**
 * A start that failed: `crashed` when the app died by a signal before its window opened (the
 * launcher exits with 128 + the signal), `timedOut` when its window did not open in time (the app
 * was ended). `retry` when it may well start on a second try: it crashed, hung, or exited without
 * the app itself saying why (a native toolkit does each now and then while starting, and an X
 * server has been seen to refuse one connection); not when the app named a reason or was stopped.
 */
export type DesktopStart =
  | { ok: true }
  | { ok: false; reason: string; retry: boolean; crashed?: boolean; timedOut?: boolean };

export interface DesktopRunOptions {
  /** Starts the app's processes. */
  launch: () => AppProcess;
  /** How long the window may take to open before the start counts as failed. */
  readyTimeoutMs: number;
  /**
   * How long the window's first page may take to say its editor is ready before the app counts as
   * hung and is ended (the app loads a slow page again itself, sooner: see `app.ts`). Left out: no limit.
   */
  pageReadyTimeoutMs?: number | undefined;
  /** How long the app may take to quit after being asked before its whole group is killed. */
  quitGraceMs: number;
  /**
   * Every line the app prints; `opened` once its window is open (before then, a failure names the line that matters).
   */
  onLine: (line: string, opened: boolean) => void;
  setTimeout?: typeof globalThis.setTimeout;
  clearTimeout?: typeof globalThis.clearTimeout;
}

export interface DesktopRun {
  /** Settles once: the window opened, or the start failed (and the app was ended). */
  readonly started: Promise<DesktopStart>;
  /** Settles with the launcher's exit code once every process of the app has ended. */
  readonly ended: Promise<number>;
  /** Asks the app to quit, then ends its group if it has not within the grace. Settles when it has ended. */
  stop(): Promise<number>;
  /** Why the app was ended as hung (its window open, its page never ready), if it was. */
  readonly hung: string | undefined;
}

/** The last line that looks like an error, to say in one line why a start or a build failed. */
export function lastErrorLine(lines: readonly string[]): string | undefined {
  // Harmless under Xvfb and on many desktops: not a reason.
  return lines
    .findLast((line) => /error|fail|cannot|not found|denied|abort/i.test(line) && !line.includes("GLXBadWindow"))
    ?.trim();
}

export function runDesktopApp(options: DesktopRunOptions): DesktopRun {
  const setTimer = options.setTimeout ?? globalThis.setTimeout;
  const clearTimer = options.clearTimeout ?? globalThis.clearTimeout;
  const app = options.launch();
  const started = Promise.withResolvers<DesktopStart>();
  let opened = false;
  let pageReady = false;
  let hung: string | undefined;
  let pageTimer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  let failure: string | undefined;
  const recent: string[] = [];

  const settle = (result: DesktopStart) => {
    if (settled) return;
    settled = true;
    clearTimer(readyTimer);
    started.resolve(result);
  };

  const readyTimer = setTimer(() => {
    settle({
      ok: false,
      reason: `the desktop window did not open within ${Math.round(options.readyTimeoutMs / 1000)} s`,
      retry: true,
      timedOut: true,
    });
    app.kill();
  }, options.readyTimeoutMs);

  const reading = (async () => {
    for await (const line of app.lines) {
      options.onLine(line, opened);
      if (!pageReady && line.includes(pageReadyLine)) {
        pageReady = true;
        if (pageTimer !== undefined) clearTimer(pageTimer);
      }
      if (opened) continue;
      recent.push(line);
      if (recent.length > 50) recent.shift();
      if (line.includes(desktopReadyLine)) {
        opened = true;
        settle({ ok: true });
        const limit = options.pageReadyTimeoutMs;
        if (limit !== undefined && !pageReady) {
          pageTimer = setTimer(() => {
            if (pageReady) return;
            hung = `its page did not say it was ready within ${Math.round(limit / 1000)} s of the window opening`;
            app.kill();
          }, limit);
        }
      } else if (line.includes(desktopFailureLine)) {
        failure = line.slice(line.indexOf(desktopFailureLine) + desktopFailureLine.length).trim();
      }
    }
  })();

  const ended = app.exited.then(async (code) => {
    if (pageTimer !== undefined) clearTimer(pageTimer);
    // Helpers the app left in its group (accessibility services re-parented to init) end with it,
    // and with them the last holders of its output pipes: then every line has been read.
    app.kill();
    await reading;
    if (!opened) {
      const why = failure ?? lastErrorLine(recent);
      settle({
        ok: false,
        reason: failure ?? `the desktop app exited with code ${code} before its window opened${why ? ` (${why})` : ""}`,
        retry: failure === undefined,
        crashed: failure === undefined && code > 128,
      });
    }
    return code;
  });

  return {
    started: started.promise,
    ended,
    get hung() {
      return hung;
    },
    stop(): Promise<number> {
      if (pageTimer !== undefined) clearTimer(pageTimer);
      if (!opened) {
        settle({ ok: false, reason: "stopped before the window opened", retry: false });
        app.kill();
        return ended;
      }
      app.terminate();
      const grace = setTimer(() => app.kill(), options.quitGraceMs);
      return ended.finally(() => clearTimer(grace));
    },
  };
}
