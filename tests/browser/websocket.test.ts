/**
 * A WebSocket lane in Chromium: the docs' examples pasted into the editor, a `websocket` client
 * connected from the controls, messages typed into the lane's box, and the echo in the table.
 */

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { artifactsDir } from "./chromium.ts";
import type { Page } from "playwright-core";
import { pasteAndRun, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const documented = (name: string) =>
  readFileSync(join(import.meta.dir, "..", "fixtures", "snippets", "documented", name), "utf8");
const websocketFixture = (name: string) =>
  readFileSync(join(import.meta.dir, "..", "fixtures", "snippets", "websocket", name), "utf8");

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

/** Connects one `websocket` client on `path` from the controls. */
async function connectWebSocket(page: Page, path: string): Promise<void> {
  await page.selectOption("#client-kind", "websocket");
  await page.fill("#client-path", path);
  await page.click("#connect");
  await page.waitForSelector('.ws-box[data-lane="1"]');
  await waitForRow(page, /^1 client ws-open/);
}

describe("a WebSocket lane in Chromium", () => {
  test("a message typed into the lane's box is echoed by the guide's server, and Close sends its code and reason", async () => {
    const page = await playground.open();
    await pasteAndRun(page, websocketFixture("bun-guide-echo.ts"));
    await connectWebSocket(page, "/");
    await page.fill('.ws-box[data-lane="1"] .ws-message', "hello from the box");
    await page.press('.ws-box[data-lane="1"] .ws-message', "Enter");
    await waitForRow(page, /^1 server ws-message 18 B text "hello from the box" → v\d+$/);
    await waitForRow(page, /^1 client ws-message 28 B text "You said: hello from the box"$/);
    expect(await page.inputValue('.ws-box[data-lane="1"] .ws-message')).toBe("");

    // Binary, as hex: the guide's server answers with its text form.
    await page.fill('.ws-box[data-lane="1"] .ws-message', "68 69");
    await page.check('.ws-box[data-lane="1"] .ws-hex');
    await page.click('.ws-box[data-lane="1"] .ws-send');
    await waitForRow(page, /^1 client ws-send 2 B binary 68 69$/);
    await waitForRow(page, /^1 client ws-message 12 B text "You said: hi"$/);
    await page.screenshot({ path: join(artifactsDir, "websocket-lane.png") });

    await page.fill('.ws-box[data-lane="1"] .ws-code', "4001");
    await page.fill('.ws-box[data-lane="1"] .ws-reason', "done");
    await page.click('.ws-box[data-lane="1"] .ws-close');
    // Closed from the box: the client began the close.
    await waitForRow(page, /^1 client ws-close code 4001 "done", clean, by the client$/);
    await waitForRow(page, /^1 server ws-close code 4001 "done"$/);
    // The chip (and its box) go once the socket has closed.
    await page.waitForSelector('.ws-box[data-lane="1"]', { state: "detached" });
  }, 60_000);

  test("the upgrade example from Bun's Server API page, pasted verbatim, takes a /chat client: both sides on the timeline", async () => {
    const page = await playground.open();
    await pasteAndRun(page, documented("bun-upgrade-chat.ts").split("\n").slice(1).join("\n"));
    await connectWebSocket(page, "/chat");
    await page.fill('.ws-box[data-lane="1"] .ws-message', "hello");
    await page.press('.ws-box[data-lane="1"] .ws-message', "Enter");
    await waitForRow(page, /^1 server ws-message 5 B text "hello" → v\d+$/);
    await waitForRow(page, /^1 runner log log \(line 8\): Client sent message hello$/);
    await waitForRow(page, /^1 server ws-open opened, served by v\d+, ws.data \{"user":"John Doe"\}$/);
    const label = await page.getAttribute(".timeline canvas", "aria-label");
    expect(label).toMatch(/on 3 rows/);
  }, 60_000);

  test("the chat lesson fills the controls (three clients, a message every 400 ms) and Connect opens three lanes, each with its box", async () => {
    const page = await playground.open();
    await page.selectOption("#examples", "15-websocket-chat");
    await page.waitForFunction(
      () =>
        /v\d+ live/.test(document.getElementById("status")?.textContent ?? "") &&
        document.getElementById("lesson")?.hidden === false,
    );
    expect({
      kind: await page.inputValue("#client-kind"),
      path: await page.inputValue("#client-path"),
      clients: await page.inputValue("#client-count"),
      send: await page.inputValue("#client-ws-send"),
      every: await page.inputValue("#client-ws-every"),
    }).toEqual({ kind: "websocket", path: "/chat", clients: "3", send: "hello, room", every: "400" });
    await page.click("#connect");
    await page.waitForSelector('.ws-box[data-lane="3"]');
    // The table draws only the rows in view: find the publishes among the many messages.
    await page.fill('[aria-label="Filter by text"]', 'ws.publish to "room", 2 subscribers');
    for (const lane of [1, 2, 3])
      await waitForRow(page, new RegExp(`^${lane} server ws-publish ws\\.publish to "room", 2 subscribers`));
    await page.click("#disconnect-all");
    await page.waitForSelector(".ws-box", { state: "detached" });
  }, 60_000);

  test("a bad hex message is refused in the box, and nothing is sent", async () => {
    const page = await playground.open();
    await pasteAndRun(page, websocketFixture("bun-guide-echo.ts"));
    await connectWebSocket(page, "/");
    await page.check('.ws-box[data-lane="1"] .ws-hex');
    await page.fill('.ws-box[data-lane="1"] .ws-message', "abc");
    await page.click('.ws-box[data-lane="1"] .ws-send');
    const invalid = await page.$eval(
      '.ws-box[data-lane="1"] .ws-message',
      (input) => (input as HTMLInputElement).validationMessage,
    );
    expect(invalid).toBe("two hex digits per byte, e.g. de ad be ef");
    const sent = await page.$$eval(
      ".events-table tr[data-index]",
      (rows) => rows.filter((row) => row.textContent?.includes("ws-send")).length,
    );
    expect(sent).toBe(0);
  }, 60_000);
});
