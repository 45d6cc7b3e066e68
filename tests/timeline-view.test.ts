import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TimelineEvent } from "../src/contract/index.ts";
import { bundledPage } from "./browser/bundled-page.ts";
import { artifactsDir, launchChromium } from "./browser/chromium.ts";

// The page: the timeline alone in a full-window container, bundled for the browser as the app is.
const timelineIndex = join(import.meta.dir, "..", "src", "webview", "timeline", "index.ts");
const entrySource = `
import { createTimelineModel, createTimelineView } from ${JSON.stringify(timelineIndex)};
const model = createTimelineModel(0);
const calls = [];
const view = createTimelineView(document.getElementById("timeline"), model, {
  onHover: (event) => calls.push("hover " + (event ? event.kind : "-")),
  onSelect: (event) => calls.push("select " + (event ? event.kind : "-")),
  onFollowChange: (following) => calls.push("follow " + following),
});
/** n writes and chunks on each of 10 lanes, over 60 s. */
function flood(n) {
  const events = [];
  for (let i = 0; i < n; i++) {
    const lane = 1 + (i % 10);
    const t = (i / n) * 60000;
    events.push(i % 2 === 0
      ? { t, lane, side: "server", kind: "write", requestId: lane, version: 1, bytes: 10, text: "x", via: "enqueue" }
      : { t, lane, side: "client", kind: "chunk", bytes: 10, text: "x" });
  }
  model.append(events);
}
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
Object.assign(window, { model, view, calls, flood, frame });
`;

let browser: Browser;
let context: BrowserContext | undefined;
let html: string;

beforeAll(async () => {
  html = await bundledPage({
    entrySource,
    body: '<div id="timeline"></div>',
    style: "body{margin:0}#timeline{position:absolute;inset:0}",
    name: "the timeline",
  });
  browser = await launchChromium();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});
afterAll(async () => {
  await browser?.close();
});

async function openTimeline(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1200, height: 500 }, colorScheme });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.setContent(html);
  await page.waitForFunction(() => "view" in window);
  return page;
}

/** A lane's request whose three writes arrived in one chunk, and a reload that made it stale. */
const scenario: TimelineEvent[] = [
  {
    t: 1,
    lane: 0,
    side: "runner",
    kind: "loaded",
    version: 1,
    form: "default-function",
    notices: [],
    loadMs: 1,
    url: "http://127.0.0.1:1/",
  },
  {
    t: 10,
    lane: 1,
    side: "client",
    kind: "open",
    client: "stream",
    method: "GET",
    url: "http://127.0.0.1:1/",
    attempt: 1,
  },
  { t: 12, lane: 1, side: "server", kind: "request", requestId: 1, version: 1, method: "GET", path: "/" },
  { t: 20, lane: 1, side: "server", kind: "write", requestId: 1, version: 1, bytes: 5, text: "hello", via: "yield" },
  { t: 22, lane: 1, side: "server", kind: "write", requestId: 1, version: 1, bytes: 5, text: "hello", via: "yield" },
  { t: 24, lane: 1, side: "server", kind: "write", requestId: 1, version: 1, bytes: 5, text: "hello", via: "yield" },
  { t: 40, lane: 1, side: "client", kind: "chunk", bytes: 15, text: "hellohellohello" },
  {
    t: 50,
    lane: 0,
    side: "runner",
    kind: "loaded",
    version: 2,
    form: "default-function",
    notices: [],
    loadMs: 1,
    url: "http://127.0.0.1:1/",
  },
  { t: 60, lane: 1, side: "client", kind: "disconnect", by: "client", bytes: 15, chunks: 1 },
  { t: 61, lane: 1, side: "server", kind: "abort", requestId: 1, version: 1 },
  { t: 62, lane: 1, side: "server", kind: "cancel", requestId: 1, version: 1, reason: "the client went away" },
  {
    t: 90,
    lane: 1,
    side: "server",
    kind: "leak",
    requestId: 1,
    version: 1,
    what: "interval",
    line: 4,
    detail: "an interval is still running",
  },
];

type Harness = {
  model: { append(events: readonly TimelineEvent[]): void; rows: { marks: { t: number; kind: string }[] }[] };
  view: {
    canvas: HTMLCanvasElement;
    range: { from: number; to: number };
    following: boolean;
    stats: { ms: number; marks: number; binned: number; links: number };
    select(event: TimelineEvent | undefined): void;
    setRange(from: number, to: number): void;
    toPng(): Promise<Blob>;
  };
  calls: string[];
  flood(n: number): void;
  frame(): Promise<void>;
};
const harness = (page: Page) => page.evaluateHandle(() => window as unknown as Harness);

async function show(page: Page, events: readonly TimelineEvent[]): Promise<void> {
  // Passed as unknown: Playwright's argument types recurse without end through a JSON value's type.
  await page.evaluate(async (batch) => {
    const w = window as unknown as Harness;
    w.model.append(batch as TimelineEvent[]);
    await w.frame();
    await w.frame();
  }, events as unknown);
}

/** Where the mark of the event at time `t` in row `row` is drawn, in page coordinates. */
async function markPosition(page: Page, row: number, t: number): Promise<{ x: number; y: number }> {
  const w = await harness(page);
  return w.evaluate(
    (w, [row, t]) => {
      const { from, to } = w.view.range;
      const rect = w.view.canvas.getBoundingClientRect();
      const rows = w.model.rows.length;
      const height = Math.max(18, Math.min(34, Math.floor((rect.height - 24) / rows)));
      // The gutter is 136 px, the right margin 12; marks sit in the row below its 12 px label band.
      return {
        x: rect.left + 136 + ((t - from) * (rect.width - 148)) / (to - from),
        y: rect.top + 24 + row * height + 12 + (height - 15) / 2,
      };
    },
    [row, t] as const,
  );
}

describe("timeline view", () => {
  test("draws a focusable canvas the page's size that says what it shows", async () => {
    const page = await openTimeline();
    await show(page, scenario);
    const canvas = await (await harness(page)).evaluate((w) => ({
      size: [w.view.canvas.width, w.view.canvas.height],
      tabIndex: w.view.canvas.tabIndex,
      role: w.view.canvas.getAttribute("role"),
      label: w.view.canvas.getAttribute("aria-label"),
      links: w.view.stats.links,
    }));
    expect(canvas).toEqual({
      size: [1200, 500],
      tabIndex: 0,
      role: "img",
      label:
        "Timeline of 12 events on 3 rows, showing 0 ms to 94 ms, following live. Scroll or +/- to zoom, drag or arrow keys to pan, f to fit, l to follow.",
      links: 3,
    });
    await page.screenshot({ path: join(artifactsDir, "timeline-view-light.png") });
  });

  test("hovering a mark reports its event, clicking selects it, and a drag pans without selecting", async () => {
    const page = await openTimeline();
    await show(page, scenario);
    const leak = await markPosition(page, 1, 90);
    await page.mouse.move(leak.x, leak.y);
    await page.mouse.down();
    await page.mouse.up();
    const before = await (await harness(page)).evaluate((w) => w.view.range);
    await page.mouse.move(600, 300);
    await page.mouse.down();
    await page.mouse.move(500, 300, { steps: 4 });
    await page.mouse.up();
    const after = await (await harness(page)).evaluate((w) => ({ range: w.view.range, calls: w.calls }));
    expect(after.calls.filter((call) => !call.startsWith("hover -"))).toEqual([
      "hover leak",
      "select leak",
      "follow false",
    ]);
    expect(after.range.from).toBeGreaterThan(before.from);
  });

  test("keys zoom, pan, fit and follow, and a manual zoom ends follow-live", async () => {
    const page = await openTimeline();
    await show(page, scenario);
    await page.focus("canvas");
    const range = async () => (await harness(page)).evaluate((w) => ({ ...w.view.range, following: w.view.following }));
    const start = await range();
    await page.keyboard.press("+");
    const zoomed = await range();
    await page.keyboard.press("ArrowRight");
    const panned = await range();
    await page.keyboard.press("l");
    const following = await range();
    expect({
      zoomedIn: zoomed.to - zoomed.from < start.to - start.from,
      followingAfterZoom: zoomed.following,
      pannedRight: panned.from > zoomed.from,
      followingAfterL: following.following,
    }).toEqual({ zoomedIn: true, followingAfterZoom: false, pannedRight: true, followingAfterL: true });
    await page.keyboard.press("f");
    const fitted = await range();
    expect(fitted.from <= 1 && fitted.to >= 90 && !fitted.following).toBe(true);
  });

  test("wheel zooms around the pointer and shift+wheel pans", async () => {
    const page = await openTimeline();
    await show(page, scenario);
    const anchor = await markPosition(page, 1, 40);
    await page.mouse.move(anchor.x, anchor.y);
    await page.mouse.wheel(0, -300);
    const zoomed = await (await harness(page)).evaluate((w) => w.view.range);
    // One notch of 300 px zooms in by e^(300 × 0.0018) ≈ 1.7×; the time under the pointer stays there.
    expect(zoomed.to - zoomed.from).toBeLessThan(94 / 1.6);
    expect(Math.abs(zoomed.from + ((anchor.x - 136) / 1052) * (zoomed.to - zoomed.from) - 40)).toBeLessThan(0.5);
    await page.keyboard.down("Shift");
    await page.mouse.wheel(0, 200);
    await page.keyboard.up("Shift");
    const panned = await (await harness(page)).evaluate((w) => w.view.range);
    expect(panned.from).toBeGreaterThan(zoomed.from);
  });

  test("select() from outside brings the mark into view", async () => {
    const page = await openTimeline();
    await show(page, scenario);
    const range = await page.evaluate((chunk) => {
      const w = window as unknown as Harness;
      w.view.setRange(70, 80);
      w.view.select(chunk as TimelineEvent);
      return w.view.range;
    }, scenario[6] as unknown);
    expect(range.from < 40 && range.to > 40).toBe(true);
  });

  test("colours follow the colour scheme", async () => {
    const page = await openTimeline("dark");
    await show(page, scenario);
    const pixel = () =>
      page.evaluate(() => [
        ...(window as unknown as Harness).view.canvas.getContext("2d")!.getImageData(600, 480, 1, 1).data,
      ]);
    expect(await pixel()).toEqual([13, 17, 23, 255]);
    await page.screenshot({ path: join(artifactsDir, "timeline-view-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
    // The scheme's change event arrives on its own schedule; wait for the repaint it causes.
    await page.waitForFunction(() => {
      const [r, g, b] = (window as unknown as Harness).view.canvas.getContext("2d")!.getImageData(600, 480, 1, 1).data;
      return r === 255 && g === 255 && b === 255;
    });
    expect(await pixel()).toEqual([255, 255, 255, 255]);
  });

  test("exports the view as a PNG", async () => {
    const page = await openTimeline();
    await show(page, scenario);
    const png = await page.evaluate(async () => {
      const blob = await (window as unknown as Harness).view.toPng();
      return { type: blob.type, signature: [...new Uint8Array(await blob.slice(0, 4).arrayBuffer())] };
    });
    expect(png).toEqual({ type: "image/png", signature: [0x89, 0x50, 0x4e, 0x47] });
  });

  test("100,000 events draw as density bars, well within a frame", async () => {
    const page = await openTimeline();
    const result = await page.evaluate(async () => {
      const w = window as unknown as Harness;
      w.flood(100_000);
      w.view.setRange(0, 60_000);
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        w.view.setRange(i * 10, 60_000 + i * 10);
        await w.frame();
        await w.frame();
        times.push(w.view.stats.ms);
      }
      times.sort((a, b) => a - b);
      return { median: times[7]!, binned: w.view.stats.binned, marks: w.view.stats.marks };
    });
    // A generous bound: a frame takes a few ms here; drawing per mark took hundreds.
    expect(result.median).toBeLessThan(40);
    expect({ binned: result.binned > 99_000, marks: result.marks }).toEqual({ binned: true, marks: 0 });
  });
});
