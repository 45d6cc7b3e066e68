/**
 * The UI's figures, in real Chromium against `npm run start:web`:
 * - `ui-ready-ms`: from starting the host to an editor ready for typing (by the page's own clock),
 *   split into where the time went, against a bare Bun.serve process serving an empty page to the
 *   same browser (the cost of any local page at all).
 * - `ui-ready-warm-ms`: the same, on a launch after the first, with the browser's cache kept from one
 *   launch to the next (a Chromium profile of its own) and the host on the port it used last, as
 *   `npm run start:web` runs it without `PORT`; against the first launch into that empty cache.
 *   Both start figures, and their anchors, are timed in a Chromium with no DevTools domain on in the
 *   page (bare-chromium.ts), as a person's browser runs it; the frame figures in one Playwright drives.
 * - `ui-frame-p95-flood`: p95 time between animation frames while a handler's clients produce
 *   20,000 events a second for 5 s, against the same page's frames at rest. Both are measured once
 *   the editor's first type check with Bun's types is over (`editor-first-check-ms`, printed for
 *   information): that check keeps a core busy for seconds on a slow machine, and on two cores a
 *   flood started in the middle of it measured the check as much as the timeline.
 * - `ui-frame-p95-1m`: p95 time between frames while panning and zooming a timeline of 1,000,000
 *   events (a recording opened with File → Open recording), against the same page at rest.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../tests/browser/chromium.ts";
import { type BareChromium, launchBareChromium } from "./bare-chromium.ts";
import { createFigure } from "./figure.ts";
import { bodyHas, editorReady, readPageMarks, startsApart, waitForEditorCheck, waitUntil } from "./page-marks.ts";
import { writeTickerRecording } from "./fixtures/million-events.ts";
import { median, percentile } from "./stats.ts";
import type { StartupMark } from "../src/contract/index.ts";
import type { Figure } from "./types.ts";

const root = join(import.meta.dir, "..");
/**
 * `STREAM_PLAYGROUND_BENCH_QUICK=1`: one pass over everything, briefly, for checking what the
 * benchmark does (a test runs it so), not what it measures.
 */
const quick = process.env.STREAM_PLAYGROUND_BENCH_QUICK === "1";
const readyRuns = quick ? 1 : 5;
/** Launches after the first into one browser profile: the warm starts. */
const warmRuns = quick ? 1 : 5;
/** How long each frame measurement runs, and how many events the long recording has. */
const frameMs = { rest: quick ? 500 : 2_000, flood: quick ? 1_000 : 5_000, pan: quick ? 500 : 3_000 };
const recordingEvents = quick ? 50_000 : 1_000_000;

/** Spawns a server process and resolves with the URL it prints on a line matching `pattern`, and when it printed it. */
async function spawnServer(
  command: string[],
  env: Record<string, string | undefined>,
  pattern: RegExp,
): Promise<{ url: string; printedAt: number; stop: () => Promise<void> }> {
  const child = Bun.spawn(command, {
    cwd: root,
    // A variable set to undefined is left out, not passed on as the text "undefined".
    env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined)),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of child.stdout) {
    text += decoder.decode(chunk, { stream: true });
    const url = pattern.exec(text)?.[1];
    if (url) {
      return {
        url,
        printedAt: performance.now(),
        stop: async () => {
          child.kill("SIGTERM");
          await child.exited;
        },
      };
    }
  }
  throw new Error(`${command.join(" ")} ended without printing its URL: ${text}`);
}

/**
 * `npm run start:web`, as the README starts it, without opening a browser of its own: on any free
 * port, or (`remembered`) without `PORT`, on the one the last launch with `home` used.
 */
function startWeb(port: { remembered: true; home: string } | { remembered: false } = { remembered: false }) {
  return spawnServer(
    [process.execPath, join(root, "src/main/start-web.ts"), "--no-open"],
    port.remembered ? { PORT: undefined, CI: "1", STREAM_PLAYGROUND_HOME: port.home } : { PORT: "0", CI: "1" },
    /^Stream Playground: (\S+)$/m,
  );
}

/** One start of the playground into a page: when each part of it was done, in ms from the spawn. */
interface ReadyTiming {
  /** The page's editor ready for typing, by the page's own clock. */
  ready: number;
  /** When this process saw the page say so (through the browser's automation, which lags a busy page). */
  observed: number;
  /** The editor ready, in ms from the page's navigation, by its own clock. */
  fromNavigation: number;
  parts: Record<string, number>;
}

/**
 * Times `npm run start:web` to an editor ready for typing, by the page's own clock: its
 * `startup:editor-ready` mark, put on this process's clock through the two clocks' common origin
 * (both count from the epoch), as `desktop-ready-ms` takes the window's own word for it.
 */
async function timeReady(browser: BareChromium, port?: Parameters<typeof startWeb>[0]): Promise<ReadyTiming> {
  // The cache the profile keeps for a launch on the port the last one used; an empty one otherwise.
  await using tab = await browser.newTab(port?.remembered ? "profile" : "empty");
  await startsApart();
  const spawnedAt = performance.now();
  const web = await startWeb(port);
  try {
    await tab.navigate(web.url);
    await waitUntil(tab.evaluate, editorReady, 30_000);
    const observed = performance.now() - spawnedAt;
    const marks = await readPageMarks(tab.evaluate);
    /** When the page marked `name`, in ms from its navigation. */
    const markAt = (name: StartupMark) => marks.at(`startup:${name}`);
    /** The same, in ms from the spawn. */
    const mark = (name: StartupMark) => marks.here(`startup:${name}`) - spawnedAt;
    const printed = web.printedAt - spawnedAt;
    const [script, monaco, created, ready] = [
      mark("page-script"),
      mark("monaco-loaded"),
      mark("editor-created"),
      mark("editor-ready"),
    ];
    return {
      ready,
      observed,
      fromNavigation: markAt("editor-ready"),
      parts: {
        host: printed,
        page: script - printed,
        monaco: monaco - script,
        editor: created - monaco,
        document: ready - created,
      },
    };
  } finally {
    await web.stop();
  }
}

/** A process serving an empty page, loaded in the same browser: the floor under any local page. */
async function timeBarePage(browser: BareChromium): Promise<number> {
  await using tab = await browser.newTab("empty");
  await startsApart();
  const started = performance.now();
  const server = await spawnServer(
    [process.execPath, join(import.meta.dir, "fixtures", "blank-page-fixture.ts")],
    {},
    /^(http\S+)$/m,
  );
  try {
    await tab.navigate(server.url);
    const loaded = `performance.getEntriesByType("navigation")[0]?.loadEventEnd > 0`;
    await waitUntil(tab.evaluate, loaded, 30_000);
    // The load event's end by the page's clock, put on this process's through their common origin.
    const at = Number(
      await tab.evaluate(`performance.timeOrigin + performance.getEntriesByType("navigation")[0].loadEventEnd`),
    );
    return at - performance.timeOrigin - started;
  } finally {
    await server.stop();
  }
}

/**
 * Monaco's editor alone in a bare page, from the same build with the same preload hints: ms from
 * the page's navigation to the editor created, by the page's own clock. What any page with this
 * editor pays of a first start, beside the playground's page.
 */
async function timeMonacoAlone(browser: BareChromium): Promise<number> {
  await using tab = await browser.newTab("empty");
  await startsApart();
  const server = await spawnServer(
    [process.execPath, join(import.meta.dir, "fixtures", "monaco-page-fixture.ts")],
    {},
    /^(http\S+)$/m,
  );
  try {
    await tab.navigate(server.url);
    await waitUntil(tab.evaluate, bodyHas("data-ready"), 30_000);
    return (await readPageMarks(tab.evaluate)).at("ready");
  } finally {
    await server.stop();
  }
}

/** Frame intervals in the page over `ms`, while `work` runs. */
async function frameIntervals(page: Page, ms: number, work: () => Promise<void> = async () => {}): Promise<number[]> {
  const measuring = page.evaluate(
    (duration) =>
      new Promise<number[]>((resolve) => {
        const intervals: number[] = [];
        let last = performance.now();
        const end = last + duration;
        const frame = (now: number) => {
          intervals.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(frame);
          else resolve(intervals.slice(1));
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
  await work();
  return measuring;
}

const flooder = `// 10 clients × ~1,000 writes a second, and the chunks they arrive in: ~20,000 events a second.
export default () => new Response(async function* () {
  const end = performance.now() + 5_000;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) yield "x";
    await Bun.sleep(10);
  }
});
`;

/** Wheel zoom in and out and sideways pan over the timeline's middle, as a person scrolls it. */
async function panAndZoom(page: Page): Promise<number[]> {
  const box = (await page.locator(".timeline canvas").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.click("#timeline-fit");
  return frameIntervals(page, frameMs.pan, async () => {
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, i % 20 < 10 ? -120 : 120);
      await page.mouse.wheel(120, 0);
    }
  });
}

const rowCount = async (page: Page) => Number(((await page.textContent(".row-count")) ?? "").replace(/[^\d]/g, ""));

async function measureFrames(browser: Browser): Promise<Figure[]> {
  const web = await startWeb();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const folder = mkdtempSync(join(tmpdir(), "stream-playground-bench-recording-"));
  try {
    const recording = join(folder, "ticker-1m.jsonl");
    const written = await writeTickerRecording(recording, { events: recordingEvents });
    await page.goto(web.url);
    await page.waitForSelector("body[data-editor-ready]");
    await page.waitForFunction(() => /v\d+ live/.test(document.getElementById("status")?.textContent ?? ""));
    const firstCheckMs = await waitForEditorCheck(page, 60_000);
    const rest = await frameIntervals(page, frameMs.rest);
    const restP95 = percentile(rest, 95);
    const anchor = { label: "same page at rest, p95", value: restP95, unit: "ms" };

    await page.evaluate((source) => window.monaco!.editor.getModels()[0]!.setValue(source), flooder);
    await page.click("#run");
    await page.waitForFunction(() => /v2 live/.test(document.getElementById("status")?.textContent ?? ""));
    await page.fill("#client-count", "10");
    const flood = await frameIntervals(page, frameMs.flood, () => page.click("#connect"));

    const opening = performance.now();
    await page.setInputFiles("#recording-file-input", recording);
    await page.waitForFunction(
      (count) => (document.querySelector(".row-count")?.textContent ?? "").replace(/[^\d]/g, "") === String(count),
      written,
      { timeout: 120_000 },
    );
    const openMs = performance.now() - opening;
    const shown = await rowCount(page);
    const heapMb = await page.evaluate(
      () => ((performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 1e6,
    );
    const million = await panAndZoom(page);
    return [
      createFigure({
        name: "ui-frame-p95-flood",
        value: percentile(flood, 95),
        unit: "ms",
        goal: { op: "<=", limit: 33 },
        anchor,
        note: `${flood.length} frames over ${frameMs.flood / 1000} s while 10 clients streamed; aim 16 ms`,
      }),
      createFigure({
        name: "editor-first-check-ms",
        value: firstCheckMs,
        unit: "ms",
        note: "Bun's types applied to the editor → the TypeScript worker's first check of the snippet with them answered, by the page's clock (the worker starts about a second after the types, then reads all ~4 MB of declarations)",
      }),
      createFigure({
        name: "ui-frame-p95-1m",
        value: percentile(million, 95),
        unit: "ms",
        goal: { op: "<=", limit: 1.05, of: "anchor-times" },
        anchor,
        note: `${shown.toLocaleString("en")} events in the timeline and table (a recording of 10 SSE clients, opened in ${(openMs / 1000).toFixed(1)} s; JS heap ${heapMb.toFixed(0)} MB); ${million.length} frames of wheel zoom and pan over ${frameMs.pan / 1000} s; a frame can be no shorter than the display's period, which the page at rest shows`,
      }),
    ];
  } finally {
    await page.close();
    await web.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Launches into one Chromium profile, its cache kept between them as a person's browser keeps it,
 * each host on the port the one before used: the first into an empty cache, then `warmRuns` more.
 */
async function measureWarmStart(): Promise<Figure> {
  const profile = mkdtempSync(join(tmpdir(), "bench-ui-profile-"));
  const home = mkdtempSync(join(tmpdir(), "bench-ui-home-"));
  const browser = await launchBareChromium({ profile });
  try {
    const first = await timeReady(browser, { remembered: true, home });
    const warm: ReadyTiming[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await timeReady(browser, { remembered: true, home }));
    const partNames = Object.keys(warm[0]!.parts);
    return createFigure({
      name: "ui-ready-warm-ms",
      value: median(warm.map((run) => run.ready)),
      unit: "ms",
      goal: { op: "<=", limit: 450 },
      anchor: { label: "the first launch into the empty cache", value: first.ready, unit: "ms" },
      samples: warm.map((run) => run.ready),
      parts: Object.fromEntries(partNames.map((name) => [name, median(warm.map((run) => run.parts[name]!))])),
      note: `start:web without PORT spawned → the editor ready, median of the ${warmRuns} launches after the first (${warm.map((run) => run.ready.toFixed(0)).join(", ")} ms), one Chromium profile kept throughout`,
    });
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

export async function measureUi(): Promise<Figure[]> {
  return [await measureFirstStart(), await measureWarmStart(), ...(await measureFramesInChromium())];
}

/** `ui-ready-ms`: first starts, each into an empty cache, beside a bare page and Monaco alone, interleaved. */
async function measureFirstStart(): Promise<Figure> {
  const browser = await launchBareChromium();
  try {
    const ready: ReadyTiming[] = [];
    const bare: number[] = [];
    const monacoAlone: number[] = [];
    for (let i = 0; i < readyRuns; i++) {
      bare.push(await timeBarePage(browser));
      monacoAlone.push(await timeMonacoAlone(browser));
      ready.push(await timeReady(browser));
    }
    const partNames = Object.keys(ready[0]!.parts);
    return createFigure({
      name: "ui-ready-ms",
      value: median(ready.map((run) => run.ready)),
      unit: "ms",
      goal: { op: "<=", limit: 700 },
      anchor: { label: "bare Bun.serve page", value: median(bare), unit: "ms", samples: bare },
      samples: ready.map((run) => run.ready),
      // Each part's median: they need not add up to the median of the whole.
      parts: Object.fromEntries(partNames.map((name) => [name, median(ready.map((run) => run.parts[name]!))])),
      note: `start:web spawned → the page's editor ready for typing by its own clock, in a tab of an already-open Chromium, the machine quiet once the tab was made, with no DevTools domain on in the page; median of ${readyRuns}; from the page's navigation ${median(ready.map((run) => run.fromNavigation)).toFixed(0)} ms, Monaco's editor alone in a bare page from the same build ${median(monacoAlone).toFixed(0)} ms; seen by the test driver after ${median(ready.map((run) => run.observed)).toFixed(0)} ms (median; it lags a busy page)`,
    });
  } finally {
    await browser.close();
  }
}

/** The frame figures, in a Chromium Playwright drives: they scroll, zoom and type. */
async function measureFramesInChromium(): Promise<Figure[]> {
  const browser = await launchChromium();
  try {
    return await measureFrames(browser);
  } finally {
    await browser.close();
  }
}
