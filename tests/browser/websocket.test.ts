/**
 * A WebSocket lane in Chromium: the docs' examples pasted into the editor, a `websocket` client
 * connected from the controls, messages typed into the lane's box, and the echo in the table.
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startHost, type Host } from "../../src/main/host-server.ts";
import { artifactsDir, launchChromium } from "./chromium.ts";

const documented = (name: string) => readFileSync(join(import.meta.dir, "..", "fixtures", "snippets", "documented", name), "utf8");
const websocketFixture = (name: string) => readFileSync(join(import.meta.dir, "..", "fixtures", "snippets", "websocket", name), "utf8");

let host: Host;
let workspaceDir: string;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
beforeEach(async () => {
  workspaceDir = mkdtempSync(join(tmpdir(), "playground-websocket-"));
  host = await startHost({ port: 0, session: { workspaceDir } });
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await host.stop();
  rmSync(workspaceDir, { recursive: true, force: true });
});
afterAll(async () => {
  await browser?.close();
});

async function openPlayground(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: host.origin });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(host.launchUrl);
  await page.waitForSelector("body[data-editor-ready]");
  await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
  return page;
}

/** Pastes `source` over the editor's text, as people bring code from the docs, and runs it. */
async function pasteAndRun(page: Page, source: string): Promise<void> {
  const before = Number(/v(\d+) live/.exec((await page.textContent("#status")) ?? "")?.[1] ?? 0);
  await page.evaluate((text) => navigator.clipboard.writeText(text), source);
  await page.click(".monaco-editor .view-lines");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  await page.waitForFunction((text) => window.monaco!.editor.getModels()[0]!.getValue() === text, source);
  await page.keyboard.press("ControlOrMeta+S");
  await page.waitForFunction((version) => Number(/v(\d+) live/.exec(document.getElementById("status")?.textContent ?? "")?.[1] ?? 0) > version, before);
}

/** Waits for a table row (`lane side kind detail`) matching `pattern`. */
async function waitForRow(page: Page, pattern: RegExp): Promise<void> {
  try {
    await page.waitForFunction(
      (source) => [...document.querySelectorAll(".events-table tr[data-index]")].some((row) => new RegExp(source).test([...row.querySelectorAll("td")].slice(1).map((td) => td.textContent).join(" "))),
      pattern.source,
      { timeout: 10_000 },
    );
  } catch (error) {
    const rows = await page.$$eval(".events-table tr[data-index]", (found) => found.map((row) => [...row.querySelectorAll("td")].slice(1).map((td) => td.textContent).join(" ")));
    throw new Error(`no row matches ${pattern}; the table has:\n${rows.join("\n")}`, { cause: error });
  }
}

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
    const page = await openPlayground();
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
    await waitForRow(page, /^1 client ws-close code 4001 "done", clean$/);
    await waitForRow(page, /^1 server ws-close code 4001 "done"$/);
    // The chip (and its box) go once the socket has closed.
    await page.waitForSelector('.ws-box[data-lane="1"]', { state: "detached" });
  }, 60_000);

  test("the upgrade example from Bun's Server API page, pasted verbatim, takes a /chat client: both sides on the timeline", async () => {
    const page = await openPlayground();
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
    const page = await openPlayground();
    await page.selectOption("#examples", "15-websocket-chat");
    await page.waitForFunction(() => /v\d+ live/.test(document.getElementById("status")?.textContent ?? "") && document.getElementById("lesson")?.hidden === false);
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
    for (const lane of [1, 2, 3]) await waitForRow(page, new RegExp(`^${lane} server ws-publish ws\\.publish to "room", 2 subscribers`));
    await page.click("#disconnect-all");
    await page.waitForSelector(".ws-box", { state: "detached" });
  }, 60_000);

  test("a bad hex message is refused in the box, and nothing is sent", async () => {
    const page = await openPlayground();
    await pasteAndRun(page, websocketFixture("bun-guide-echo.ts"));
    await connectWebSocket(page, "/");
    await page.check('.ws-box[data-lane="1"] .ws-hex');
    await page.fill('.ws-box[data-lane="1"] .ws-message', "abc");
    await page.click('.ws-box[data-lane="1"] .ws-send');
    const invalid = await page.$eval('.ws-box[data-lane="1"] .ws-message', (input) => (input as HTMLInputElement).validationMessage);
    expect(invalid).toBe("two hex digits per byte, e.g. de ad be ef");
    const sent = await page.$$eval(".events-table tr[data-index]", (rows) => rows.filter((row) => row.textContent?.includes("ws-send")).length);
    expect(sent).toBe(0);
  }, 60_000);
});
