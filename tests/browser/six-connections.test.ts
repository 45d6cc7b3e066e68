/**
 * Lesson 24 in Chromium: the page's own EventSource over HTTP/1.1 gets six connections to the
 * host; a seventh lane's request reaches the server only once one of the six has closed.
 */

import { describe, expect, test } from "bun:test";
import { showOnly, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

describe("six connections per origin", () => {
  test("seven of this browser's EventSources: six open at once, the seventh only after a stream ends", async () => {
    const page = await playground.open();
    await page.selectOption("#examples", "24-six-connections");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
    await page.selectOption("#client-kind", "browser");
    await page.fill("#client-count", "7");
    await page.click("#connect");
    await waitForRow(page, /^7 client open /, 15_000);
    // The rows of one kind, each as its time, lane and side (the table shows the rows in view; one
    // kind at a time fits).
    const rowsOf = async (kind: string) => {
      await showOnly(page, { kind });
      return page.$$eval(".events-table tr[data-index]", (found) =>
        found.map((row) => {
          const cells = [...row.querySelectorAll("td")].map((td) => td.textContent ?? "");
          return { t: Number(cells[0]), lane: Number(cells[1]), side: cells[2] };
        }),
      );
    };
    const opens = new Map<number, number>();
    for (const row of await rowsOf("open"))
      if (row.side === "client" && !opens.has(row.lane)) opens.set(row.lane, row.t);
    const firstEnd = Math.min(...(await rowsOf("end")).map((row) => row.t));
    const early = [1, 2, 3, 4, 5, 6].map((lane) => opens.get(lane)!);
    expect(early.every((t) => t < firstEnd)).toBe(true);
    expect(Math.max(...early) - Math.min(...early)).toBeLessThan(1_000);
    // The seventh waited for a connection: it opened after the first stream ended, seconds later.
    expect(opens.get(7)!).toBeGreaterThanOrEqual(firstEnd);
    expect(opens.get(7)! - Math.min(...early)).toBeGreaterThan(3_000);
  }, 60_000);
});
