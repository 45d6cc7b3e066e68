/**
 * A request from outside the playground (curl, the user's own app) to the snippet the page serves
 * is drawn on a lane of its own, named as an outside client, beside the page's own clients.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openPage } from "../support/page-socket.ts";
import { artifactsDir } from "./chromium.ts";
import { showOnly, usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

const ticks = `export default () => {
  const body = async function* () {
    for (let i = 1; i <= 3; i++) {
      yield \`data: tick \${i}\\n\\n\`;
      await Bun.sleep(100);
    }
  };
  return new Response(body(), { headers: { "content-type": "text/event-stream" } });
};
`;

describe("outside clients", () => {
  test("a request from outside gets a lane of its own, marked outside, with the server's side of it", async () => {
    const page = await playground.open();
    const socket = await openPage(playground.host);
    const loaded = await socket.request("load", { source: ticks });
    if (loaded.kind !== "loaded") throw new Error(`did not load: ${loaded.message}`);
    // As curl -N would, from outside the page and the host.
    const text = await (await fetch(new URL("/events", playground.host.session.runnerUrl))).text();
    expect(text).toBe("data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n");

    await waitForRow(
      page,
      /^1 client open stream GET http:\/\/127\.0\.0\.1:\d+\/events \(outside client from 127\.0\.0\.1:\d+/,
    );
    await waitForRow(page, /^1 server end 3 writes, 42 B$/);
    // The table shows the rows in view only: one kind at a time keeps the row asked for in view.
    await showOnly(page, { kind: "request" });
    await waitForRow(page, /^1 server request GET \/events → v\d+ from 127\.0\.0\.1:\d+$/);
    await showOnly(page, { kind: "" });
    const lanes = await page.$$eval('[aria-label="Filter by lane"] option', (options) =>
      options.map((option) => option.textContent),
    );
    expect(lanes).toEqual(["all lanes", "runner (0)", "outside 1"]);
    await page.screenshot({ path: join(artifactsDir, "outside-client-lane.png") });
  }, 30_000);
});
