/**
 * Two windows on one snippet, in Chromium: an edit in one shows in the other, and edits typed in
 * both at once are never dropped silently: the window whose edits came second is asked which to
 * keep, and its choice reaches the other. A change to the open file by another program is loaded
 * once, by the host, for every window, as is the file's text taken over unsaved edits.
 */

import { describe, expect, test } from "bun:test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { waitFor } from "../support/desktop-session.ts";
import { openPage } from "../support/page-socket.ts";
import { artifactsDir } from "./chromium.ts";
import { usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

const editorText = (page: Page) => page.evaluate(() => window.monaco!.editor.getModels()[0]!.getValue());

/** Puts the editor's cursor at the end of its text. */
async function cursorAtEnd(page: Page): Promise<void> {
  await page.click(".monaco-editor .view-lines");
  await page.keyboard.press("ControlOrMeta+End");
}

/** Puts `text` at the end of the editor as one edit, as a paste does: a busy machine cannot split it into two drafts. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  await cursorAtEnd(page);
  await page.keyboard.insertText(text);
}

/**
 * An edit in each window at the same moment: both cursors placed first, then both texts put in
 * together. Typed one window after the other, the second edit could come after the first window's
 * draft had reached it (a draft goes out 400 ms after the last key), no longer beside it.
 */
async function typeInBoth(a: Page, b: Page): Promise<void> {
  await cursorAtEnd(a);
  await cursorAtEnd(b);
  await Promise.all([a.keyboard.insertText("\n// from A\n"), b.keyboard.insertText("\n// from B\n")]);
}

async function secondWindow(first: Page): Promise<Page> {
  const page = await first.context().newPage();
  await page.goto(playground.host.launchUrl);
  await page.waitForSelector("body[data-editor-ready]");
  return page;
}

/**
 * Writes `text` to `name` in the workspace folder and opens it from a third window (a socket, as a
 * page speaks), which `pages` follow; the socket also hears what the host pushes from then on.
 */
async function openFromThirdWindow(name: string, text: string, pages: readonly Page[]) {
  const path = join(playground.workspaceDir, name);
  await writeFile(path, text);
  const third = await openPage(playground.host);
  await third.request("file-open", { path });
  for (const page of pages)
    await page.waitForFunction((expected) => document.getElementById("document-name")?.textContent === expected, name);
  return { path, third };
}

/** Waits until `page`'s editor holds `text` and its status line says `version` serves, not "edited since". */
function servingText(page: Page, text: string, version: number) {
  return page.waitForFunction(
    ([expected, serving]) =>
      window.monaco!.editor.getModels()[0]!.getValue() === expected &&
      new RegExp(`^v${serving} live · loaded [^·]+ · http`).test(document.getElementById("status")?.textContent ?? ""),
    [text, version] as const,
  );
}

/** Clicks Run in `page`, and returns the version its status line then says serves (the first other than `before`). */
async function runAgain(page: Page, before: number): Promise<number> {
  await page.click("#run");
  const serving = await page.waitForFunction((previous) => {
    const version = /^v(\d+) live/.exec(document.getElementById("status")?.textContent ?? "")?.[1];
    return version !== undefined && version !== String(previous) ? Number(version) : undefined;
  }, before);
  return (await serving.jsonValue()) as number;
}

/** The untitled snippet's file in the workspace: what the host keeps. */
const kept = () => readFile(join(playground.workspaceDir, "untitled-1.ts"), "utf8");

describe("two windows on one snippet", () => {
  test("a second window shows the version that serves and does not load the snippet again", async () => {
    const a = await playground.open();
    const servingIn = async (page: Page) =>
      Number(/v(\d+) live/.exec((await page.textContent("#status")) ?? "")?.[1] ?? Number.NaN);
    const serving = await servingIn(a);
    expect(serving).toBeGreaterThan(0);
    const b = await secondWindow(a);
    await b.waitForFunction(() => /v\d+ live/.test(document.getElementById("status")?.textContent ?? ""));
    expect(await servingIn(b)).toBe(serving);
    // A load from the second window would have taken the next version: the first window's Run gets it.
    await a.click("#run");
    await a.waitForFunction(
      (next) => document.getElementById("status")?.textContent?.includes(`v${next} live`),
      serving + 1,
    );
    await b.waitForFunction(
      (next) => document.getElementById("status")?.textContent?.includes(`v${next} live`),
      serving + 1,
    );
  }, 30_000);

  test("an edit in one window shows in the other, which says so", async () => {
    const a = await playground.open();
    const b = await secondWindow(a);
    await typeAtEnd(a, "\n// typed in A\n");
    const text = await editorText(a);
    await b.waitForFunction((expected) => window.monaco!.editor.getModels()[0]!.getValue() === expected, text);
    await b.waitForFunction(() =>
      document.getElementById("status")?.textContent?.includes("changed in another window"),
    );
    expect(await b.isHidden("#conflict")).toBe(true);
    expect(await kept()).toBe(text);
  }, 30_000);

  test("edits typed in both at once: the second window is asked, and its choice reaches the first", async () => {
    const a = await playground.open();
    const b = await secondWindow(a);
    // Both at once, well within the pause before a draft goes out: whichever reaches the host
    // second was made beside the other's.
    await typeInBoth(a, b);
    const asked = await Promise.race([
      a.waitForSelector("#conflict:not([hidden])").then(() => a),
      b.waitForSelector("#conflict:not([hidden])").then(() => b),
    ]);
    const other = asked === a ? b : a;
    await asked.screenshot({ path: join(artifactsDir, "two-windows-asked.png") });
    expect(await asked.textContent("#conflict-text")).toBe(
      "Untitled 1 was changed in another window while you were editing it here.",
    );
    expect(await other.isHidden("#conflict")).toBe(true);
    // Nothing was taken over the other window's edits meanwhile.
    const theirs = await editorText(other);
    expect(await kept()).toBe(theirs);

    const mine = await editorText(asked);
    expect(mine).not.toBe(theirs);
    await asked.click("#conflict-mine");
    await other.waitForFunction((expected) => window.monaco!.editor.getModels()[0]!.getValue() === expected, mine);
    expect(await asked.isHidden("#conflict")).toBe(true);
    expect(await kept()).toBe(mine);
  }, 30_000);

  test("choosing the other window's edits takes them here, and nothing is sent back", async () => {
    const a = await playground.open();
    const b = await secondWindow(a);
    await typeInBoth(a, b);
    const asked = await Promise.race([
      a.waitForSelector("#conflict:not([hidden])").then(() => a),
      b.waitForSelector("#conflict:not([hidden])").then(() => b),
    ]);
    const other = asked === a ? b : a;
    const theirs = await editorText(other);
    await asked.click("#conflict-theirs");
    expect(await editorText(asked)).toBe(theirs);
    await Bun.sleep(800);
    expect(await editorText(other)).toBe(theirs);
    expect(await kept()).toBe(theirs);
  }, 30_000);

  test("edits still on their way to the host when the other window's arrive are kept and asked about, not written over", async () => {
    const context = await playground.newContext({ viewport: { width: 1440, height: 900 } });
    const a = await context.newPage();
    // Window A's drafts are held on their way to the host until released: the other window's
    // edit reaches the host first, and its news reaches A while A's own draft is still out.
    const { promise: draftHeld, resolve: holdDraft } = Promise.withResolvers<number>();
    const { promise: released, resolve: release } = Promise.withResolvers<void>();
    const { promise: draftAnswered, resolve: answerDraft } = Promise.withResolvers<void>();
    await a.routeWebSocket(/\/ws$/, (page) => {
      const host = page.connectToServer();
      page.onMessage((message) => {
        const sent = typeof message === "string" ? JSON.parse(message) : undefined;
        if (sent?.payload?.type !== "draft") return host.send(message);
        holdDraft(sent.id);
        void released.then(() => host.send(message));
      });
      host.onMessage((message) => {
        page.send(message);
        const got = typeof message === "string" ? JSON.parse(message) : undefined;
        if (got?.replyId !== undefined) void draftHeld.then((id) => got.replyId === id && answerDraft());
      });
    });
    await a.goto(playground.host.launchUrl);
    await a.waitForSelector("body[data-editor-ready]");
    await a.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
    const b = await secondWindow(a);

    await typeAtEnd(a, "\n// from A\n");
    await draftHeld;
    await typeAtEnd(b, "\n// from B\n");
    // B's edit reaches the host and its news reaches A, whose own draft is still out.
    await a.waitForSelector("#conflict:not([hidden])", { timeout: 5_000 });
    const mine = await editorText(a);
    expect(mine).toContain("// from A");
    expect(mine).not.toContain("// from B");
    // A's draft arrives now, made on the text before B's edit: the host keeps B's until A chooses.
    release();
    await draftAnswered;
    expect(await kept()).toContain("// from B");
    expect(await kept()).toBe(await editorText(b));
    expect(await editorText(a)).toBe(mine);

    await a.click("#conflict-mine");
    await b.waitForFunction((expected) => window.monaco!.editor.getModels()[0]!.getValue() === expected, mine);
    expect(await kept()).toBe(mine);
  }, 30_000);

  test("a change to the open file by another program is loaded once, by the host, for both windows, and each says the file's text is what serves", async () => {
    const a = await playground.open();
    const b = await secondWindow(a);
    const before = 'export default () => new Response("before");\n';
    const { path, third } = await openFromThirdWindow("changed-on-disk.ts", before, [a, b]);

    const from = third.messages.length;
    const after = 'export default () => new Response("after");\n';
    await writeFile(path, after);
    const loaded = await third.push("load-result", from);
    expect({ kind: loaded.event.kind, source: loaded.source }).toEqual({ kind: "loaded", source: after });
    // Each window shows the file's text and says the host's version of it serves: not "edited since".
    for (const page of [a, b]) await servingText(page, after, loaded.event.version);
    // A window that loaded the change itself as well did so as it heard of it, before this Run:
    // the Run would then not be the next version.
    expect({ page: await runAgain(a, loaded.event.version), host: playground.host.session.status().serving }).toEqual({
      page: loaded.event.version + 1,
      host: loaded.event.version + 1,
    });
  }, 30_000);

  test("with unsaved edits, taking the changed file's text loads it once, and the window says it serves", async () => {
    const a = await playground.open();
    const before = 'export default () => new Response("before");\n';
    const { path, third } = await openFromThirdWindow("taken-from-disk.ts", before, [a]);
    await typeAtEnd(a, "// mine\n");
    await waitFor(
      "the host to hold the edit",
      () => playground.host.session.workspace()?.document.dirty || undefined,
      5_000,
    );

    const theirs = 'export default () => new Response("theirs");\n';
    await writeFile(path, theirs);
    await a.waitForSelector("#conflict:not([hidden])");
    const from = third.messages.length;
    await a.click("#conflict-theirs");
    const loaded = await third.push("load-result", from);
    expect({ kind: loaded.event.kind, source: loaded.source }).toEqual({ kind: "loaded", source: theirs });
    await servingText(a, theirs, loaded.event.version);
    // Had the window loaded the text itself as well, as it took it, this Run would not be the next version.
    expect({ page: await runAgain(a, loaded.event.version), host: playground.host.session.status().serving }).toEqual({
      page: loaded.event.version + 1,
      host: loaded.event.version + 1,
    });
  }, 30_000);

  test("a file opened elsewhere opens in both; a save in one is the other's text, clean", async () => {
    const a = await playground.open();
    const b = await secondWindow(a);
    // A third window opens a file: both windows follow.
    const { path } = await openFromThirdWindow("shared-events.ts", 'export default () => new Response("one");\n', [
      a,
      b,
    ]);
    for (const page of [a, b]) {
      expect(await editorText(page)).toBe('export default () => new Response("one");\n');
    }
    await typeAtEnd(a, "// saved from A\n");
    await a.keyboard.press("ControlOrMeta+S");
    const saved = await editorText(a);
    await b.waitForFunction((expected) => window.monaco!.editor.getModels()[0]!.getValue() === expected, saved);
    await a.waitForFunction(
      (expected) => document.getElementById("document-name")?.textContent === expected,
      "shared-events.ts",
    );
    expect(await readFile(path, "utf8")).toBe(saved);
    // Clean in both: no unsaved-edits marker.
    expect(await b.textContent("#document-name")).toBe("shared-events.ts");
    expect(await b.isHidden("#conflict")).toBe(true);
  }, 30_000);
});
