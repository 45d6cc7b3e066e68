import { describe, expect, test } from "bun:test";
import { openClient } from "../src/clients/index.ts";
import { kind } from "./support/event-log.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { inlineSnippetPath, ofKind } from "./support/timeline.ts";

const startTestRunner = runnerPerTest();
const startRunner = () => startTestRunner({ topLevelTimeoutMs: 300 });

/** One request; resolves with the body text. */
async function get(url: string): Promise<string> {
  return (await fetch(url)).text();
}

const ticker = (label: string, ticks: number, gapMs: number) => `
export default () => new Response(async function* () {
  for (let i = 0; i < ${ticks}; i++) {
    yield "${label} " + i + "\\n";
    await Bun.sleep(${gapMs});
  }
});`;

describe("reload", () => {
  test("a stream opened before a reload finishes on its old version while new requests get the new one", async () => {
    const { runner, log } = await startRunner();
    expect((await runner.load(ticker("v1", 6, 30), inlineSnippetPath)).kind).toBe("loaded");
    const firstChunk = log.next(kind("chunk", 1));
    const old = openClient({
      lane: 1,
      url: runner.url,
      client: "stream",
      now: () => performance.now(),
      emit: log.push,
    });
    await firstChunk;
    const port = runner.port;
    expect((await runner.load(ticker("v2", 2, 1), inlineSnippetPath)).kind).toBe("loaded");
    const fresh = openClient({
      lane: 2,
      url: runner.url,
      client: "stream",
      now: () => performance.now(),
      emit: log.push,
    });
    await Promise.all([old.done, fresh.done]);

    const versionsOn = (lane: number) => [...new Set(ofKind(log.events, "write", lane).map((w) => w.version))];
    const textOn = (lane: number) =>
      ofKind(log.events, "chunk", lane)
        .map((c) => c.text)
        .join("");
    expect({ lane1: versionsOn(1), lane2: versionsOn(2) }).toEqual({ lane1: [1], lane2: [2] });
    expect(textOn(1)).toBe("v1 0\nv1 1\nv1 2\nv1 3\nv1 4\nv1 5\n");
    expect(textOn(2)).toBe("v2 0\nv2 1\n");
    expect(runner.port).toBe(port);
  });

  test("a failed load keeps the previous version serving and reports the position", async () => {
    const { runner } = await startRunner();
    await runner.load(`export default () => new Response("good");`, inlineSnippetPath);
    const failed = await runner.load(`export default () => {\n  return new Response("bad" +);\n};`, inlineSnippetPath);
    expect(failed).toMatchObject({ kind: "load-error", version: 2, failure: "syntax", line: 2, serving: 1 });
    expect(await get(runner.url)).toBe("good");
    expect(runner.serving).toBe(1);
  });

  test.each([
    [
      "a missing module, named",
      `import x from "no-such-module-here";\nexport default () => new Response(x);`,
      { failure: "module-not-found", module: "no-such-module-here", line: 1 },
    ],
    [
      "a throw at the top level",
      `const ready = false;\n\nif (!ready) throw new Error("not ready");\nexport default () => new Response("x");`,
      { failure: "top-level-throw", message: "Error: not ready", line: 3 },
    ],
    ["no handler", `export const value = 1;`, { failure: "no-handler", line: 1, column: 1 }],
    [
      "an await that never settles",
      `await new Promise(() => {});\nexport default () => new Response("x");`,
      { failure: "top-level-timeout" },
    ],
  ])("%s is a load error", async (_name, source, expected) => {
    const { runner } = await startRunner();
    expect(await runner.load(source, inlineSnippetPath)).toMatchObject({ kind: "load-error", ...expected });
  });

  test("every load gets a new version number and the same address", async () => {
    const { runner } = await startRunner();
    const url = runner.url;
    const versions = [];
    for (let i = 0; i < 5; i++) {
      const event = await runner.load(`export default () => new Response("${i}");`, inlineSnippetPath);
      versions.push(event.version);
      expect(await get(url)).toBe(String(i));
    }
    expect(versions).toEqual([1, 2, 3, 4, 5]);
  });

  test("the runner is recycled when idle after many imports, keeping its port and the live version", async () => {
    const { runner, log } = await startTestRunner({ recycleAfterLoads: 3 });
    const port = runner.port;
    const firstPid = runner.pid;
    for (let i = 0; i < 3; i++) await runner.load(`export default () => new Response("${i}");`, inlineSnippetPath);
    const recycled = log.next(kind("restarted"));
    await runner.load(`export default () => new Response("after");`, inlineSnippetPath);
    expect((await recycled).cause).toBe("recycle");
    expect(runner.pid).not.toBe(firstPid);
    expect(runner.port).toBe(port);
    expect(await get(runner.url)).toBe("after");
  });
});
