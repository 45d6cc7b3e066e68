/**
 * The Message tab in Chromium: lesson 16's OpenAI-style stream read through its lens. The page must
 * show the reply that the `openai` client assembles from the same endpoint, its timing, the stall
 * marked on the lane, and the reply as of a selected event; a broken stream names its violation.
 */

import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { examplesDir } from "../../src/main/examples.ts";
import { lessonTryArgs } from "../../src/shared/index.ts";
import { createTempDir } from "../support/temp-dir.ts";
import { join } from "node:path";
import OpenAI from "openai";
import type { Page } from "playwright-core";
import { openLesson, pasteAndRun, showOnly, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });
const artifacts = join(import.meta.dir, "..", "..", "artifacts");

async function openMessageTab(page: Page): Promise<void> {
  await page.click("#tab-message");
  await page.waitForSelector("#panel-message:not([hidden])");
}

describe("the Message tab", () => {
  test("lesson 16: the reply as the openai client assembles it, its timing, and the stall on the lane (artifacts/message-view.png)", async () => {
    const page = await playground.open();
    await openLesson(page, "16-llm-chat-stream");
    await page.click("#connect");
    await waitForRow(page, /^1 client disconnect /, 20_000);
    await openMessageTab(page);
    await page.waitForFunction(() => document.querySelector("#tab-message")?.textContent?.includes("OpenAI"));

    // The same endpoint read by the official client: the text the page shows must be its text.
    const base = new URL("/v1", playground.host.session.runnerUrl).href;
    const client = new OpenAI({ baseURL: base, apiKey: "none", maxRetries: 0 });
    const final = await client.chat.completions
      .stream({ model: "pretend-1", messages: [{ role: "user", content: "Why is the sky blue?" }] })
      .finalChatCompletion();
    const shown = await page.textContent("#panel-message .message-text");
    expect(shown).toBe(final.choices[0]!.message.content!);

    const stats = await page.$$eval("#panel-message .message-stats > div", (items) =>
      Object.fromEntries(
        items.map((item) => [item.querySelector("dt")!.textContent, item.querySelector("dd")!.textContent]),
      ),
    );
    expect(Object.keys(stats)).toEqual(
      expect.arrayContaining([
        "first token",
        "deltas",
        "gap p50",
        "gap p95",
        "longest stall",
        "tokens/s",
        "finish",
        "usage",
      ]),
    );
    expect(stats.finish).toBe("stop");
    // The pretend model pauses 400 ms after each sentence: the longest stall is one of those.
    expect(Number(/^([\d,.]+) ms/.exec(stats["longest stall"] ?? "")?.[1]?.replaceAll(",", ""))).toBeGreaterThanOrEqual(
      380,
    );
    expect(await page.textContent("#panel-message .message-state")).toBe("complete");

    // Selecting an early event shows the reply as it was then: the rest faded, after a caret.
    await page.click("#tab-events");
    await showOnly(page, { kind: "sse" });
    await page.click(".events-table tr[data-index] >> nth=3");
    // The details say when it came as people count it: after its request.
    expect(await page.textContent("#details h3")).toMatch(
      /^sse · client · lane 1 · \+[\d.]+ (ms|s) after its request · [\d.]+ ms$/,
    );
    await openMessageTab(page);
    const split = await page.$$eval("#panel-message .message-text .message-delta", (spans) => ({
      shown: spans.filter((span) => !span.classList.contains("message-later")).length,
      later: spans.filter((span) => span.classList.contains("message-later")).length,
    }));
    expect(split.shown).toBeGreaterThan(0);
    expect(split.later).toBeGreaterThan(0);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "message-view.png") });
  }, 60_000);

  test("a stream without [DONE] says so in the tab, and the violation selects where it happened", async () => {
    const page = await playground.open();
    const source = await openLesson(page, "16-llm-chat-stream");
    const broken = source.replace('yield "data: [DONE]\\n\\n";', "");
    expect(broken).not.toBe(source);
    await pasteAndRun(page, broken);
    await page.click("#connect");
    await waitForRow(page, /^1 client disconnect /, 20_000);
    await openMessageTab(page);
    await page.waitForSelector("#panel-message .message-violation");
    expect({
      state: await page.textContent("#panel-message .message-state"),
      violations: await page.$$eval("#panel-message .message-violation strong", (rules) =>
        rules.map((rule) => rule.textContent),
      ),
    }).toEqual({ state: "ended without its terminator", violations: ["missing-terminator"] });
    await page.click("#panel-message .message-violation");
    await page.click("#tab-events");
    expect(await page.locator('.events-table tr[aria-selected="true"] td.kind').textContent()).toBe("disconnect");
  }, 60_000);

  test("a stream of another JSON shape is read through the rule a lesson gives (lesson 13, $.token)", async () => {
    const page = await playground.open();
    await openLesson(page, "13-post-llm-stream");
    expect(await page.inputValue("#client-lens")).toBe("$.token");
    await page.click("#connect");
    await waitForRow(page, /^1 client disconnect /, 20_000);
    await openMessageTab(page);
    await page.waitForFunction(() => document.querySelector("#tab-message")?.textContent?.includes("JSON stream"));
    expect(await page.textContent("#panel-message .message-text")).toBe(
      'You asked: "Why is the sky blue?". This answer streams one token at a time.',
    );

    // Cleared while another tab is shown, the tab no longer names a stream: none is read now.
    await page.click("#tab-events");
    await page.click("#clear");
    await page.waitForFunction(() => document.querySelector("#tab-message")?.textContent === "Message");
  }, 60_000);

  test("a recording of an MCP exchange, made by trace --record, is read through its lens with the lane's request (lesson 18)", async () => {
    await using files = await createTempDir("message-recording-");
    const recording = join(files.dir, "mcp.recording.jsonl");
    const lesson = join(examplesDir, "18-mcp-resumption.ts");
    const args = lessonTryArgs(await Bun.file(join(examplesDir, "18-mcp-resumption.md")).text())!;
    const trace = Bun.spawn(
      [
        process.execPath,
        join(import.meta.dir, "..", "..", "src", "cli", "trace-cli.ts"),
        lesson,
        "--path",
        args.path!,
        "--method",
        "POST",
        "--header",
        "content-type:application/json",
        "--body",
        args.body!,
        "--record",
        recording,
      ],
      { stdout: "ignore", stderr: "pipe" },
    );
    expect(await trace.exited).toBe(0);

    const page = await playground.open();
    await page.click("#file-menu summary");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#file-open-recording")]);
    await chooser.setFiles(recording);
    await page.waitForSelector("#recording-bar:not([hidden]):not([data-reading])");
    await openMessageTab(page);
    await page.waitForFunction(() => document.querySelector("#tab-message")?.textContent?.includes("MCP"));
    expect({
      text: await page.textContent("#panel-message .message-text"),
      rpc: await page.$$eval("#panel-message .message-rpc li", (items) => items.map((item) => item.textContent)),
      state: await page.textContent("#panel-message .message-state"),
    }).toEqual({
      text: "Counted to 3.",
      rpc: [
        "notification notifications/message · event answer-1/1",
        "notification notifications/message · event answer-1/2",
        "notification notifications/message · event answer-1/3",
        "result answering tools/call · id 1 · event answer-1/4",
      ],
      state: "complete",
    });
  }, 60_000);
});
