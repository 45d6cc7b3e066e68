/**
 * The runtime side of "the editor agrees with Bun": the snippets written from Bun's and Deno's
 * documented APIs (tests/fixtures/snippets/documented), which the editor and tsc accept
 * (tests/editor-types.test.ts), load in the runner and answer with a streaming body.
 */

import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createRunner } from "../src/supervisor/supervisor.ts";

const folder = join(import.meta.dir, "fixtures", "snippets", "documented");

/** The path each snippet streams on, where it is not `/`, and the status it answers a plain GET with. */
const requests: Record<string, { path?: string; status?: number }> = {
  "bun-sse-routes.ts": { path: "/events" },
  "bun-sse-readable-stream.ts": { path: "/events" },
  // A WebSocket endpoint answers a plain request with 426; the upgrade itself is Deno-only.
  "deno-upgrade-websocket.ts": { status: 426 },
};

/** The first bytes of the response to GET `url`, then lets the response go. */
async function firstChunk(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return { status: response.status, text: new TextDecoder().decode(value ?? new Uint8Array()) };
}

describe("the documented snippets in the runner", () => {
  test("each loads and streams its first chunk", async () => {
    const names = readdirSync(folder)
      .filter((name) => name.endsWith(".ts"))
      .sort();
    const runner = createRunner({ onEvent: () => {}, cleanupGraceMs: 3_000 });
    await runner.start();
    const results: Record<string, unknown> = {};
    try {
      for (const name of names) {
        const path = join(folder, name);
        const load = await runner.load(await Bun.file(path).text(), path);
        if (load.kind !== "loaded") {
          results[name] = { load: load.kind, message: load.message };
          continue;
        }
        const { status, text } = await firstChunk(new URL(requests[name]?.path ?? "/", load.url).href);
        results[name] = { load: load.kind, status, body: text.length > 0 };
      }
    } finally {
      await runner.stop();
    }
    expect(results).toEqual(
      Object.fromEntries(
        names.map((name) => [name, { load: "loaded", status: requests[name]?.status ?? 200, body: true }]),
      ),
    );
  }, 60_000);
});
