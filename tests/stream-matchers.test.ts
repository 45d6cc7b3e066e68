/** The `bun test` import, used as its README section uses it: by the package's name. */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseExpectationFile, errorMessage } from "../src/contract/index.ts";
import { examplesDir } from "../src/main/examples.ts";
import { streamMatchers, traceStream } from "stream-playground/testing";
import { inlineSnippetPath } from "./support/timeline.ts";

expect.extend(streamMatchers);

const ticker = `export default () => new Response(async function* () {
  yield "event: hello\\ndata: hi\\n\\n";
  for (let i = 1; i <= 3; i++) {
    await Bun.sleep(30);
    yield "data: tick " + i + "\\n\\n";
  }
}, { headers: { "content-type": "text/event-stream" } });`;

describe("traceStream and the stream matchers", () => {
  test("a snippet's timeline meets the matchers that hold, and .not turns them round", async () => {
    const timeline = await traceStream({ snippet: inlineSnippetPath, source: ticker, clients: 2 });
    expect(timeline.load?.kind).toBe("loaded");
    expect(timeline).toHaveEvent(
      { kind: "sse", event: "hello" },
      { after: { kind: "open" }, withinMs: 1_000, eachLane: true },
    );
    expect(timeline).toHaveEvent({ kind: "sse", data: { match: "^tick \\d$" } }, { count: 3, eachLane: true });
    expect(timeline).toHaveNoEvent({ kind: "leak" });
    expect(timeline).not.toHaveEvent({ kind: "sse", event: "bye" });
    expect(timeline).toHaveEventsInOrder(
      [{ kind: "open" }, { kind: "sse", event: "hello" }, { kind: "end" }, { kind: "disconnect", by: "server" }],
      { eachLane: true },
    );
    expect(timeline).toHaveSameEventsOnEveryLane({ kind: "sse" }, { compare: ["event", "data"] });
    expect(timeline).toEndOnItsVersion();
    expect(timeline).toHaveEventsAtMostApart({ kind: "sse" }, 5_000);
  }, 20_000);

  test("a failing matcher's message is the report: what was wanted and the nearest miss", async () => {
    const timeline = await traceStream({ snippet: inlineSnippetPath, source: ticker });
    let message = "";
    try {
      expect(timeline).toHaveEvent({ kind: "sse", data: "tick 4" });
    } catch (error) {
      message = errorMessage(error);
    }
    expect(message).toContain('expected: sse with data "tick 4"');
    expect(message).toContain('✗ 1  sse with data "tick 4"');
    expect(message).toContain('data is "tick 1", wanted "tick 4"');
  }, 20_000);

  test("any URL: the client side of another server, NDJSON lines matched by their values", async () => {
    await using server = Bun.serve({
      port: 0,
      fetch: () =>
        new Response('{"token":"Hel","done":false}\n{"token":"lo","done":true}\n', {
          headers: { "content-type": "application/x-ndjson" },
        }),
    });
    const timeline = await traceStream({ url: server.url.href });
    expect(timeline.load).toBeUndefined();
    expect(timeline).toHaveEvent({ kind: "open", external: true });
    expect(timeline).toHaveEventsInOrder([
      { kind: "json-line", "value.token": "Hel" },
      { kind: "json-line", "value.done": true },
    ]);
    expect(timeline).toHaveNoEvent({ kind: "json-line", error: { exists: true } });
  });

  test("a lesson's expectation file, by its path, with its own trace settings", async () => {
    const path = join(examplesDir, "04-sse-readable-stream.expect.json");
    const read = parseExpectationFile(await Bun.file(path).text());
    if (!read.ok) throw new Error(read.problem);
    const timeline = await traceStream({ snippet: join(examplesDir, "04-sse-readable-stream.ts"), ...read.file.trace });
    expect(timeline).toMeetExpectations(path);
  }, 20_000);
});
