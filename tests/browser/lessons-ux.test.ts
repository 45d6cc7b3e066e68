/**
 * Lessons are self-contained, in Chromium: a lesson sets every client control (nothing of the last
 * lesson's request carries over) and opens with none of the last lesson's clients still connected,
 * the Examples menu numbers its lessons and marks the open one, and a new snippet leaves the
 * lesson's text and mark behind.
 */

import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { join } from "node:path";
import { artifactsDir } from "./chromium.ts";
import { openLesson, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const playground = usePlaygroundInChromium();

/**
 * Waits for the events table to be scrolled to its end, as it is while it follows the newest rows:
 * it must not take the browser moving it, as the lane chips above it go, for the user scrolling up.
 */
const tableAtEnd = (page: Page) =>
  page.waitForFunction(
    () => {
      const scroller = document.querySelector(".table-scroller")!;
      return scroller.scrollTop >= scroller.scrollHeight - scroller.clientHeight - 1;
    },
    undefined,
    { timeout: 5_000 },
  );

/** The Examples menu's labels, without its prompt. */
const lessons = (page: Page) =>
  page.$$eval("#examples option", (options) =>
    (options as HTMLOptionElement[]).filter((o) => o.value !== "").map((o) => o.textContent),
  );

describe("lessons", () => {
  test("each sets its own client and starts with none of the last one's connected: lesson 7 after the WebSocket chat connects a stream client and works; leaving its leak behind offers Restart server", async () => {
    const page = await playground.open();
    await openLesson(page, "15-websocket-chat");
    expect({
      client: await page.inputValue("#client-kind"),
      clients: await page.inputValue("#client-count"),
    }).toEqual({ client: "websocket", clients: "3" });
    // The chat's three sockets, each saying hello every second.
    await page.click("#connect");
    for (const lane of [1, 2, 3]) await waitForRow(page, new RegExp(`^${lane} client ws-message `));

    await openLesson(page, "07-cleanup");
    // The chat's sockets were let go as the lesson opened: each closed by its client, no chip left.
    for (const lane of [1, 2, 3])
      await waitForRow(page, new RegExp(`^${lane} client ws-close code 1000, clean, by the client$`));
    await page.waitForSelector("#lanes .lane-chip", { state: "detached" });
    expect({
      client: await page.inputValue("#client-kind"),
      path: await page.inputValue("#client-path"),
      clients: await page.inputValue("#client-count"),
      disconnectAfter: await page.inputValue("#client-disconnect-after"),
    }).toEqual({ client: "stream", path: "/slow-finally", clients: "1", disconnectAfter: "500" });
    await page.click("#connect");
    await waitForRow(page, /^4 client headers 200 /);
    await tableAtEnd(page);
    expect(await page.locator(".events-table td.kind:text-is('ws-error')").count()).toBe(0);

    // Its /leaky route leaves an interval running; moving on to another lesson offers to end it.
    await page.fill("#client-path", "/leaky");
    await page.click("#connect");
    await waitForRow(page, /^5 server leak /);
    await page.selectOption("#examples", "01-generator-body");
    await page.waitForSelector("#restart-server.offer");
    expect({
      title: await page.getAttribute("#restart-server", "title"),
      status: await page.textContent("#status"),
    }).toEqual({
      title: expect.stringMatching(/^v\d+ left \d+ things? running: restart the server to end them$/),
      status: expect.stringMatching(/ left \d+ things? running: Restart server ends them · /),
    });
    await page.screenshot({ path: join(artifactsDir, "lessons-restart-offer.png") });
    await page.click("#restart-server");
    await page.waitForSelector("#restart-server:not(.offer)");
  }, 60_000);

  test("the menu numbers the lessons and marks the open one; a new snippet leaves the lesson behind", async () => {
    const page = await playground.open();
    const labels = await lessons(page);
    expect(labels.length).toBeGreaterThanOrEqual(15);
    expect(labels.map((label) => Number(/^(\d+)\. /.exec(label ?? "")?.[1]))).toEqual(labels.map((_, i) => i + 1));

    await page.selectOption("#examples", "03-sse-generator");
    await page.waitForSelector("#lesson:not([hidden])");
    expect((await lessons(page)).filter((label) => label!.endsWith(" (open)"))).toEqual([`${labels[2]} (open)`]);

    await page.click("#file-menu summary");
    await page.click("#file-new");
    await page.waitForSelector("#lesson[hidden]", { state: "attached" });
    expect((await lessons(page)).filter((label) => label!.endsWith(" (open)"))).toEqual([]);
  }, 60_000);

  test("the menu groups the course; a surprise's pitfall is marked at its line in the editor and listed in the table", async () => {
    const page = await playground.open();
    const groups = await page.$$eval("#examples optgroup", (found) =>
      (found as HTMLOptGroupElement[]).map((group) => ({
        label: group.label,
        first: group.querySelector("option")?.textContent,
      })),
    );
    expect(groups.map((group) => group.label)).toEqual([
      "How streams work",
      "LLM and agent streams",
      "Surprises in production",
    ]);
    expect(groups.map((group) => Number(/^(\d+)\./.exec(group.first ?? "")?.[1]))).toEqual([1, 16, 19]);

    await openLesson(page, "21-multi-line-data");
    await page.click("#connect");
    await waitForRow(page, /^1 runner pitfall multi-line-data \(line 10\)/);
    const marker = await page.waitForFunction(() =>
      window.monaco!.editor.getModelMarkers({}).find((found) => found.message.startsWith("multi-line-data:")),
    );
    expect(
      await marker.evaluate((found) => found && { line: found.startLineNumber, severity: found.severity }),
    ).toEqual({
      line: 10,
      severity: 4, // a warning
    });
  }, 60_000);
});
