/**
 * `desktop-ready-ms`: from `npm start` to the editor ready for typing in the desktop window (the
 * page reports it, and the app prints `editor ready`), beside the same page in Chromium from
 * `npm run start:web` in the same run, interleaved. The goal is the window's own cost: no more than
 * the browser's, since npm, Bun, the host and the page are the same in both. The app's build is
 * made once before timing: a first start builds it, later starts only launch it.
 *
 * Every start runs in one home folder and one workspace folder, as a person's starts do, so Bun's
 * and npm's own caches are as warm as they are for the browser's start (which runs in this
 * process's home and workspace), and the host serves the page's build an earlier start kept (see
 * `files/page-build.ts`), as the browser's host does; what the window's WebKit and GTK keep in the
 * home (the HTTP cache, compiled code, storage) is removed before each start, as the browser's page
 * is opened in a new context each time.
 *
 * Runs where the desktop tests run (Electrobun's core, Xvfb); elsewhere it reports why not.
 */

import { rm } from "node:fs/promises";
import { join } from "node:path";
import { desktopUnavailable, startDesktopSession, startXvfb } from "../tests/support/desktop-session.ts";
import { createTempDir } from "../tests/support/temp-dir.ts";
import type { StartupParts } from "../src/contract/index.ts";
import {
  type LaunchStep,
  type LaunchTimes,
  readDesktopOpenLine,
  readPageReadyLine,
} from "../src/main/desktop/start-desktop.ts";
import { createFigure } from "./figure.ts";
import { type BareChromium, launchBareChromium } from "./bare-chromium.ts";
import { editorReady, readPageMarks, startsApart, waitUntil } from "./page-marks.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const runs = 3;
const root = join(import.meta.dir, "..");

/**
 * Where the window's WebKit (and GTK) keep caches and storage under a home folder, XDG's defaults;
 * Bun and npm keep theirs apart, in `.bun` and `.npm`.
 */
const webDataDirs = (home: string) => [join(home, ".cache"), join(home, ".local", "share")];

/** One desktop start: when its editor was ready, and what its page said of its own part. */
interface DesktopStart {
  /** ms from spawning npm to the page's `editor ready`. */
  ms: number;
  /** ms from the page's navigation to its editor ready, by the page's clock. */
  page?: number | undefined;
  /** That time's parts, when the page reported its milestones. */
  parts?: StartupParts | undefined;
  /** ms from spawning npm to `npm start` launching the app, and the app's steps after that, when it said them. */
  launch?: { launchedMs: number; times: LaunchTimes } | undefined;
}

/** One `npm start` in the window, its web data removed first. */
async function timeDesktop(display: string, home: string, workspace: string): Promise<DesktopStart> {
  for (const dir of webDataDirs(home)) await rm(dir, { recursive: true, force: true });
  const started = performance.now();
  await using app = startDesktopSession({ display, home, workspace });
  const ready = /^Stream Playground: editor ready/;
  const line = await app.waitForLine(ready, 60_000);
  const ms = app.arrivedAt(ready)! - started;
  const open = /^Stream Playground: desktop window open/;
  const times = readDesktopOpenLine(app.lines.find((each) => open.test(each)) ?? "");
  // The launch is known to the app, not to this process: it is the window's line less the time it gave.
  const launch = times && { launchedMs: app.arrivedAt(open)! - started - times.openMs, times };
  // Quit as a person would, so the next start measures a cold app, not one still ending.
  process.kill(app.npmPid(), "SIGTERM");
  await app.waitUntilAllEnded(15_000);
  const said = readPageReadyLine(line);
  return { ms, page: said?.editorReadyMs, parts: said?.parts, launch };
}

/** Where a median desktop start's time went: before the page's navigation, and the page's own parts. */
function describeStarts(starts: readonly DesktopStart[]): string {
  const told = starts.flatMap(({ ms, page }) => (page === undefined ? [] : [{ ms, page }]));
  const parts = starts.flatMap((start) => (start.parts === undefined ? [] : [start.parts]));
  if (told.length === 0) return "";
  const pages = told.map(({ page }) => page);
  const before = median(told.map(({ ms, page }) => ms - page));
  const part = (name: keyof StartupParts) => Math.round(median(parts.map((each) => each[name])));
  const split =
    parts.length === 0
      ? ""
      : ` (page ${part("page")}, Monaco ${part("monaco")}, editor ${part("editor")}, document ${part("document")} ms)`;
  return `; the window's page began loading ${Math.round(before)} ms after npm start was spawned${describeLaunch(starts)} and was ready ${Math.round(median(pages))} ms later${split}, medians`;
}

/**
 * The steps before the window's page began loading, from the medians of the starts that said them:
 * npm to the app's launch, Electrobun's launcher and Bun to the app's modules loaded, the host
 * listening, the window made, and WebKit's web process up until the page's navigation.
 */
function describeLaunch(starts: readonly DesktopStart[]): string {
  const told = starts.flatMap(({ launch }) => (launch === undefined ? [] : [launch]));
  if (told.length === 0) return " (npm, Electrobun, the host, the window)";
  const at = (pick: (start: (typeof told)[number]) => number) => Math.round(median(told.map(pick)));
  const launched = at((start) => start.launchedMs);
  const steps = (step: LaunchStep) => at((start) => start.launchedMs + start.times.steps[step]);
  return ` (npm launched the app at ${launched} ms; Electrobun's launcher and Bun had the app's modules loaded at ${steps("modules")}, the host listening at ${steps("listening")}, the window made at ${steps("window")}; then WebKit's web process until the page's navigation)`;
}

/**
 * `npm run start:web` into a new tab of an already-open Chromium, with no DevTools domain on in the
 * page (as the window has none): ms from spawning it to the editor ready, by the page's clock.
 */
async function timeBrowser(browser: BareChromium): Promise<number> {
  await using tab = await browser.newTab("empty");
  await startsApart();
  const started = performance.now();
  const child = Bun.spawn(["npm", "run", "--silent", "start:web", "--", "--no-open"], {
    cwd: root,
    env: { ...process.env, PORT: "0", CI: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      const url = /^Stream Playground: (\S+)$/m.exec(text)?.[1];
      if (!url) continue;
      await tab.navigate(url);
      await waitUntil(tab.evaluate, editorReady, 30_000);
      return (await readPageMarks(tab.evaluate)).here("startup:editor-ready") - started;
    }
    throw new Error(`start:web ended without printing its URL: ${text}`);
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}

export async function measureDesktop(): Promise<Figure[]> {
  const unavailable = desktopUnavailable();
  if (unavailable) {
    return [
      createFigure({ name: "desktop-ready-ms", value: Number.NaN, unit: "ms", failed: `not measured: ${unavailable}` }),
    ];
  }
  await using xvfb = await startXvfb();
  await using home = await createTempDir("bench-desktop-home-");
  await using workspace = await createTempDir("bench-desktop-ws-");
  const browser = await launchBareChromium();
  try {
    // The first start may build the app, and builds the page: not a start a person makes twice.
    await timeDesktop(xvfb.display, home.dir, workspace.dir);
    const starts: DesktopStart[] = [];
    const web: number[] = [];
    for (let i = 0; i < runs; i++) {
      await startsApart();
      starts.push(await timeDesktop(xvfb.display, home.dir, workspace.dir));
      web.push(await timeBrowser(browser));
    }
    const desktop = starts.map((start) => start.ms);
    return [
      createFigure({
        name: "desktop-ready-ms",
        value: median(desktop),
        unit: "ms",
        // The window's own cost (npm, Bun and the page are the same as the browser's), and a start within 900 ms.
        goal: { op: "<=", limit: 1.0, of: "anchor-times", alsoFixed: 900 },
        anchor: {
          label: "the same page in Chromium (start:web → editor ready)",
          value: median(web),
          unit: "ms",
          samples: web,
        },
        samples: desktop,
        note: `npm start spawned → the window's editor ready for typing, under Xvfb, its web caches emptied first; the build was made before timing${describeStarts(starts)}`,
      }),
    ];
  } finally {
    await browser.close();
  }
}
