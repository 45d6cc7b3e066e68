/**
 * A page's start as the page itself timed it, waited for without putting the test driver's code
 * into the page while it starts. Playwright's `waitForSelector` first injects Playwright's own
 * script, whose compiling took 46 ms of the page's main thread in the middle of its start (a
 * Chromium trace of a first start, 2026-12-05), and the page's milestones after it were timed with
 * that in them. Asked over the DevTools protocol instead, the page runs a one-line check now and then.
 */

import type { Page } from "playwright-core";
import { untilQuiet } from "./quiet.ts";

/** How often the page is asked; the milestones' times are the page's own, so this adds nothing to them. */
const pollMs = 10;

/**
 * Waits before a timed start, once its tab is made, until the machine is quiet (quiet.ts). No wait
 * in the benchmarks' quick pass.
 */
export async function startsApart(): Promise<void> {
  if (process.env.STREAM_PLAYGROUND_BENCH_QUICK !== "1") await untilQuiet();
}

/** The condition that the page's body carries the attribute `name` (how pages here say they are ready). */
export const bodyHas = (name: string) => `document.body?.hasAttribute(${JSON.stringify(name)}) === true`;

/** The playground's page has its editor ready for typing. */
export const editorReady = bodyHas("data-editor-ready");

/** Asks a page for the value of a JavaScript expression. */
export type AskPage = (expression: string) => Promise<unknown>;

/** Resolves once `condition`, a JavaScript expression, is true in the page `ask` asks; throws after `timeoutMs`. */
export async function waitUntil(ask: AskPage, condition: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    // Between two documents there is briefly none to ask: not there yet.
    if ((await ask(condition).catch(() => false)) === true) return;
    if (performance.now() > deadline) throw new Error(`the page did not get to ${condition} in ${timeoutMs} ms`);
    await Bun.sleep(pollMs);
  }
}

/** `waitUntil` for a page Playwright drives, asked on a DevTools session of its own. */
export async function waitInPage(page: Page, condition: string, timeoutMs: number): Promise<void> {
  const session = await page.context().newCDPSession(page);
  try {
    await waitUntil(
      async (expression) =>
        (await session.send("Runtime.evaluate", { expression, returnByValue: true })).result.value as unknown,
      condition,
      timeoutMs,
    );
  } finally {
    await session.detach().catch(() => {});
  }
}

/** The page's `performance.mark`s: ms from its navigation, by its clock, whose origin is epoch ms. */
export interface PageMarks {
  /** When the page marked `name`; throws when it did not. */
  at(name: string): number;
  /** The same time on this process's clock (`performance.now()`), through the clocks' common origin. */
  here(name: string): number;
}

/** The expression that reads a page's clock origin and marks, as JSON. */
const marksExpression = `JSON.stringify({ origin: performance.timeOrigin, marks: performance.getEntriesByType("mark").map((mark) => [mark.name, mark.startTime]) })`;

/** The marks of the page `ask` asks. */
export async function readPageMarks(ask: AskPage): Promise<PageMarks> {
  const { origin, marks } = JSON.parse(String(await ask(marksExpression))) as {
    origin: number;
    marks: [string, number][];
  };
  const times = new Map(marks);
  const at = (name: string) => {
    const time = times.get(name);
    if (time === undefined) throw new Error(`the page did not mark ${name}`);
    return time;
  };
  return { at, here: (name) => origin + at(name) - performance.timeOrigin };
}

/**
 * Waits until the editor's TypeScript has checked the snippet once with Bun's types, and returns
 * how long that took from the types being applied, by the page's clock. The first check reads all
 * of the declarations (~4 MB) and keeps a core busy for a second or more on these machines; a
 * benchmark of something else that starts right after the editor is ready would measure it too.
 * The worker answers in turn, so its answer to a check asked now comes after the first check.
 */
export async function waitForEditorCheck(page: Page, timeoutMs: number): Promise<number> {
  await waitInPage(page, bodyHas("data-types-ready"), timeoutMs);
  return page.evaluate(async (timeout) => {
    const monaco = window.monaco!;
    const model = monaco.editor.getModels()[0]!;
    const getWorker = await monaco.typescript.getTypeScriptWorker();
    const worker = await getWorker(model.uri);
    await Promise.race([
      worker.getSemanticDiagnostics(model.uri.toString()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no type check within ${timeout} ms`)), timeout)),
    ]);
    const [applied] = performance.getEntriesByName("startup:types-applied", "mark");
    // Without Bun's types the check is only the editor's syntax, and there is nothing to time.
    if (!applied) throw new Error("the editor's page did not apply Bun's types");
    return performance.now() - applied.startTime;
  }, timeoutMs);
}
