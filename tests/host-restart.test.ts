/**
 * Restart server: a fresh runner serves the last good version on the same port, and what the
 * snippet left running (an interval logging for ever, a stream still open) ends with the old one.
 */

import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { openPage } from "./support/page-socket.ts";
import { startTestHost } from "./support/test-host.ts";

/** `/leak` starts an interval nobody clears; `/open` keeps a stream open; `/` answers. */
const leaky = `export default (req: Request) => {
  const path = new URL(req.url).pathname;
  if (path === "/leak") {
    setInterval(() => console.log("still here"), 20);
    return new Response("leaking");
  }
  if (path === "/open") return new Response(new ReadableStream({ start(c) { c.enqueue("open\\n"); } }));
  return new Response("fresh");
};
`;

const logs = (events: readonly TimelineEvent[]) =>
  events.filter((event) => event.kind === "log" && event.text.includes("still here")).length;

describe("Restart server", () => {
  test("ends what the snippet left running, and the last version serves again on the same port", async () => {
    await using host = await startTestHost();
    const page = await openPage(host);
    const loaded = await page.request("load", { source: leaky });
    if (loaded.kind !== "loaded") throw new Error(loaded.message);
    const url = host.session.runnerUrl;
    expect(await (await fetch(new URL("/leak", url))).text()).toBe("leaking");
    const open = await fetch(new URL("/open", url));
    const reader = open.body!.getReader();
    await reader.read();
    await page.until(() => (logs(page.events) >= 5 ? true : undefined));

    await page.request("restart-runner", {});
    const restarted = await page.until(() => page.events.find((event) => event.kind === "restarted"));
    expect(restarted).toMatchObject({ cause: "requested", version: loaded.version });
    // The stream the old runner served ended with it, and says why.
    const abort = await page.until(() =>
      page.events.find((event) => event.kind === "abort" && event.cause === "runner-lost"),
    );
    expect(abort).toMatchObject({ detail: expect.stringContaining("restarted on request") });
    expect((await reader.read().catch(() => ({ done: true }))).done).toBe(true);
    // Nothing logs any more, and the same version answers on the same URL.
    const after = logs(page.events);
    await Bun.sleep(300);
    expect(logs(page.events)).toBe(after);
    expect(host.session.runnerUrl).toBe(url);
    expect(await (await fetch(url)).text()).toBe("fresh");
  }, 30_000);
});
