/** Driving the playground's page in Chromium as a person does: paste, run, read the events table. */

import type { Page } from "playwright-core";

/** The version the status bar says is live. */
export async function liveVersion(page: Page): Promise<number> {
  return Number(/v(\d+) live/.exec((await page.textContent("#status")) ?? "")?.[1] ?? 0);
}

/**
 * Replaces the editor's text the way people bring code in, pasted from the docs through the
 * clipboard (typed text would be re-indented and get its brackets closed twice), then runs it
 * with Ctrl+S.
 */
export async function pasteAndRun(page: Page, source: string): Promise<void> {
  const before = await liveVersion(page);
  await page.evaluate((text) => navigator.clipboard.writeText(text), source);
  await page.click(".monaco-editor .view-lines");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  await page.waitForFunction((text) => window.monaco!.editor.getModels()[0]!.getValue() === text, source);
  await page.keyboard.press("ControlOrMeta+S");
  await page.waitForFunction((version) => {
    const status = document.getElementById("status")?.textContent ?? "";
    return status.includes("did not load") || Number(/v(\d+) live/.exec(status)?.[1] ?? 0) > version;
  }, before);
}

/** Text of every table row, as `lane side kind detail`. */
export function tableRows(page: Page): Promise<string[]> {
  return page.$$eval(".events-table tr[data-index]", (rows) => rows.map((row) => [...row.querySelectorAll("td")].slice(1).map((td) => td.textContent).join(" ")));
}

export async function waitForRow(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    (source) => [...document.querySelectorAll(".events-table tr[data-index]")].some((row) => new RegExp(source).test([...row.querySelectorAll("td")].slice(1).map((td) => td.textContent).join(" "))),
    pattern.source,
  );
}

export async function showOnly(page: Page, filter: { lane?: string; kind?: string }): Promise<void> {
  if (filter.lane !== undefined) await page.selectOption('[aria-label="Filter by lane"]', filter.lane);
  if (filter.kind !== undefined) await page.selectOption('[aria-label="Filter by kind"]', filter.kind);
}
