/**
 * The raw stream's cost on a large lane: 128 KiB received in 64-byte chunks, cut wherever the bytes
 * fall, so most chunk edges split a character.
 * - `raw-view-decode-ms`: decoding the lane as one stream into what the view draws (chunk edges,
 *   split characters, bytes that are not UTF-8), against one `TextDecoder.decode` of the same bytes.
 * - `raw-view-draw-ms`: in Chromium, the Raw stream tab redrawing that lane as it does when bytes
 *   arrive (decode, cutting it into lines, the rows in view that changed as DOM, and layout),
 *   against the same page laying out the same text, written out as the view shows it, as one plain
 *   text node. Its goal is a frame (16 ms) whatever the lane's size: only the rows in view are
 *   drawn. Its note gives a jump to another part of the lane too, where every row in view is new.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { visiblePieces } from "../src/contract/index.ts";
import { startHost } from "../src/main/host-server.ts";
import { rawSegments, type RawItem } from "../src/webview/raw-stream.ts";
import { launchChromium } from "../tests/browser/chromium.ts";
import { openPage } from "../tests/support/page-socket.ts";
import { createFigure } from "./figure.ts";
import { median, percentile } from "./stats.ts";
import type { Figure } from "./types.ts";

const laneBytes = 128 * 1024;
const chunkBytes = 64;
const runs = 15;

/** Text with characters of 1 to 4 bytes, line ends and an invisible one or two, `bytes` long at least. */
function sampleText(bytes: number): string {
  const line = "data: café 🌍 naïve — ok\u200B\n\n";
  return line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
}

/** The lane's text as the view writes it out (each line end as `\n` and a line break), for the anchor. */
function visibleLaneText(): string {
  const text = new TextDecoder().decode(new TextEncoder().encode(sampleText(laneBytes)).subarray(0, laneBytes));
  return visiblePieces(text)
    .map((piece) => (piece.text === "\\n" && piece.escape ? "\\n\n" : piece.text))
    .join("");
}

function measureDecode(): Figure {
  const bytes = new TextEncoder().encode(sampleText(laneBytes)).subarray(0, laneBytes);
  const items: RawItem[] = [];
  for (let at = 0, index = 1; at < bytes.length; at += chunkBytes, index++) {
    const chunk = bytes.subarray(at, at + chunkBytes);
    items.push({ kind: "chunk", bytes: chunk, total: chunk.length, t: index, index });
  }
  const decode: number[] = [];
  const plain: number[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    rawSegments(items);
    decode.push(performance.now() - started);
    started = performance.now();
    decoder.decode(bytes);
    plain.push(performance.now() - started);
  }
  return createFigure({
    name: "raw-view-decode-ms",
    value: median(decode),
    unit: "ms",
    goal: { op: "<=", limit: 20 },
    anchor: { label: "one TextDecoder.decode of the same bytes", value: median(plain), unit: "ms", samples: plain },
    samples: decode,
    note: `${items.length} chunks of ${chunkBytes} B; median of ${runs}`,
  });
}

/** The snippet: the lane's bytes in 64-byte chunks, 1 ms apart so each is a read of its own. */
const snippet = `const bytes = new TextEncoder().encode(${JSON.stringify(sampleText(laneBytes))}).subarray(0, ${laneBytes});
export default () => new Response(async function* () {
  for (let at = 0; at < bytes.length; at += ${chunkBytes}) {
    yield bytes.slice(at, at + ${chunkBytes});
    await Bun.sleep(1);
  }
}, { headers: { "content-type": "text/plain; charset=utf-8" } });
`;

async function measureDraw(): Promise<Figure> {
  const workspaceDir = mkdtempSync(join(tmpdir(), "bench-raw-view-"));
  const host = await startHost({ port: 0, session: { workspaceDir } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.launchUrl);
    await page.waitForSelector("body[data-editor-ready]");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
    const socket = await openPage(host);
    const loaded = await socket.request("load", { source: snippet });
    if (loaded.kind !== "loaded") throw new Error(`the bench snippet did not load: ${loaded.message}`);
    await page.click("#connect");
    const ended = await socket.event((e): e is Extract<typeof e, { kind: "disconnect" }> => e.kind === "disconnect");
    await page.click("#tab-raw");
    await page.waitForFunction(
      (count) => Number(document.querySelector<HTMLElement>(".raw-stream")?.dataset.chunks) >= count,
      ended.chunks,
    );
    const times = await page.evaluate(
      ({ runs, text }) => {
        const pre = document.querySelector<HTMLElement>(".raw-stream")!;
        const mode = document.querySelector<HTMLSelectElement>('[aria-label="Show the raw stream as"]')!;
        const draw: number[] = [];
        const build: number[] = [];
        const jump: number[] = [];
        const plain: number[] = [];
        // Each kind in a loop of its own: the anchor takes the view out of the page and puts it
        // back, after which the browser lays all of it out anew, which no redraw of the view causes.
        for (let i = 0; i < runs; i++) {
          const started = performance.now();
          mode.dispatchEvent(new Event("change"));
          build.push(performance.now() - started);
          pre.getBoundingClientRect();
          draw.push(performance.now() - started);
        }
        // Scrolled to the other half of the lane and back: every row in view is new each time.
        const far = Math.round(pre.scrollHeight / 2);
        for (let i = 0; i < runs; i++) {
          const started = performance.now();
          pre.scrollTop = i % 2 === 0 ? far : 0;
          pre.dispatchEvent(new Event("scroll"));
          pre.getBoundingClientRect();
          jump.push(performance.now() - started);
        }
        pre.scrollTop = 0;
        pre.dispatchEvent(new Event("scroll"));
        for (let i = 0; i < runs; i++) {
          // The same text as the view wrapped it when it was one text.
          const copy = document.createElement("pre");
          copy.className = "raw-stream";
          copy.style.whiteSpace = "pre-wrap";
          copy.style.wordBreak = "break-all";
          const started = performance.now();
          copy.textContent = text;
          pre.replaceWith(copy);
          copy.getBoundingClientRect();
          plain.push(performance.now() - started);
          copy.replaceWith(pre);
        }
        return { draw, build, jump, plain, rows: pre.querySelectorAll(".raw-line").length };
      },
      { runs, text: visibleLaneText() },
    );
    return createFigure({
      name: "raw-view-draw-ms",
      value: percentile(times.draw, 50),
      unit: "ms",
      goal: { op: "<=", limit: 16 },
      anchor: {
        label: "the same text as one plain text node",
        value: median(times.plain),
        unit: "ms",
        samples: times.plain,
      },
      samples: times.draw,
      parts: { "decode, lines and DOM": median(times.build), layout: median(times.draw) - median(times.build) },
      note: `${ended.chunks} chunks, ${ended.bytes} B, ${times.rows} rows in the DOM; median of ${runs} redraws (p95 ${percentile(times.draw, 95).toFixed(1)} ms), rows that did not change kept; scrolled to the other half of the lane, every row in view new: ${percentile(times.jump, 50).toFixed(1)} ms (p95 ${percentile(times.jump, 95).toFixed(1)} ms)`,
    });
  } finally {
    await browser.close();
    await host.stop();
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

export async function measureRawView(): Promise<Figure[]> {
  return [measureDecode(), await measureDraw()];
}
