/**
 * What the page says is always true, in Chromium: the status line says whether the editor's text is
 * what serves (it did not load, it was edited since), Back to live speaks of the live session again,
 * and the events table finds text in every column, counts in words a person writes, and shows
 * measured times as people write them.
 */

import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { describePageReload, pageReloadParameter, pageReloadReasons } from "../../src/contract/index.ts";
import { pasteAndRun, showOnly, tableRows, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

const status = (page: Page) => page.textContent("#status");
const statusIsError = (page: Page) =>
  page.evaluate(() => document.getElementById("status")!.classList.contains("error"));

/** Two events, then the stream ends: an EventSource reconnects. */
const twoEvents = `export default () => new Response(async function* () {
  yield "retry: 200\\n\\n";
  yield "id: 1\\ndata: one\\n\\n";
  await Bun.sleep(20);
  yield "id: 2\\ndata: two\\n\\n";
}(), { headers: { "content-type": "text/event-stream" } });
`;

describe("the status line tells the truth", () => {
  test("after a failed load, Connect does not turn it green: the editor's code is not what serves", async () => {
    const page = await playground.open();
    await pasteAndRun(page, twoEvents);
    expect(await status(page)).toMatch(/^v2 live · loaded .* · http:\/\/127\.0\.0\.1:\d+\/$/);
    await pasteAndRun(page, "export default () => new Response(;\n");
    expect(await status(page)).toStartWith("v3 did not load (syntax at line 1:");
    // A client connects: the host's new status says what serves, and that it is not the editor's code.
    await page.click("#connect");
    await waitForRow(page, /^1 client open /);
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("v2 live"));
    expect(await status(page)).toMatch(/^v2 live · not the editor's code: v3 did not load at line 1:\d+ · http:/);
    expect(await statusIsError(page)).toBe(true);

    // Typing after it: edited since; running it: live and green again.
    await page.click(".monaco-editor .view-lines");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("export default () => new Response('fixed');");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("edited since"));
    expect(await status(page)).toMatch(/^v2 live · (loaded .* · )?edited since: Run \(Ctrl\+S\) to load · http:/);
    // With Auto-run off, typing loads nothing, however long the pauses between its bursts (each keeps a draft).
    await showOnly(page, { kind: "loaded" });
    const loadedBefore = await page.locator(".events-table tr[data-index]").count();
    await page.click(".monaco-editor .view-lines");
    await page.keyboard.press("ControlOrMeta+End");
    for (const more of [" // one", " // two"]) {
      await page.keyboard.type(more);
      await page.waitForTimeout(900);
    }
    expect({
      loaded: await page.locator(".events-table tr[data-index]").count(),
      status: await status(page),
    }).toEqual({ loaded: loadedBefore, status: expect.stringMatching(/^v2 live · (loaded .* · )?edited since: /) });
    await page.keyboard.press("ControlOrMeta+S");
    await page.waitForFunction(() => /^v4 live · loaded /.test(document.getElementById("status")?.textContent ?? ""));
    expect(await statusIsError(page)).toBe(false);
  }, 60_000);

  test("a page the desktop app loaded again, or opened again after a crash or hang, says why once; its address forgets it", async () => {
    const page = await playground.open();
    for (const reason of pageReloadReasons) {
      await page.goto(`${playground.host.launchUrl}&${pageReloadParameter}=${reason}`);
      await page.waitForSelector("body[data-editor-ready]");
      await page.waitForFunction(
        (text) => document.getElementById("status")?.textContent === text,
        describePageReload(reason),
      );
      expect({
        error: await statusIsError(page),
        address: new URL(page.url()).searchParams.has(pageReloadParameter),
      }).toEqual({
        error: true,
        address: false,
      });
    }
    // A reason this page does not know is dropped without a word.
    await page.goto(`${playground.host.launchUrl}&${pageReloadParameter}=elsewhere`);
    await page.waitForSelector("body[data-editor-ready]");
    await page.waitForFunction(() => /v\d+ live/.test(document.getElementById("status")?.textContent ?? ""));
    expect(new URL(page.url()).searchParams.has(pageReloadParameter)).toBe(false);
  }, 60_000);

  test("Back to live speaks of the live session again", async () => {
    const page = await playground.open();
    await page.click("#file-menu summary");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#file-open-recording")]);
    await chooser.setFiles({
      name: "one.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from('{"t":1,"lane":0,"side":"runner","kind":"log","level":"log","text":"hi"}\n'),
    });
    await page.waitForSelector("#recording-bar:not([hidden]):not([data-reading])");
    expect(await status(page)).toStartWith("Showing the recording one.jsonl");
    await page.click("#recording-close");
    expect(await status(page)).toMatch(/^v1 live · /);
  }, 30_000);
});

describe("Clear", () => {
  test("a timeline that was not following live follows again after Clear, so what comes next is in view", async () => {
    const page = await playground.open();
    const label = () => page.getAttribute("#timeline canvas", "aria-label");
    await page.click("#follow-live, button:text-is('Follow live')");
    await page.waitForFunction(
      () => !document.querySelector("#timeline canvas")?.getAttribute("aria-label")?.includes("following live"),
    );
    await page.click("#clear");
    await page.waitForFunction(() =>
      document.querySelector("#timeline canvas")?.getAttribute("aria-label")?.includes("following live"),
    );
    expect(await label()).toContain("following live");
  }, 30_000);
});

describe("Clear", () => {
  test("starts the table and the details afresh: no filter or event of the cleared lanes is left", async () => {
    const page = await playground.open();
    await pasteAndRun(page, twoEvents);
    await page.fill("#client-count", "2");
    await page.click("#connect");
    await waitForRow(page, /^2 client disconnect /);
    await showOnly(page, { lane: "2", kind: "chunk" });
    await page.click(".events-table tr[data-index]");
    await page.waitForFunction(() => document.getElementById("details")?.textContent?.includes("chunk"));

    await page.click("#clear");
    await page.waitForFunction(() => document.querySelector(".row-count")?.textContent === "0 events");
    const menus = () =>
      page.evaluate(() =>
        ["Filter by lane", "Filter by kind"].map(
          (label) => (document.querySelector(`[aria-label="${label}"]`) as HTMLSelectElement).selectedOptions[0]?.text,
        ),
      );
    expect(await menus()).toEqual(["all lanes", "all kinds"]);
    expect(await page.textContent("#details")).toContain("Select an event in the timeline or the table");

    // What comes next is listed whole, as the menus say: lane 1's rows as well as lane 2's, every kind.
    await page.click("#connect");
    await waitForRow(page, /^1 client disconnect /);
    await waitForRow(page, /^2 client disconnect /);
    expect(await menus()).toEqual(["all lanes", "all kinds"]);
    expect(await page.textContent(".row-count")).toMatch(/^[\d,]+ events$/);
  }, 30_000);
});

describe("the events table", () => {
  test("Find searches every column; counts read as words; measured times read as people write them", async () => {
    const page = await playground.open();
    // The starter snippet's load is the one event; the page may be drawn before it is listed.
    await page.waitForFunction(() => document.querySelector(".row-count")?.textContent !== "0 events");
    expect(await page.textContent(".row-count")).toBe("1 event");
    await pasteAndRun(page, twoEvents);
    await page.selectOption("#client-kind", "eventsource");
    await page.click("#connect");
    await waitForRow(page, /^1 client reconnect /);
    await page.click("#disconnect-all");

    // The kind column: "reconnect" is only ever in the Kind column.
    await page.fill('[aria-label="Filter by text"]', "reconnect");
    await page.waitForFunction(() => document.querySelectorAll(".events-table tr[data-index]").length > 0);
    const found = await tableRows(page);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((row) => / reconnect /.test(row))).toBe(true);
    expect(await page.textContent(".row-count")).toMatch(/^\d+ of [\d,]+ events$/);

    // A write's measured wait, in details: three decimals at most, in ms, the exact value on hover.
    await page.fill('[aria-label="Filter by text"]', "");
    await showOnly(page, { kind: "write" });
    // The table follows its newest rows: the last one on the wire is in view (a yield after the client left
    // is never sent, and has no wait of its own).
    await page.locator(".events-table tr[data-index]", { hasNotText: "never sent" }).last().click();
    const waited = page.locator("#details dt:text-is('waitedMs') + dd");
    expect(await waited.textContent()).toMatch(/^\d+(\.\d{1,3})? ms$/);
    expect(Number(await waited.getAttribute("title"))).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
