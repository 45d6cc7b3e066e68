/**
 * The page shows a compressed body as it travelled and a quiet stream's end as Bun's idle timeout:
 * the table's chunk is the gzip bytes with what they decoded to, the Raw stream has the decoded
 * text a choice away, and the abort and the client's reset both name the idle timeout.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { TimelineEvent } from "../../src/contract/index.ts";
import { openPage } from "../support/page-socket.ts";
import { artifactsDir } from "./chromium.ts";
import { usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

const gzipStream = `export default () => {
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue("data: one\\n\\n");
      controller.enqueue("data: two\\n\\n");
      controller.close();
    },
  });
  return new Response(stream.pipeThrough(new TextEncoderStream()).pipeThrough(new CompressionStream("gzip")), {
    headers: { "Content-Type": "text/event-stream", "Content-Encoding": "gzip" },
  });
};
`;

const quietStream = `export default (req: Request, server: Bun.Server<undefined>) => {
  server.timeout(req, 2);
  return new Response(new ReadableStream({ start(controller) { controller.enqueue("data: hello\\n\\n"); } }), {
    headers: { "Content-Type": "text/event-stream" },
  });
};
`;

/** Loads `source` for every page, connects a stream client from the page's controls, and waits for it to end. */
async function connectAndEnd(page: Page, source: string): Promise<void> {
  const socket = await openPage(playground.host);
  const loaded = await socket.request("load", { source });
  if (loaded.kind !== "loaded") throw new Error(`did not load: ${loaded.message}`);
  await page.selectOption("#client-kind", "stream");
  await page.click("#connect");
  await socket.event((e): e is Extract<TimelineEvent, { kind: "disconnect" }> => e.kind === "disconnect");
}

/** Table rows of one kind, as `detail` text. */
async function detailsOf(page: Awaited<ReturnType<typeof playground.open>>, kind: string): Promise<string[]> {
  await page.selectOption('[aria-label="Filter by kind"]', kind);
  return page.$$eval(".events-table tr[data-index] td.detail", (cells) => cells.map((cell) => cell.textContent ?? ""));
}

describe("the wire as it was", () => {
  test("a gzip event stream: the chunk is the gzip bytes and what they decoded to; the Raw stream decodes on request", async () => {
    const page = await playground.open();
    await connectAndEnd(page, gzipStream);
    const [chunk] = await detailsOf(page, "chunk");
    expect(chunk).toMatch(/^\d+ B gzip → 22 B "data: one\\n\\ndata: two\\n\\n"$/);
    expect(await detailsOf(page, "sse")).toEqual(['message "one"', 'message "two"']);
    const [headers] = await detailsOf(page, "headers");
    expect(headers).toContain("gzip-encoded: events are read from the decoded bytes");

    await page.click("#tab-raw");
    await page.waitForSelector(".raw-stream .chunk-edge");
    expect(await page.textContent(".raw-note")).toBe("gzip on the wire: choose Decoded to read it");
    await page.selectOption('[aria-label="Show the raw stream as"]', "decoded");
    await page.waitForFunction(() => document.querySelector(".raw-stream")?.textContent?.includes("data: two"));
    expect(await page.textContent(".raw-note")).toBe("decoded from gzip; the wire carried the compressed bytes");
    await page.screenshot({ path: join(artifactsDir, "wire-truth-raw-decoded.png") });
  }, 30_000);

  test("a quiet stream closed by Bun's idle timeout: the abort and the client's reset both say so", async () => {
    const page = await playground.open();
    await connectAndEnd(page, quietStream);
    const [abort] = await detailsOf(page, "abort");
    expect(abort).toStartWith("req.signal aborted: Bun's idle timeout closed the connection");
    const [disconnect] = await detailsOf(page, "disconnect");
    expect(disconnect).toContain("because Bun's idle timeout (server.timeout(req, 2)) closed it");
    await page.selectOption('[aria-label="Filter by kind"]', "");
    await page.click("#timeline-fit");
    await page.screenshot({ path: join(artifactsDir, "wire-truth-idle-timeout.png") });
  }, 30_000);
});
