/**
 * The layout holds when the window is resized, in Chromium: at each size no control is covered
 * (the element at a control's centre is the control), the editor and the lesson included, after
 * starting at another size.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { artifactsDir } from "./chromium.ts";
import { usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium();

const controls = [
  "#run",
  "#examples",
  "#theme",
  "#restart-server",
  "#export-menu summary",
  "#clear",
  "#client-kind",
  "#client-path",
  "#connect",
  "#timeline-fit",
  "#timeline-fit-run",
  "#timeline-follow",
  "#tab-events",
  "#tab-requests",
  "#tab-raw",
  '[aria-label="Filter by text"]',
];

describe("the layout", () => {
  test("resized from 1440 to 1024 (640 and 700 high) and 1920 wide with a lesson open, every control stays uncovered", async () => {
    const page = await playground.open();
    await page.selectOption("#examples", "07-cleanup");
    await page.waitForSelector("#lesson:not([hidden])");
    const covered: Record<string, string[]> = {};
    for (const [width, height] of [
      [1024, 700],
      [1920, 1080],
      [1024, 640],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width, height });
      // Monaco lays itself out again when its box changes: a frame or two.
      await page.waitForTimeout(300);
      covered[`${width}×${height}`] = await page.evaluate((selectors) => {
        return selectors.filter((selector) => {
          const element = document.querySelector<HTMLElement>(selector)!;
          const box = element.getBoundingClientRect();
          const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          return !(hit !== null && (hit === element || element.contains(hit)));
        });
      }, controls);
      await page.screenshot({ path: join(artifactsDir, `layout-${width}x${height}.png`) });
    }
    expect(covered).toEqual({ "1024×700": [], "1920×1080": [], "1024×640": [] });
    // The editor follows its column: no wider than the column it is in.
    const [editor, pane] = await page.evaluate(() => [
      document.querySelector(".monaco-editor")!.getBoundingClientRect().width,
      document.querySelector(".editor-pane")!.getBoundingClientRect().width,
    ]);
    expect(editor).toBeLessThanOrEqual(pane!);
  }, 60_000);
});
