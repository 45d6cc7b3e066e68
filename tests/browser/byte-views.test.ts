/**
 * Every byte as it was, and every part of the page in the theme the user picked: the table,
 * details and Raw stream of a stream full of awkward bytes, and the whole page in Dark on a light
 * system.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { TimelineEvent } from "../../src/contract/index.ts";
import { openPage } from "../support/page-socket.ts";
import { createTempDir } from "../support/temp-dir.ts";
import { artifactsDir } from "./chromium.ts";
import { usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

/**
 * A stream whose chunks cut a character in two, begin with a BOM, and carry bytes that are not
 * UTF-8. Each write waits until the client has read the one before (the test says so by writing
 * `read-N` into `gate`), so they are six chunks however busy the machine.
 */
const awkwardStream = (gate: string) => `const gate = ${JSON.stringify(gate)};
async function read(n: number) {
  while (!(await Bun.file(gate + "/read-" + n).exists())) await Bun.sleep(5);
}
export default () => new Response(async function* () {
  yield new TextEncoder().encode("retry: 100000\\nid: 1\\ndata: caf");
  await read(1);
  yield new Uint8Array([0xc3]);
  await read(2);
  yield new Uint8Array([0xa9, 0x0a, 0x0a]);
  await read(3);
  yield "\\uFEFFdata: three\\n\\n";
  await read(4);
  yield "data: zero\\u200Bwidth\\n\\nid: 2\\n\\n";
  await read(5);
  yield new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a]);
}, { headers: { "content-type": "text/event-stream" } });
`;

async function openPlayground(): Promise<{ page: Page; socket: Awaited<ReturnType<typeof openPage>> }> {
  const page = await playground.open();
  return { page, socket: await openPage(playground.host) };
}

/**
 * Loads the awkward stream for every page, connects one client of `kind` from the page's controls,
 * lets the stream write each chunk once the client has read the one before, and waits for the
 * client to end.
 */
async function connectAndEnd(page: Page, socket: Awaited<ReturnType<typeof openPage>>, kind: string): Promise<void> {
  await using gate = await createTempDir("byte-views-gate-");
  const loaded = await socket.request("load", { source: awkwardStream(gate.dir) });
  if (loaded.kind !== "loaded") throw new Error(`did not load: ${loaded.message}`);
  await page.selectOption("#client-kind", kind);
  await page.click("#connect");
  const read = () => socket.events.filter((e) => e.kind === "chunk" && e.side === "client").length;
  for (let n = 1; n <= 5; n++) {
    await socket.until(() => (read() >= n ? true : undefined));
    await Bun.write(join(gate.dir, `read-${n}`), "");
  }
  await socket.event((e): e is Extract<TimelineEvent, { kind: "disconnect" }> => e.kind === "disconnect");
}

/** Table rows of one kind, as `detail` text. */
async function detailsOf(page: Page, kind: string): Promise<string[]> {
  await page.selectOption('[aria-label="Filter by kind"]', kind);
  return page.$$eval(".events-table tr[data-index] td.detail", (cells) => cells.map((cell) => cell.textContent ?? ""));
}

describe("bytes as they were", () => {
  test("the table writes out invisible characters and shows bytes that are not UTF-8 as \\xNN, and each event's lastEventId", async () => {
    const { page, socket } = await openPlayground();
    await connectAndEnd(page, socket, "stream");
    expect(await detailsOf(page, "chunk")).toEqual([
      '29 B "retry: 100000\\nid: 1\\ndata: caf"',
      '1 B "\\xC3"',
      '3 B "\\xA9\\n\\n"',
      '16 B "\\uFEFFdata: three\\n\\n"',
      '27 B "data: zero\\u200Bwidth\\n\\nid: 2\\n\\n"',
      '9 B "data: \\xFF\\n\\n"',
    ]);
    expect(await detailsOf(page, "sse")).toEqual([
      'message #1 "café"',
      'message #1 "zero\\u200Bwidth"',
      'message #2 "\uFFFD"',
    ]);
    // A BOM at the start of a later chunk is part of its line: the browser reads a field named "\uFEFFdata", and fires
    // nothing.
    expect(await detailsOf(page, "sse-invalid")).toEqual(['unknown-field: "\\uFEFFdata: three"']);
    expect(await detailsOf(page, "sse-no-event")).toEqual([
      'no data: no event fired "\\uFEFFdata: three"',
      'lastEventId is now "2", no data: no event fired "id: 2"',
    ]);
  });

  test("the raw stream decodes the lane as one stream: a split character shows whole at the chunk edge; hex shows the bytes", async () => {
    const { page, socket } = await openPlayground();
    await connectAndEnd(page, socket, "stream");
    await page.click("#tab-raw");
    await page.waitForFunction(() => document.querySelectorAll(".raw-stream .chunk-edge").length === 6);
    const text = await page.$eval(".raw-stream", (view) => ({
      split: [...view.querySelectorAll(".split-char")].map((span) => ({
        text: span.textContent,
        title: span.getAttribute("title"),
      })),
      escapes: [...view.querySelectorAll(".esc")].map((span) => span.textContent?.trimEnd()),
      edges: [...view.querySelectorAll(".chunk-edge")].map((span) => span.getAttribute("title")?.replace(/ at .*/, "")),
    }));
    expect(text).toEqual({
      split: [{ text: "é", title: "one character in 2 bytes, split across chunks 2 and 3" }],
      escapes: [
        "\\n",
        "\\n",
        "\\n",
        "\\n",
        "\\uFEFF",
        "\\n",
        "\\n",
        "\\u200B",
        "\\n",
        "\\n",
        "\\n",
        "\\n",
        "\\xFF",
        "\\n",
        "\\n",
      ],
      edges: ["chunk 1: 29 B", "chunk 2: 1 B", "chunk 3: 3 B", "chunk 4: 16 B", "chunk 5: 27 B", "chunk 6: 9 B"],
    });
    await page.selectOption('[aria-label="Show the raw stream as"]', "hex");
    const rows = await page.$$eval(".raw-stream .hex-row", (lines) => lines.map((line) => line.textContent ?? ""));
    // The second row: the first chunk's end, the edge, C3, the edge, A9 0A; the ASCII column after.
    expect(rows[1]).toBe("00000010  3A 20 31 0A 64 61 74 61 3A 20 63 61 66 C3 A9 0A : 1·data: caf···\n");
    await page.screenshot({ path: join(artifactsDir, "raw-stream-hex.png") });
  });

  test("a long lane has only the rows in view in the DOM; a redraw keeps the rows that did not change, a scroll those still in view", async () => {
    const { page, socket } = await openPlayground();
    // 400 numbered lines in 40 chunks: far more rows than the view shows.
    const loaded = await socket.request("load", {
      source: `export default () => new Response(async function* () {
  for (let chunk = 0; chunk < 40; chunk++) {
    let text = "";
    for (let line = chunk * 10; line < chunk * 10 + 10; line++) text += "line " + String(line).padStart(4, "0") + "\\n";
    yield text;
    await Bun.sleep(1);
  }
});`,
    });
    if (loaded.kind !== "loaded") throw new Error(`did not load: ${loaded.message}`);
    await page.click("#connect");
    const ended = await socket.event(
      (e): e is Extract<TimelineEvent, { kind: "disconnect" }> => e.kind === "disconnect",
    );
    await page.click("#tab-raw");
    // However the writes fell into reads: the view has drawn every chunk the client read.
    await page.waitForFunction(
      (chunks) => document.querySelector<HTMLElement>(".raw-stream")?.dataset.chunks === String(chunks),
      ended.chunks,
    );
    /** The rows in the DOM: how many, the first and last lines they show, and how many are the nodes kept as `before`. */
    const rows = () =>
      page.evaluate(() => {
        const lines = [...document.querySelectorAll<HTMLElement>(".raw-stream .raw-line")];
        const before = (window as unknown as { rowsBefore?: HTMLElement[] }).rowsBefore ?? [];
        const number = (row: HTMLElement | undefined) => /line (\d{4})/.exec(row?.textContent ?? "")?.[1];
        return {
          count: lines.length,
          first: number(lines[0]),
          last: number(lines.at(-1)),
          kept: lines.filter((row) => before.includes(row)).length,
        };
      });
    const keepRows = () =>
      page.evaluate(() => {
        (window as unknown as { rowsBefore: HTMLElement[] }).rowsBefore = [
          ...document.querySelectorAll<HTMLElement>(".raw-stream .raw-line"),
        ];
      });
    const drawn = await rows();
    expect(drawn.first).toBe("0000");
    expect(drawn.count).toBeGreaterThan(10);
    expect(drawn.count).toBeLessThan(120);

    // Redrawn as it is (the view's own redraw when bytes arrive): every row stays the node it was.
    await keepRows();
    await page.dispatchEvent('[aria-label="Show the raw stream as"]', "change");
    expect(await rows()).toEqual({ ...drawn, kept: drawn.count });

    // Scrolled down by 20 rows (16 px each): the rows still in view are the same nodes, the rest are new.
    await keepRows();
    await page.$eval(".raw-stream", (view) => {
      view.scrollTop = 20 * 16;
    });
    await page.waitForFunction(
      () => !/line 0000/.test(document.querySelector(".raw-stream .raw-line")?.textContent ?? ""),
    );
    const scrolled = await rows();
    expect(scrolled.kept).toBeGreaterThan(0);
    expect(scrolled.kept).toBeLessThan(scrolled.count);
    expect(Number(scrolled.first)).toBeGreaterThan(0);
    expect(Number(scrolled.last)).toBe(Number(drawn.last) + Number(scrolled.first));

    // As hex every row is another: none is kept. Scrolled to the end, the last line is there.
    await keepRows();
    await page.selectOption('[aria-label="Show the raw stream as"]', "hex");
    expect(await page.$$eval(".raw-stream .raw-line", (lines) => lines.length)).toBeGreaterThan(0);
    expect(
      await page.evaluate(() =>
        [...document.querySelectorAll(".raw-stream .raw-line")].some((row) =>
          ((window as unknown as { rowsBefore: Element[] }).rowsBefore ?? []).includes(row),
        ),
      ),
    ).toBe(false);
    await page.selectOption('[aria-label="Show the raw stream as"]', "text");
    await page.$eval(".raw-stream", (view) => {
      view.scrollTop = view.scrollHeight;
    });
    await page.waitForFunction(() => /line 0399/.test(document.querySelector(".raw-stream")?.textContent ?? ""));
  });

  test("details show a chunk's bytes and what is not UTF-8 in them", async () => {
    const { page, socket } = await openPlayground();
    await connectAndEnd(page, socket, "stream");
    await page.selectOption('[aria-label="Filter by kind"]', "chunk");
    await page.click(".events-table tr[data-index] >> nth=1");
    const fields = await page.$$eval("#details dl dt, #details dl dd", (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(fields).toEqual(["bytes", "1", "text", "\\xC3", "bytes (hex)", "C3"]);
  });
});

describe("the dark theme", () => {
  test("picked on a light system, it reaches every part of the page, the timeline's lane bands included", async () => {
    const { page, socket } = await openPlayground();
    await page.selectOption("#theme", "dark");
    await connectAndEnd(page, socket, "eventsource");
    // Open a lesson too, so its panel is on the page.
    await page.selectOption("#examples", "11-reconnect-lab");
    await page.waitForSelector("#lesson:not([hidden])");
    await page.click("#timeline-fit");
    const light = await page.evaluate(() => {
      const luminance = (colour: string) => {
        const match = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(colour);
        if (!match || Number(match[4] ?? 1) < 0.5) return 0;
        return (0.2126 * Number(match[1]) + 0.7152 * Number(match[2]) + 0.0722 * Number(match[3])) / 255;
      };
      const elements = [...document.querySelectorAll<HTMLElement>("body *")].filter(
        (el) => !el.closest(".monaco-editor") && el.getBoundingClientRect().width > 0,
      );
      const lightBackgrounds = elements
        .filter((el) => luminance(getComputedStyle(el).backgroundColor) > 0.55)
        .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
      // The canvas's left edge: the lane bands and the gutter, where the lane labels are written.
      const canvas = document.querySelector<HTMLCanvasElement>(".timeline canvas")!;
      const column = canvas.getContext("2d")!.getImageData(2, 0, 1, canvas.height).data;
      let lightPixels = 0;
      for (let i = 0; i < column.length; i += 4)
        if ((0.2126 * column[i]! + 0.7152 * column[i + 1]! + 0.0722 * column[i + 2]!) / 255 > 0.4) lightPixels++;
      return { lightBackgrounds, lightPixels };
    });
    expect(light).toEqual({ lightBackgrounds: [], lightPixels: 0 });
    await page.screenshot({ path: join(artifactsDir, "playground-dark-on-light-system.png") });
  });
});
