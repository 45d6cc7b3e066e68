/**
 * The events table alone in Chromium, bundled as the app bundles it: it follows the newest row while
 * the view is at the bottom, stays where the user scrolled to otherwise, and does not take the late
 * scroll event of its own move to the bottom for the user scrolling up.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { bundledPage } from "./bundled-page.ts";
import { launchChromium } from "./chromium.ts";

const webview = join(import.meta.dir, "..", "..", "src", "webview");
const entrySource = `
import { createEventStore } from ${JSON.stringify(join(webview, "event-store.ts"))};
import { createEventsTable } from ${JSON.stringify(join(webview, "events-table.ts"))};
const store = createEventStore();
createEventsTable(document.getElementById("table"), store, { onSelect() {} });
/** Server writes on lane 1 at these times. */
const writesAt = (times) =>
  times.map((t) => ({ t, lane: 1, side: "server", kind: "write", requestId: 1, version: 1, bytes: 1, text: "x", via: "yield" }));
let written = 0;
/** n server writes on lane 1, 10 ms apart. */
function writes(n) {
  const times = Array.from({ length: n }, (_, i) => (written + i) * 10);
  written += n;
  return writesAt(times);
}
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
const scroller = () => document.querySelector(".table-scroller");
/** The indices of the events the table draws, first and last. */
function drawn() {
  const rows = [...document.querySelectorAll(".events-table tr[data-index]")].map((row) => Number(row.dataset.index));
  return { first: Math.min(...rows), last: Math.max(...rows) };
}
Object.assign(window, { store, writesAt, writes, frame, scroller, drawn });
`;

let browser: Browser;
let html: string;

beforeAll(async () => {
  html = await bundledPage({
    entrySource,
    body: '<div id="table"></div>',
    // Ten rows' height, rows as tall as the table counts them.
    style:
      "body{margin:0}#table{display:flex;flex-direction:column;height:242px}.table-scroller{flex:1;overflow:auto}table{border-collapse:collapse}tr{height:22px}td{padding:0;white-space:nowrap;font:12px/16px monospace}",
    name: "the events table",
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openTable(options: { fakeClock?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 800, height: 400 } });
  page.on("pageerror", (error) => console.error("page error:", error.message));
  // The page's timers, clock and frames are then Playwright's (running until a test pauses them).
  if (options.fakeClock) await page.clock.install();
  await page.setContent(html);
  await page.waitForFunction(() => "drawn" in window);
  return page;
}

interface Drawn {
  first: number;
  last: number;
}

declare const store: { append(batch: unknown[]): void; events: unknown[] };
declare function writesAt(times: number[]): unknown[];
declare function writes(n: number): unknown[];
declare function frame(): Promise<void>;
declare function scroller(): HTMLElement;
declare function drawn(): Drawn;

/**
 * Waits until the table has drawn all `count` events (it draws rows streaming in at most every
 * 100 ms, and writes its count as it draws them), then says which it shows.
 */
async function drawnAll(page: Page, count: number): Promise<Drawn> {
  await page.waitForFunction(
    (expected) => document.querySelector(".row-count")?.textContent === `${expected} events`,
    count.toLocaleString("en"),
  );
  return page.evaluate(() => drawn());
}

/** Scrolls the table to its top or bottom as a user would, and waits for the table to hear of it. */
function scrollAs(page: Page, to: "top" | "bottom"): Promise<void> {
  return page.evaluate(
    (where) =>
      new Promise<void>((resolve) => {
        scroller().addEventListener("scroll", () => resolve(), { once: true });
        scroller().scrollTop = where === "top" ? 0 : scroller().scrollHeight;
      }),
    to,
  );
}

describe("the events table", () => {
  test("follows the newest row, even when its own scroll event arrives after the next batch", async () => {
    const page = await openTable();
    await page.evaluate(() => store.append(writes(30)));
    expect((await drawnAll(page, 30)).last).toBe(29);

    // The table moved itself to the bottom; the next batch is announced, and only then does the
    // scroll event of that move reach it (Chromium may deliver it that late).
    await page.evaluate(async () => {
      store.append(writes(20));
      await frame();
      scroller().dispatchEvent(new Event("scroll"));
    });
    expect((await drawnAll(page, 50)).last).toBe(49);

    await page.evaluate(() => store.append(writes(5)));
    expect((await drawnAll(page, 55)).last).toBe(54);
    await page.close();
  });

  test("draws a row that comes after a quiet spell at once, and rows streaming in at most every 100 ms", async () => {
    const page = await openTable({ fakeClock: true });
    const count = () => page.evaluate(() => document.querySelector(".row-count")?.textContent);
    // The table draws all it has when it first learns its size, whenever the browser tells it (which
    // would draw the second row early): once a resize observer made after the table's has heard,
    // the table's has too.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          new ResizeObserver((_, observer) => {
            observer.disconnect();
            resolve();
          }).observe(scroller()),
        ),
    );
    // A second from now, and still from then on: only the test moves the page's time (a busy
    // machine's own time passing between two steps would otherwise move it too).
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
    // The store tells its views of a batch on the next frame, and the table draws it in the task
    // after: within two frames (32 ms), a third of the 100 ms a stream's rows may wait.
    await page.evaluate(() => store.append(writes(1)));
    await page.clock.runFor(32);
    const lone = await count();

    // 32 ms after the first row, 32 ms more, then 30: within 100 ms of the first row's drawing.
    await page.evaluate(() => store.append(writes(1)));
    await page.clock.runFor(32);
    const soonAfter = await count();
    await page.clock.runFor(30);
    const stillWithin = await count();
    // 144 ms after the first append, more than 100 ms after its row was drawn.
    await page.clock.runFor(50);
    expect({ lone, soonAfter, stillWithin, after: await count() }).toEqual({
      lone: "1 event",
      soonAfter: "1 event",
      stillWithin: "1 event",
      after: "2 events",
    });
    await page.close();
  });

  test("stays where the user scrolled up to while rows stream in, and follows again once back at the bottom", async () => {
    const page = await openTable();
    await page.evaluate(() => store.append(writes(100)));
    expect((await drawnAll(page, 100)).last).toBe(99);

    await scrollAs(page, "top");
    await page.evaluate(() => store.append(writes(20)));
    const up = await drawnAll(page, 120);
    expect(up.first).toBe(0);
    expect(up.last).toBeLessThan(119);

    await scrollAs(page, "bottom");
    await page.evaluate(() => store.append(writes(20)));
    expect((await drawnAll(page, 140)).last).toBe(139);
    await page.close();
  });

  test("following the newest rows, a row still in view stays the same element, and a late row is put in its place", async () => {
    const page = await openTable();
    const listed = () =>
      page.evaluate(() =>
        [...document.querySelectorAll(".events-table tr[data-index]")].map((row) =>
          Number((row as HTMLElement).dataset.index),
        ),
      );
    /** Which of the rows in view are the elements drawn before, as a pointer over one would find it. */
    const keptFromBefore = () =>
      page.evaluate(() => {
        const before = (window as unknown as { before: Set<Element> }).before;
        return [...document.querySelectorAll(".events-table tr[data-index]")].map((row) => before.has(row));
      });
    const remember = () =>
      page.evaluate(() => {
        Object.assign(window, { before: new Set(document.querySelectorAll(".events-table tr[data-index]")) });
      });

    await page.evaluate(() => store.append(writes(30)));
    await drawnAll(page, 30);
    const first = await listed();
    expect(first.at(-1)).toBe(29);
    await remember();

    await page.evaluate(() => store.append(writes(5)));
    await drawnAll(page, 35);
    const next = await listed();
    // The view moved down by five rows: the rows both draws show are the same elements, the new ones new.
    expect(next).toEqual(first.slice(5).concat([30, 31, 32, 33, 34]));
    expect(await keptFromBefore()).toEqual(next.map((index) => index < 30));
    await remember();

    // A late event (t 305 ms, between the rows at 300 and 310) goes between them, not at the end.
    await page.evaluate(() => store.append(writesAt([305])));
    await drawnAll(page, 36);
    const late = await listed();
    expect(late.slice(-6)).toEqual([30, 35, 31, 32, 33, 34]);
    expect(late).toEqual([...next.slice(1, -4), 35, ...next.slice(-4)]);
    // What is drawn matches what a fresh table shows: the time column of each row is its event's.
    const times = await page.evaluate(() =>
      [...document.querySelectorAll(".events-table tr[data-index]")].map((row) => Number(row.firstChild!.textContent)),
    );
    expect(times).toEqual(late.map((index) => (index === 35 ? 305 : index * 10)));
    await page.close();
  });

  test("lists rows by time whatever order their batches bring them in, ties in the order they arrived", async () => {
    const page = await openTable();
    // Times of each batch as it arrives: in order and after the rows so far, out of order within
    // itself, reaching back before the last rows, and ties with rows already listed.
    const batches = [
      [0, 20, 40],
      [50, 10, 30],
      [45, 60],
      [20, 60, 5],
    ];
    await page.evaluate(async (times) => {
      for (const batch of times) {
        store.append(writesAt(batch));
        // The store hands the table what arrived at the next frame, before this wait's callback
        // (asked for after it): the table takes one batch at a time.
        await frame();
      }
    }, batches);
    await drawnAll(page, 11);
    const listed = await page.evaluate(() =>
      [...document.querySelectorAll(".events-table tr[data-index]")].map((row) =>
        Number((row as HTMLElement).dataset.index),
      ),
    );
    const arrived = batches.flat().map((t, index) => ({ t, index }));
    // Array.prototype.sort is stable: equal times keep their arrival order.
    const byTime = [...arrived].sort((a, b) => a.t - b.t).map((event) => event.index);
    expect(listed).toEqual(byTime);
    await page.close();
  });

  test("a million rows are drawn 22 px apart, as the browser paints them, at the bottom and in the middle", async () => {
    const page = await openTable();
    await page.evaluate(() => {
      for (let i = 0; i < 10; i++) store.append(writes(100_000));
    });
    expect((await drawnAll(page, 1_000_000)).last).toBe(999_999);
    expect(await textRowTops(page)).toEqual(evenlySpaced(await textRowTops(page)));

    await scrollTo(page, 0.5);
    const middle = await page.evaluate(() => drawn());
    // Halfway down the scroll range is halfway through the rows, give or take a screenful.
    expect(Math.abs((middle.first + middle.last) / 2 - 500_000)).toBeLessThan(30);
    expect(await textRowTops(page)).toEqual(evenlySpaced(await textRowTops(page)));

    await scrollAs(page, "top");
    expect((await page.evaluate(() => drawn())).first).toBe(0);
    await page.close();
  }, 60_000);
});

/** Scrolls the table to a fraction of its scroll range, and waits for the table to hear of it. */
function scrollTo(page: Page, fraction: number): Promise<void> {
  return page.evaluate(
    (part) =>
      new Promise<void>((resolve) => {
        scroller().addEventListener("scroll", () => requestAnimationFrame(() => resolve()), { once: true });
        scroller().scrollTop = (scroller().scrollHeight - scroller().clientHeight) * part;
      }),
    fraction,
  );
}

/**
 * Where each line of text begins in the table as Chromium painted it: a screenshot of the table,
 * read back through a canvas in the page, each run of pixel rows with ink in the time column
 * being one table row's text.
 */
async function textRowTops(page: Page): Promise<number[]> {
  await page.evaluate(() => frame());
  const box = (await page.locator(".table-scroller").boundingBox())!;
  const shot = await page.screenshot({ clip: { x: box.x, y: box.y, width: 80, height: box.height } });
  return page.evaluate(async (png) => {
    const image = new Image();
    image.src = `data:image/png;base64,${png}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    const inked = (y: number) => {
      for (let x = 0; x < image.width; x++) if (data[(y * image.width + x) * 4]! < 128) return true;
      return false;
    };
    const tops: number[] = [];
    for (let y = 1; y < image.height; y++) if (inked(y) && !inked(y - 1)) tops.push(y);
    return tops;
  }, shot.toString("base64"));
}

/** The tops a text row would have at exactly 22 px apart, from the first found: what `tops` must equal. */
function evenlySpaced(tops: number[]): number[] {
  if (tops.length < 5) throw new Error(`found ${tops.length} rows of text in the table, too few to judge`);
  return tops.map((_, i) => tops[0]! + i * 22);
}
