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

/** What to measure in one state of the page: `prepare` runs in the page first (to open a menu or a dialog). */
export interface PageView {
  selectors: readonly string[];
  prepare?: string;
}

/**
 * The centres of each view's selectors in a page of `viewport` size, one record per view. The views
 * are measured in order in one page (one start of the host and the page for all of them), so each
 * view's `prepare` runs on top of the ones before: a view that needs a menu closed again says so.
 */
export async function measurePage<const Views extends readonly PageView[]>(
  viewport: { width: number; height: number },
  ...views: Views
): Promise<{ [View in keyof Views]: Record<string, Point> }> {
  const workspaceDir = await mkdtemp(join(tmpdir(), "page-layout-"));
  const host = await startHost({ port: 0, session: { workspaceDir } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport });
    // The layout is whole once the editor is: no need to wait for the page's load event as well,
    // which comes after Bun's types are read into the editor.
    await page.goto(host.launchUrl, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("body[data-editor-ready]");
    const measured: Record<string, Point>[] = [];
    for (const view of views) {
      if (view.prepare) await page.evaluate(view.prepare);
      const centres: Record<string, Point> = {};
      for (const selector of view.selectors) {
        const box = await page.locator(selector).boundingBox();
        if (!box) throw new Error(`${selector} is not visible in the page`);
        centres[selector] = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
      }
      measured.push(centres);
    }
    return measured as { [View in keyof Views]: Record<string, Point> };
  } finally {
    await browser.close();
    await host.stop();
    await rm(workspaceDir, { recursive: true, force: true });
  }
}
