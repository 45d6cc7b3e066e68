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
let written = 0;
/** n server writes on lane 1, 10 ms apart. */
function writes(n) {
  const batch = [];
  for (let i = 0; i < n; i++, written++) {
    batch.push({ t: written * 10, lane: 1, side: "server", kind: "write", requestId: 1, version: 1, bytes: 1, text: "x", via: "yield" });
  }
  return batch;
}
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
const scroller = () => document.querySelector(".table-scroller");
/** The indices of the events the table draws, first and last. */
function drawn() {
  const rows = [...document.querySelectorAll(".events-table tr[data-index]")].map((row) => Number(row.dataset.index));
  return { first: Math.min(...rows), last: Math.max(...rows) };
}
Object.assign(window, { store, writes, frame, scroller, drawn });
`;

let browser: Browser;
let html: string;

beforeAll(async () => {
  html = await bundledPage({
    entrySource,
    body: '<div id="table"></div>',
    // Ten rows' height, rows as tall as the table counts them.
    style:
      "body{margin:0}#table{display:flex;flex-direction:column;height:242px}.table-scroller{flex:1;overflow:auto}tr{height:22px}td{padding:0;white-space:nowrap}",
    name: "the events table",
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openTable(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 800, height: 400 } });
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.setContent(html);
  await page.waitForFunction(() => "drawn" in window);
  return page;
}

interface Drawn {
  first: number;
  last: number;
}

declare const store: { append(batch: unknown[]): void; events: unknown[] };
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
    count,
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
});
