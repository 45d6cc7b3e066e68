/**
 * Streams under test in the page, in Chromium: a lane against another server, a slow lane paused
 * and resumed from its chip, a recording saved and opened again in a fresh playground (from the
 * menu, and dropped onto the window), and the expectations a timeline meets, saved and then
 * checked by the trace command.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { parseRecording } from "../../src/contract/index.ts";
import { formatDuration } from "../../src/webview/timeline/mark-look.ts";
import { artifactsDir } from "./chromium.ts";
import { pasteAndRun, showOnly, tableRows, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";
import { createTempDir } from "../support/temp-dir.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

const sseTicks = `export default () => new Response(async function* () {
  yield "event: hello\\ndata: hi\\n\\n";
  for (let i = 1; i <= 3; i++) {
    await Bun.sleep(40);
    yield "id: " + i + "\\ndata: tick " + i + "\\n\\n";
  }
}, { headers: { "content-type": "text/event-stream" } });
`;

/** Text of every table row with its time: `time lane side kind detail`. */
function rowsWithTimes(page: Page): Promise<string[]> {
  return page.$$eval(".events-table tr[data-index]", (rows) =>
    rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent).join(" ")),
  );
}

/** Makes the table tall enough for every row: it draws only the rows in view. */
async function showEveryRow(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scroller = document.querySelector<HTMLElement>(".table-scroller")!;
    scroller.style.height = "100000px";
    scroller.parentElement!.style.height = "100000px";
  });
}

/** Every row, once the table has drawn them all (`count` of them). */
async function allRows(page: Page, count: number): Promise<string[]> {
  await showEveryRow(page);
  await page.waitForFunction(
    (wanted) => document.querySelectorAll(".events-table tr[data-index]").length === wanted,
    count,
  );
  return rowsWithTimes(page);
}

describe("a lane against another server", () => {
  test("reads its NDJSON as json-line events, and its chip and open say the server side is not visible", async () => {
    await using server = Bun.serve({
      port: 0,
      fetch: () =>
        new Response('{"token":"Hel","done":false}\n{"token":"lo","done":true}\n', {
          headers: { "content-type": "application/x-ndjson" },
        }),
    });
    const page = await playground.open();
    const url = new URL("/api/generate", server.url).href;
    await page.fill("#client-path", url);
    await page.click("#connect");
    await waitForRow(page, /^1 client disconnect by server/);
    const rows = (await tableRows(page)).filter((row) => row.startsWith("1 "));
    expect(rows.map((row) => row.split(" ").slice(1, 3).join(" "))).toEqual([
      "client open",
      "client headers",
      "client chunk",
      "client json-line",
      "client json-line",
      "client disconnect",
    ]);
    expect(rows[0]).toBe(`1 client open stream GET ${url} (server side not visible)`);
    expect(rows.filter((row) => row.includes("json-line"))).toEqual([
      '1 client json-line line 1: {"token":"Hel","done":false}',
      '1 client json-line line 2: {"token":"lo","done":true}',
    ]);
    // The parsed value is in the details.
    await page.click('.events-table tr[data-index]:has(td.kind:text-is("json-line"))');
    expect(await page.locator("#details dd pre").last().textContent()).toBe(
      JSON.stringify({ token: "Hel", done: false }, null, 2),
    );
    await page.screenshot({ path: join(artifactsDir, "url-lane.png") });
  });
});

describe("a slow lane", () => {
  test("its chip says how it reads; Pause stops its reading and Resume starts it again, each on the timeline", async () => {
    const page = await playground.open();
    await pasteAndRun(
      page,
      `export default () => new Response(async function* () {
  for (let i = 0; ; i++) {
    yield "line " + i + "\\n";
    await Bun.sleep(20);
  }
});
`,
    );
    await page.click("#slow-client summary");
    await page.fill("#client-read-rate", "64KiB");
    await page.click("#connect");
    const chip = page.locator('.lane-chip[data-lane="1"]');
    await expect(chip.textContent()).resolves.toContain("#1 stream GET / · reads ≤ 64 KiB/s");
    await waitForRow(page, /^1 client chunk/);
    await chip.locator("button.lane-reading").click();
    // A hundred rows a second follow each reading event: the table, which draws only the rows in
    // view, shows just those (the filter offers a kind once it has been seen).
    await showOnly(page, { kind: "reading" });
    await waitForRow(page, /^1 client reading paused reading \(from the lane's chip\)/);
    await expect(chip.locator("button.lane-reading").getAttribute("aria-pressed")).resolves.toBe("true");
    await chip.locator("button.lane-reading").click();
    await waitForRow(page, /^1 client reading resumed reading \(from the lane's chip\)/);
    await page.click("#disconnect-all");
    await showOnly(page, { kind: "cleanup" });
    await waitForRow(page, /^1 server cleanup/);
  });

  test("a setting that makes no sense is refused on its field, and nothing connects", async () => {
    const page = await playground.open();
    await page.click("#slow-client summary");
    await page.fill("#client-read-rate", "fast");
    await page.click("#connect");
    expect(await page.$eval("#client-read-rate", (input) => (input as HTMLInputElement).validationMessage)).toBe(
      "Read at most: a number of bytes, such as 65536, 64KiB or 1MB",
    );
    expect(await page.locator(".lane-chip").count()).toBe(0);
  });
});

describe("recordings", () => {
  test("a recording saved in one playground opens in a fresh one with the same table, timeline and source, read-only, and Back to live returns", async () => {
    let page = await playground.open();
    await pasteAndRun(page, sseTicks);
    await page.fill("#client-count", "2");
    await page.click("#connect");
    // Both lanes' ends, on both sides (the table is tall enough to hold every row).
    await showEveryRow(page);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll(".events-table tr[data-index]")].map((row) => row.textContent ?? "");
      return (
        rows.filter((row) => row.includes("disconnectby server")).length === 2 &&
        rows.filter((row) => /serverend/.test(row)).length === 2
      );
    });
    const before = await rowsWithTimes(page);
    const label = await page.getAttribute(".timeline canvas", "aria-label");
    await page.click("#export-menu summary");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-recording")]);
    expect(download.suggestedFilename()).toMatch(/\.recording\.jsonl$/);
    // Kept outside the browser's downloads, which go with its context.
    await using dir = await createTempDir("recording-");
    const file = join(dir.dir, download.suggestedFilename());
    await download.saveAs(file);
    const read = parseRecording(await Bun.file(file).text());
    if (!read.ok) throw new Error(read.problem);
    // Every version the timeline mentions: the starter snippet the page loaded first, then the pasted one.
    expect(read.recording.header?.versions.map((version) => version.version)).toEqual([1, 2]);
    expect(read.recording.header?.versions.at(-1)?.source).toBe(sseTicks);
    expect(read.recording.header?.lanes.map((lane) => lane.lane)).toEqual([1, 2]);

    // Another playground, another host and runner: nothing of the first is left but the file.
    await page.context().close();
    page = await playground.open();
    await page.click("#file-menu summary");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#file-open-recording")]);
    await chooser.setFiles(file);
    await page.waitForSelector("#recording-bar:not([hidden]):not([data-reading])");
    expect(await page.textContent("#recording-title")).toMatch(
      /^Recording .*\.recording\.jsonl \(.*\) · recorded .* by the playground · \d+ events, 2 lanes · read-only$/,
    );
    expect(await allRows(page, before.length)).toEqual(before);
    await page.evaluate(() => {
      const scroller = document.querySelector<HTMLElement>(".table-scroller")!;
      scroller.style.height = "";
      scroller.parentElement!.style.height = "";
    });
    // The same timeline: its canvas says how many events on how many rows it shows, and the time
    // range is the one shown when the recording was made.
    const reopened = await page.getAttribute(".timeline canvas", "aria-label");
    expect(reopened?.split(", showing")[0]).toBe(label?.split(", showing")[0]);
    const view = read.recording.header!.view!;
    expect(reopened).toContain(`showing ${formatDuration(Math.max(0, view.from))} to ${formatDuration(view.to)}.`);
    // The source, read-only, in place of the editor; nothing that would change the live session is offered.
    // The version serving last is shown first; the other is a choice away.
    expect(await page.$$eval("#recording-source li", (lines) => lines.map((line) => line.textContent).join("\n"))).toBe(
      sseTicks.trimEnd(),
    );
    expect(
      await page.$$eval("#recording-version option", (options) => options.map((option) => option.textContent)),
    ).toEqual(["v1 · untitled-1.ts", "v2 · untitled-1.ts"]);
    expect(await page.isVisible("#editor")).toBe(false);
    expect(await page.isDisabled("#run")).toBe(true);
    expect(await page.isDisabled("#connect")).toBe(true);
    // The details work as live, and so does the raw stream. (Filtered first: the table draws only the rows in view.)
    await showOnly(page, { kind: "sse" });
    await page.click('.events-table tr[data-index]:has(td.kind:text-is("sse"))');
    await expect(page.locator("#details h3").textContent()).resolves.toMatch(/^sse · client · lane [12] · /);
    await page.click("#tab-raw");
    await expect(page.locator("#panel-raw").textContent()).resolves.toContain("data: tick 3");
    await page.click("#tab-events");
    await page.screenshot({ path: join(artifactsDir, "recording-open.png") });

    await page.click("#recording-close");
    await page.waitForSelector("#recording-bar[hidden]", { state: "attached" });
    expect(await page.isVisible("#editor")).toBe(true);
    expect(await page.isDisabled("#connect")).toBe(false);
  }, 60_000);

  test("trace --json output dropped onto the window opens the same way, its rows as the trace printed them", async () => {
    await using dir = await createTempDir("recording-drop-");
    const snippet = join(dir.dir, "ticks.ts");
    await Bun.write(snippet, sseTicks);
    const traced = Bun.spawnSync([
      process.execPath,
      join(import.meta.dir, "..", "..", "src", "cli", "trace-cli.ts"),
      snippet,
      "--json",
    ]);
    const text = traced.stdout.toString();
    const page = await playground.open();
    const transfer = await page.evaluateHandle((content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], "ticks.jsonl", { type: "application/x-ndjson" }));
      return data;
    }, text);
    await page.dispatchEvent("main", "dragover", { dataTransfer: transfer });
    await page.dispatchEvent("main", "drop", { dataTransfer: transfer });
    await page.waitForSelector("#recording-bar:not([hidden]):not([data-reading])");
    expect(await page.textContent("#recording-title")).toMatch(
      /^Recording ticks\.jsonl · a trace --json timeline · \d+ events, 1 lane · read-only$/,
    );
    await showOnly(page, { kind: "sse" });
    expect((await tableRows(page)).map((row) => row.replace(/^1 client sse /, ""))).toEqual([
      'hello "hi"',
      'message #1 "tick 1"',
      'message #2 "tick 2"',
      'message #3 "tick 3"',
    ]);
    expect(await page.textContent("#recording-source")).toContain("carries no source");
  });

  test("a file that is not a recording is refused in the status line, and the live timeline stays", async () => {
    const page = await playground.open();
    await page.click("#file-menu summary");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#file-open-recording")]);
    await chooser.setFiles({
      name: "notes.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from('{"t":1,"lane":0,"side":"runner","kind":"nope"}\n'),
    });
    await page.waitForFunction(() => document.getElementById("status")?.classList.contains("error"));
    expect(await page.textContent("#status")).toStartWith(
      "notes.jsonl is not a recording the playground can open: line 1, an event: kind must be one of loaded, load-error,",
    );
    expect(await page.isHidden("#recording-bar")).toBe(true);
  });
});

describe("expectations from the timeline", () => {
  test("saved from the page, they hold when the trace command runs the same snippet", async () => {
    await using dir = await createTempDir("expectations-");
    const page = await playground.open();
    await pasteAndRun(page, sseTicks);
    await page.click("#connect");
    await waitForRow(page, /^1 client disconnect by server/);
    await waitForRow(page, /^1 server end/);
    await page.click("#export-menu summary");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-expectations")]);
    const expectations = join(dir.dir, "ticks.expect.json");
    await download.saveAs(expectations);
    const file = JSON.parse(await Bun.file(expectations).text()) as { trace: unknown; expect: { name: string }[] };
    expect(file.trace).toMatchObject({ path: "/", client: "stream" });
    expect(file.expect.map((expectation) => expectation.name)).toEqual([
      "nothing went wrong",
      "each stream opens, answers, sends its data and ends",
      "the first sse comes soon after the client opens",
      'at least 1 "hello" event on each lane',
      'at least 3 "message" events on each lane',
      "SSE events keep coming",
      "every request ends on the version that opened it",
    ]);
    const snippet = join(dir.dir, "ticks.ts");
    await Bun.write(snippet, sseTicks);
    const checked = Bun.spawnSync([
      process.execPath,
      join(import.meta.dir, "..", "..", "src", "cli", "trace-cli.ts"),
      snippet,
      "--expect",
      expectations,
    ]);
    // The whole report on a failure: which expectation did not hold, and by how much.
    expect({ code: checked.exitCode, report: checked.stdout.toString() }).toEqual({
      code: 0,
      report: expect.stringMatching(/\nAll 7 expectations held\.\n$/),
    });
  }, 30_000);
});
