/**
 * The events table alone in Chromium, bundled as the app bundles it: it follows the newest row while
 * the view is at the bottom, stays where the user scrolled to otherwise, and does not take the late
 * scroll event of its own move to the bottom for the user scrolling up.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
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
  return { first: Math.min(...rows), last: Math.max(...rows), events: store.events.length };
}
Object.assign(window, { store, writes, frame, scroller, drawn });
`;

let browser: Browser;
let dir: string;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "events-table-"));
  writeFileSync(join(dir, "entry.js"), entrySource);
  const [build, launched] = await Promise.all([
    Bun.build({ entrypoints: [join(dir, "entry.js")], target: "browser" }),
    launchChromium(),
  ]);
  browser = launched;
  if (!build.success) throw new AggregateError(build.logs, "the events table did not bundle");
  const script = await build.outputs[0]!.text();
  // Ten rows' height, rows as tall as the table counts them.
  const style =
    "body{margin:0}#table{display:flex;flex-direction:column;height:242px}.table-scroller{flex:1;overflow:auto}tr{height:22px}td{padding:0;white-space:nowrap}";
  html = `<!doctype html><meta charset="utf-8"><style>${style}</style><div id="table"></div><script type="module">${script.replaceAll("</script", "<\\/script")}</script>`;
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
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
  events: number;
}

declare const store: { append(batch: unknown[]): void; events: unknown[] };
declare function writes(n: number): unknown[];
declare function frame(): Promise<void>;
declare function scroller(): HTMLElement;
declare function drawn(): Drawn;

/** Waits until the table has drawn what the store holds (it draws streaming rows at most every 100 ms). */
async function settled(page: Page): Promise<Drawn> {
  await page.waitForTimeout(250);
  return page.evaluate(() => drawn());
}

describe("the events table", () => {
  test("follows the newest row, even when its own scroll event arrives after the next batch", async () => {
    const page = await openTable();
    await page.evaluate(() => store.append(writes(30)));
    expect((await settled(page)).last).toBe(29);

    // The table moved itself to the bottom; the next batch is announced, and only then does the
    // scroll event of that move reach it (Chromium may deliver it that late).
    await page.evaluate(async () => {
      store.append(writes(20));
      await frame();
      scroller().dispatchEvent(new Event("scroll"));
    });
    expect(await settled(page)).toMatchObject({ last: 49, events: 50 });

    await page.evaluate(() => store.append(writes(5)));
    expect((await settled(page)).last).toBe(54);
    await page.close();
  });

  test("stays where the user scrolled up to while rows stream in, and follows again once back at the bottom", async () => {
    const page = await openTable();
    await page.evaluate(() => store.append(writes(100)));
    expect((await settled(page)).last).toBe(99);

    await page.evaluate(() => {
      scroller().scrollTop = 0;
    });
    await page.evaluate(() => store.append(writes(20)));
    const up = await settled(page);
    expect(up.first).toBe(0);
    expect(up.last).toBeLessThan(119);

    await page.evaluate(() => {
      scroller().scrollTop = scroller().scrollHeight;
    });
    await page.evaluate(() => store.append(writes(20)));
    expect(await settled(page)).toMatchObject({ last: 139, events: 140 });
    await page.close();
  });
});
