/**
 * Framework apps pasted into the page as their docs write them, run with Ctrl+S, and connected from
 * the client controls: both sides reach the table, as for a plain handler. The snippet is an
 * untitled one, so its imports resolve through the workspace's link to the playground's packages.
 */

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { pasteAndRun, showOnly, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "frameworks");

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

/** Connects one client to `path`, disconnecting it after `ms`. */
async function connect(page: Page, path: string, ms: number): Promise<void> {
  await page.fill("#client-path", path);
  await page.fill("#client-disconnect-after", String(ms));
  await page.click("#connect");
}

describe("framework apps pasted into the page", () => {
  test.each([
    ["Hono's streamSSE", "hono.ts", "/sse", /^1 client sse /],
    ["Express with res.write and req.on('close')", "express.ts", "/events", /^1 client sse /],
    ["node:http createServer().listen()", "node-http.ts", "/", /^1 client chunk /],
    ["Elysia's generator route and listen()", "elysia.ts", "/count", /^1 client chunk /],
  ] as const)(
    "%s loads, streams, and shows both sides",
    async (_name, file, path, clientRow) => {
      const page = await playground.open();
      await pasteAndRun(page, readFileSync(join(fixtures, file), "utf8"));
      expect(await page.textContent("#status")).toMatch(/v2 live/);
      await connect(page, path, 600);
      // The table lays out the rows in view only, and more may follow the one waited for: one kind
      // at a time keeps it in view.
      await showOnly(page, { kind: clientRow.source.includes("sse") ? "sse" : "chunk" });
      await waitForRow(page, clientRow);
      await showOnly(page, { kind: "disconnect" });
      await waitForRow(page, /^1 client disconnect /);
      // The table shows the rows in view: filter it to each kind in turn, as a person would.
      const lane1Has = async (kind: string) => {
        await showOnly(page, { lane: "1", kind });
        // The table redraws a moment after its filter changes.
        return waitForRow(page, new RegExp(`^1 \\S+ ${kind} `), 5_000).then(
          () => true,
          () => false,
        );
      };
      expect({
        request: await lane1Has("request"),
        write: await lane1Has("write"),
        clientData: (await lane1Has("chunk")) && (clientRow.source.includes("sse") ? await lane1Has("sse") : true),
        errorMarkers: await page.evaluate(() =>
          window
            .monaco!.editor.getModelMarkers({})
            .filter((m) => m.severity === 8)
            .map((m) => m.message),
        ),
      }).toEqual({ request: true, write: true, clientData: true, errorMarkers: [] });
    },
    60_000,
  );
});
