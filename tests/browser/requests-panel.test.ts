/**
 * The Requests tab alone in Chromium, bundled as the app bundles it: its count of requests, shown
 * on the tab while another tab is in front, changes the page only when the count does. A flood
 * hands the panel events every frame, and a counter written again each time (even with the same
 * text) had the browser lay out the page again on every one of those frames.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { bundledPage } from "./bundled-page.ts";
import { launchChromium } from "./chromium.ts";

const webview = join(import.meta.dir, "..", "..", "src", "webview");
const entrySource = `
import { createEventStore } from ${JSON.stringify(join(webview, "event-store.ts"))};
import { createRequestsPanel } from ${JSON.stringify(join(webview, "requests-panel.ts"))};
const store = createEventStore();
const tab = document.getElementById("tab");
const container = document.getElementById("panel");
createRequestsPanel(container, store, { tab, now: () => undefined, onSelect() {} });
/** Every change to the tab, as the text it showed after it. */
const changes = [];
new MutationObserver(() => changes.push(tab.textContent)).observe(tab, {
  childList: true,
  characterData: true,
  subtree: true,
});
const request = (t, lane) => ({ t, lane, side: "server", kind: "request", requestId: lane, version: 1, method: "GET", path: "/events" });
const write = (t, lane) => ({ t, lane, side: "server", kind: "write", requestId: lane, version: 1, bytes: 1, text: "x", via: "yield" });
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
Object.assign(window, { store, changes, request, write, frame });
`;

declare const store: { append(batch: unknown[]): void };
declare const changes: string[];
declare function request(t: number, lane: number): unknown;
declare function write(t: number, lane: number): unknown;
declare function frame(): Promise<void>;

let browser: Browser;
let html: string;

beforeAll(async () => {
  html = await bundledPage({
    entrySource,
    // The panel hidden, as it is while the Events tab is in front.
    body: '<button id="tab">Requests</button><div id="panel" hidden></div>',
    style: "",
    name: "the requests panel",
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the requests tab's count", () => {
  test("changes the page when the number of requests changes, and not on the frames between", async () => {
    const page = await browser.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.setContent(html);
    await page.waitForFunction(() => "changes" in window);
    await page.evaluate(async () => {
      let t = 0;
      store.append([request(t++, 1)]);
      await frame();
      // Ten frames of writes on the one request, then a second request and ten more.
      for (let i = 0; i < 10; i++) {
        store.append([write(t++, 1), write(t++, 1)]);
        await frame();
      }
      store.append([request(t++, 2)]);
      await frame();
      for (let i = 0; i < 10; i++) {
        store.append([write(t++, 1), write(t++, 2)]);
        await frame();
      }
      // The observer's records are delivered after this task: one more frame hands them over.
      await frame();
    });
    expect(await page.evaluate(() => changes)).toEqual(["Requests1", "Requests2"]);
    await page.close();
  });
});
