/**
 * Where the page's controls are, measured in Chromium at a given viewport: the desktop tests click
 * the same page in the WebKitGTK window, which lays it out the same way (same HTML and CSS, same
 * fonts). Each rectangle's centre is what a person would click.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHost } from "../../src/main/host-server.ts";
import { launchChromium } from "../browser/chromium.ts";

export interface Point {
  x: number;
  y: number;
}

/**
 * The centres of `selectors` in a page of `viewport` size. `prepare` runs in the page first (to
 * open a menu or a dialog whose contents are measured).
 */
export async function measurePage(
  viewport: { width: number; height: number },
  selectors: readonly string[],
  prepare?: string,
): Promise<Record<string, Point>> {
  const workspaceDir = await mkdtemp(join(tmpdir(), "page-layout-"));
  const host = await startHost({ port: 0, session: { workspaceDir } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport });
    await page.goto(host.launchUrl);
    await page.waitForSelector("body[data-editor-ready]");
    if (prepare) await page.evaluate(prepare);
    const centres: Record<string, Point> = {};
    for (const selector of selectors) {
      const box = await page.locator(selector).boundingBox();
      if (!box) throw new Error(`${selector} is not visible in the page`);
      centres[selector] = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    }
    return centres;
  } finally {
    await browser.close();
    await host.stop();
    await rm(workspaceDir, { recursive: true, force: true });
  }
}
