/**
 * The runner's memory is watched: past its limit the timeline says so, naming what it still
 * serves, and the runner is replaced by a fresh one once those requests have ended, with the last
 * good version serving again.
 */

import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { inlineSnippetPath } from "./support/timeline.ts";

const startRunner = runnerPerTest();

// The 200 MB are filled a slice per turn of the event loop: some machines take over a second to
// fault that much memory in, and a loop held that long is a blocked one (the watchdog's), not this test's.
const hoarder = `const held: Uint8Array[] = [];
export default async (req: Request) => {
  const path = new URL(req.url).pathname;
  if (path === "/fill") {
    const block = new Uint8Array(200 * 1024 * 1024);
    const slice = 8 * 1024 * 1024;
    for (let at = 0; at < block.length; at += slice) {
      block.fill(1, at, at + slice);
      await Bun.sleep(0);
    }
    held.push(block);
    return new Response(\`holding \${held.length}\`);
  }
  if (path === "/slow")
    return new Response(new ReadableStream({ async start(c) { await Bun.sleep(4000); c.enqueue("done"); c.close(); } }));
  return new Response(\`held \${held.length}\`);
};
`;

describe("the runner's memory", () => {
  test("past its limit the timeline says so, and the runner is replaced once the streams it serves have ended", async () => {
    const { runner, log } = await startRunner({ memoryLimitMb: 150 });
    expect((await runner.load(hoarder, inlineSnippetPath)).kind).toBe("loaded");
    const warned = log.next(
      (event): event is Extract<TimelineEvent, { kind: "log" }> => event.kind === "log" && event.level === "warn",
    );
    const restarted = log.next(
      (event): event is Extract<TimelineEvent, { kind: "restarted" }> => event.kind === "restarted",
    );
    const slow = fetch(new URL("/slow", runner.url)).then((response) => response.text());
    await Bun.sleep(100);
    expect(await (await fetch(new URL("/fill", runner.url))).text()).toBe("holding 1");

    const warning = await warned;
    // Memory is read once a second: while /fill is still filling (and is named too), or after.
    expect(warning.text).toMatch(
      /^the runner holds \d+ MB \(the JavaScript heap \d+ MB\), over its limit of 150 MB \(STREAM_PLAYGROUND_MEMORY_LIMIT_MB\); it is replaced by a fresh one once (the request it serves has ended: GET \/slow \(request 1, v1\)|the 2 requests it serves have ended: GET \/slow \(request 1, v1\), GET \/fill \(request 2, v1\))$/,
    );
    expect(await slow).toBe("done");
    const replaced = await restarted;
    expect(replaced).toMatchObject({ cause: "recycle" });
    expect(replaced.reason).toMatch(/^the runner held \d+ MB, over its limit of 150 MB; replaced by a fresh one$/);
    // Not before the stream it was serving had ended.
    const end = log.events.find((event) => event.kind === "end" && event.requestId === 1)!;
    expect(replaced.t).toBeGreaterThan(end.t);
    // The same version serves again, in a runner that holds nothing.
    expect(await (await fetch(runner.url)).text()).toBe("held 0");
    expect(log.events.filter((event) => event.kind === "log" && event.level === "warn")).toHaveLength(1);
  }, 30_000);
});
