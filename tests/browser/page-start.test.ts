/**
 * A page whose editor cannot start says so where the editor would be, and keeps saying it: the
 * status line below moves on to the host's news as it comes.
 */

import { describe, expect, test } from "bun:test";
import { usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium();

describe("the page's start", () => {
  test("a Monaco loader that never arrives is said where the editor would be, and stays said", async () => {
    const context = await playground.newContext();
    const page = await context.newPage();
    await page.route("**/vs/loader.js", (route) => route.abort());
    await page.goto(playground.host.launchUrl);
    // The host's status comes after the failure and takes the status line; the pane keeps the failure.
    await page.waitForFunction(() => /runner at/.test(document.getElementById("status")?.textContent ?? ""));
    expect(await page.textContent("#editor [role=alert]")).toBe(
      "The editor failed to start: Monaco's loader (/monaco/vs/loader.js) did not load. Reload the page to try again.",
    );
  });
});
