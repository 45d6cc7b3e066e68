/** Driving the playground's page in Chromium as a person does: paste, run, read the events table. */

import { afterAll, afterEach, beforeAll, beforeEach } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Settings } from "../../src/contract/index.ts";
import { examplesDir } from "../../src/main/examples.ts";
import { startHost, type Host } from "../../src/main/host-server.ts";
import { launchChromium } from "./chromium.ts";

export interface PlaygroundInChromiumOptions {
  /**
   * Settings the workspace starts with (its `settings.json`), as a person's saved ones would be.
   * Files about the wire and the timeline turn `checkTypes` off: TypeScript's worker and Bun's
   * declarations are about half of a page's start on two cores, and those files start a page for
   * nearly every test. The editor's own files keep the default.
   */
  settings?: Partial<Settings>;
}

/**
 * One Chromium for the test file and a fresh host (and runner, and workspace) for every test, so no
 * test sees another's lanes. Call at the top of a test file; it registers the hooks.
 */
export function usePlaygroundInChromium(options: PlaygroundInChromiumOptions = {}) {
  let host: Host | undefined;
  let workspaceDir: string | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  beforeEach(async () => {
    workspaceDir = mkdtempSync(join(tmpdir(), "playground-browser-"));
    if (options.settings) writeFileSync(join(workspaceDir, "settings.json"), JSON.stringify(options.settings));
    host = await startHost({ port: 0, session: { workspaceDir } });
  });
  afterEach(async () => {
    const closing = context?.close();
    context = undefined;
    try {
      await closing;
    } finally {
      // Also when the browser is already gone (a test that timed out has it killed): nothing is left behind.
      await host?.stop();
      if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await browser?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test`);
    return value;
  };
  return {
    get host(): Host {
      return started(host, "the host");
    },
    get workspaceDir(): string {
      return started(workspaceDir, "the workspace");
    },
    /** A fresh browser context of the test's own (closed after the test), for pages outside the playground's. */
    async newContext(options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
      context = await started(browser, "Chromium").newContext(options);
      return context;
    },
    /** The playground's page, let in by the launch URL, once the snippet it starts with is live. */
    async open(colorScheme: "light" | "dark" = "light"): Promise<Page> {
      const ready = await this.newContext({
        viewport: { width: 1440, height: 900 },
        colorScheme,
        acceptDownloads: true,
      });
      await ready.grantPermissions(["clipboard-read", "clipboard-write"], { origin: this.host.origin });
      const page = await ready.newPage();
      page.on("pageerror", (error) => console.error("page error:", error.message));
      await page.goto(this.host.launchUrl);
      await page.waitForSelector("body[data-editor-ready]");
      await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
      return page;
    },
  };
}

/**
 * Chooses lesson `id` from the Examples menu, and waits until the editor holds the lesson's text (as
 * `assets/examples` has it) and a version newer than the one live before is live: the status said
 * `live` already, for the document open before.
 */
export async function openLesson(page: Page, id: string): Promise<string> {
  const text = await Bun.file(join(examplesDir, `${id}.ts`)).text();
  const before = await liveVersion(page);
  await page.selectOption("#examples", id);
  await page.waitForFunction((expected) => window.monaco!.editor.getModels()[0]!.getValue() === expected, text);
  await page.waitForFunction(
    (version) => Number(/v(\d+) live/.exec(document.getElementById("status")?.textContent ?? "")?.[1] ?? 0) > version,
    before,
  );
  return text;
}

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
  // Near the text's top left corner: a snippet with long lines has lines wider and taller than the
  // editor, and their middle, where a click goes by default, can be outside it (under the lesson).
  await page.click(".monaco-editor .view-lines", { position: { x: 8, y: 8 } });
  // Keys go where the caret is: on a busy machine the editor may take its focus after the click returns.
  await page.waitForFunction(() => window.monaco!.editor.getEditors()[0]?.hasTextFocus() === true);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  await page.waitForFunction((text) => window.monaco!.editor.getModels()[0]!.getValue() === text, source);
  await page.keyboard.press("ControlOrMeta+S");
  // The load's own reply, not only the host's status (which may say the new version is live first):
  // it adds when the version loaded, or says why it did not.
  await page.waitForFunction((version) => {
    const status = document.getElementById("status")?.textContent ?? "";
    return status.includes("did not load") || Number(/v(\d+) live · loaded /.exec(status)?.[1] ?? 0) > version;
  }, before);
}

/** Text of every table row, as `lane side kind detail`. */
export function tableRows(page: Page): Promise<string[]> {
  return page.$$eval(".events-table tr[data-index]", (rows) =>
    rows.map((row) =>
      [...row.querySelectorAll("td")]
        .slice(1)
        .map((td) => td.textContent)
        .join(" "),
    ),
  );
}

/**
 * Waits until a row's text (`lane side kind detail`) matches `pattern`; `timeoutMs` is Playwright's
 * 30 s when left out. On a timeout the error lists the rows the table does show.
 */
export async function waitForRow(page: Page, pattern: RegExp, timeoutMs?: number): Promise<void> {
  try {
    await page.waitForFunction(
      (source) =>
        [...document.querySelectorAll(".events-table tr[data-index]")].some((row) =>
          new RegExp(source).test(
            [...row.querySelectorAll("td")]
              .slice(1)
              .map((td) => td.textContent)
              .join(" "),
          ),
        ),
      pattern.source,
      timeoutMs === undefined ? undefined : { timeout: timeoutMs },
    );
  } catch (error) {
    const rows = await tableRows(page).catch(() => ["(the page could not be read)"]);
    const where = await page
      .$eval(".table-scroller", (scroller) => {
        const count = scroller.parentElement?.querySelector(".row-count")?.textContent;
        return `${count}, scrolled to ${scroller.scrollTop} of ${scroller.scrollHeight - scroller.clientHeight} px`;
      })
      .catch(() => "(the scroller could not be read)");
    throw new Error(`no row matches ${pattern}; the table (${where}) shows:\n${rows.join("\n")}`, { cause: error });
  }
}

export async function showOnly(page: Page, filter: { lane?: string; kind?: string }): Promise<void> {
  if (filter.lane !== undefined) await page.selectOption('[aria-label="Filter by lane"]', filter.lane);
  if (filter.kind !== undefined) await page.selectOption('[aria-label="Filter by kind"]', filter.kind);
}
