/**
 * Recordings that are large or hostile, opened in Chromium: read off the page's thread and shown
 * as they fill in, a field the contract does not name left out, a value too long to lay out cut
 * with a way to save the whole, a long or bidi-laden title kept in its place, and a
 * half-million-line source shown.
 */

import { describe, expect, test } from "bun:test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  recordingFormat,
  recordingJsonLines,
  type RecordingHeader,
  type TimelineEvent,
} from "../../src/contract/index.ts";
import { createTempDir } from "../support/temp-dir.ts";
import { openLesson, showOnly, tableRows, usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

const header = (fields: Partial<RecordingHeader> = {}): RecordingHeader => ({
  format: recordingFormat,
  version: 1,
  recordedAt: "2026-12-01T10:00:00.000Z",
  by: "trace",
  versions: [],
  lanes: [],
  ...fields,
});

/** `count` writes and chunks on ten lanes, as a long stream records them. */
function manyEvents(count: number): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (let i = 0; events.length < count; i++) {
    const lane = (i % 10) + 1;
    events.push({
      t: i / 10,
      lane,
      side: "server",
      kind: "write",
      requestId: lane,
      version: 1,
      bytes: 3,
      text: "ab\n",
      via: "enqueue",
    });
    events.push({ t: i / 10 + 0.05, lane, side: "client", kind: "chunk", bytes: 3, text: "ab\n" });
  }
  return events.slice(0, count);
}

/**
 * Opens `text` as `name` through File → Open recording's file chooser, from a file in `dir` as a
 * person would (the file must stay while the page reads it).
 */
async function openRecording(page: Page, dir: string, name: string, text: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, text);
  await page.click("#file-menu summary");
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#file-open-recording")]);
  await chooser.setFiles(path);
}

const opened = (page: Page) => page.waitForSelector("#recording-bar:not([hidden]):not([data-reading])");

describe("recordings, large and hostile", () => {
  test("300,000 events are read off the page's thread, shown filling in, and the page answers meanwhile", async () => {
    await using files = await createTempDir("recording-file-");
    const page = await playground.open();
    const events = manyEvents(300_000);
    await openRecording(page, files.dir, "long.recording.jsonl", recordingJsonLines(header(), events));
    // While it reads: the bar says how far, and the page still answers a click.
    await page.waitForSelector("#recording-bar[data-reading]");
    const during = await page.textContent("#recording-title");
    expect(during).toMatch(/^Opening long\.recording\.jsonl · (reading|\d+% read) · [\d,]+ events, \d+ lanes? so far$/);
    await page.click("#tab-console");
    expect(await page.getAttribute("#tab-console", "aria-selected")).toBe("true");
    await page.click("#tab-events");
    await opened(page);
    expect(await page.textContent("#recording-title")).toBe(
      "Recording long.recording.jsonl · recorded " +
        (await page.evaluate(() => {
          const date = new Date("2026-12-01T10:00:00.000Z");
          return `${date.toLocaleDateString()} ${date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
        })) +
        " by trace · 300,000 events, 10 lanes · read-only",
    );
    await page.waitForFunction(() => document.querySelector(".row-count")?.textContent === "300,000 events");
  }, 60_000);

  test("the open lesson's page gives way to the recording's snippet, and comes back with Back to live", async () => {
    await using files = await createTempDir("recording-file-");
    const page = await playground.open();
    await openLesson(page, "01-generator-body");
    expect(await page.isVisible("#lesson")).toBe(true);
    await openRecording(page, files.dir, "short.recording.jsonl", recordingJsonLines(header(), manyEvents(10)));
    await opened(page);
    expect(await page.isVisible("#recording-source")).toBe(true);
    expect(await page.isVisible("#lesson")).toBe(false);
    await page.click("#recording-close");
    await page.waitForSelector("#recording-bar", { state: "hidden" });
    expect(await page.isVisible("#lesson")).toBe(true);
  }, 30_000);

  test("a file refused part-way returns to live, saying which line", async () => {
    await using files = await createTempDir("recording-file-");
    const page = await playground.open();
    const text = `${recordingJsonLines(header(), manyEvents(50_000))}{"t":1,"lane":1,"side":"client","kind":"nope"}\n`;
    await openRecording(page, files.dir, "broken.recording.jsonl", text);
    await page.waitForFunction(() => document.getElementById("status")?.classList.contains("error"));
    expect(await page.textContent("#status")).toStartWith(
      "broken.recording.jsonl is not a recording the playground can open: line 50002, an event: kind must be one of",
    );
    expect(await page.isHidden("#recording-bar")).toBe(true);
    expect(await page.isDisabled("#connect")).toBe(false);
  }, 30_000);

  test("a field the contract does not name is left out of the event the page holds", async () => {
    await using files = await createTempDir("recording-file-");
    const page = await playground.open();
    const chunk: TimelineEvent = { t: 1, lane: 1, side: "client", kind: "chunk", bytes: 3, text: "abc" };
    const text = recordingJsonLines(header(), [chunk]).replace('"kind":"chunk"', '"kind":"chunk","extra":"<script>"');
    expect(text).toContain('"extra":"<script>"');
    await openRecording(page, files.dir, "extra.recording.jsonl", text);
    await opened(page);
    await showOnly(page, { kind: "chunk" });
    await page.click(".events-table tr[data-index]");
    const fields = await page.$$eval("#details dl dt, #details dl dd", (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(fields).toEqual(["bytes", "3", "text", "abc"]);
  }, 30_000);

  test("a 50 MB log line is shown cut, and Save the whole value saves all of it", async () => {
    await using dir = await createTempDir("recording-long-value-");
    await using files = await createTempDir("recording-file-");
    const page = await playground.open();
    const long = `${"x".repeat(50 * 1024 * 1024 - 4)}end.`;
    const events: TimelineEvent[] = [
      { t: 1, lane: 0, side: "runner", kind: "log", level: "log", text: long },
      { t: 2, lane: 0, side: "runner", kind: "log", level: "log", text: "short" },
    ];
    await openRecording(page, files.dir, "long-line.recording.jsonl", recordingJsonLines(header(), events));
    await opened(page);
    await showOnly(page, { kind: "log" });
    const rows = await tableRows(page);
    expect(rows[0]!.length).toBeLessThan(3_000);
    await page.click(".events-table tr[data-index]");
    await page.waitForSelector("#details .details-cut");
    expect(await page.textContent("#details .details-cut")).toBe(
      `… and ${(long.length - 64 * 1024).toLocaleString("en")} more characters, not shown (50.0 MB in all). Save the whole value`,
    );
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#details .details-save-value")]);
    expect(download.suggestedFilename()).toBe("log-text.txt");
    const saved = `${dir.dir}/saved.txt`;
    await download.saveAs(saved);
    expect(await readFile(saved, "utf8")).toBe(long);
  }, 60_000);

  test("a long title with U+202E is written out and cut, and Back to live stays in reach", async () => {
    await using files = await createTempDir("recording-file-");
    const page = await playground.open();
    const title = `evil\u202Etxt.ts ${"very long title ".repeat(40)}`;
    const source = `// \u202E reversed\n${Array.from({ length: 520_000 }, (_, i) => `const line${i} = ${i};`).join("\n")}\n`;
    const text = recordingJsonLines(header({ title, by: "the playground", versions: [{ version: 1, source }] }), [
      {
        t: 1,
        lane: 0,
        side: "runner",
        kind: "loaded",
        version: 1,
        form: "default-function",
        notices: [],
        loadMs: 1,
        url: "http://127.0.0.1:1/",
      },
    ]);
    await openRecording(page, files.dir, "title.recording.jsonl", text);
    await opened(page);
    const shown = (await page.textContent("#recording-title"))!;
    expect(shown).toStartWith("Recording title.recording.jsonl (evil\\u202Etxt.ts very long title");
    expect(shown).not.toContain("\u202E");
    expect(shown.length).toBeLessThan(220);
    const back = (await page.locator("#recording-close").boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(back.x + back.width).toBeLessThanOrEqual(viewport.width);
    // The half-million-line source is shown, its bidi override written out, its last line in reach.
    expect(await page.textContent("#recording-source .source-lines li:first-child")).toBe("// \\u202E reversed");
    await page.evaluate(() => {
      const source = document.getElementById("recording-source")!;
      source.scrollTop = source.scrollHeight;
    });
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#recording-source .source-lines li")].some(
        (line) => line.textContent === "const line519999 = 519999;",
      ),
    );
    // Its number is its line in the file.
    const last = await page.evaluate(() => {
      const list = document.querySelector<HTMLOListElement>("#recording-source .source-lines")!;
      const index = [...list.children].findIndex((line) => line.textContent === "const line519999 = 519999;");
      return list.start + index;
    });
    expect(last).toBe(520_001);
  }, 60_000);
});
