/**
 * Framework apps in the playground answer as they do under plain Bun: the same status, the same
 * message headers and the same body bytes, request for request. The oracle is the same fixture
 * run by `bun` without the playground (`fixtures/frameworks/oracle-fixture.ts`).
 */

import { describe, expect, test } from "bun:test";
import http from "node:http";
import { join } from "node:path";
import type { SnippetForm } from "../src/contract/index.ts";
import { answerOf, startOracle } from "./support/oracle.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { ofKind } from "./support/timeline.ts";

const startRunner = runnerPerTest();
const frameworks = join(import.meta.dir, "fixtures", "frameworks");

interface Case {
  fixture: string;
  form: SnippetForm;
  requests: { path: string; init?: RequestInit }[];
}

const cases: Case[] = [
  { fixture: "hono.ts", form: "default-app", requests: [{ path: "/" }, { path: "/text" }, { path: "/missing" }] },
  {
    fixture: "express.ts",
    form: "node-http",
    requests: [
      { path: "/json" },
      { path: "/missing" },
      { path: "/echo", init: { method: "POST", headers: { "content-type": "text/plain" }, body: "pen" } },
    ],
  },
  { fixture: "node-http.ts", form: "node-http", requests: [{ path: "/" }, { path: "/stream" }] },
  { fixture: "elysia.ts", form: "library-serve", requests: [{ path: "/" }, { path: "/count" }, { path: "/missing" }] },
  {
    fixture: "itty-router.ts",
    form: "default-app",
    requests: [{ path: "/" }, { path: "/stream" }, { path: "/missing" }],
  },
  { fixture: "h3.ts", form: "default-app", requests: [{ path: "/" }, { path: "/stream" }, { path: "/missing" }] },
  // Fastify's Getting Started, in each form its guide shows.
  { fixture: "fastify-callback.ts", form: "node-http", requests: [{ path: "/" }, { path: "/missing" }] },
  { fixture: "fastify-async-start.ts", form: "node-http", requests: [{ path: "/" }] },
  { fixture: "fastify-stream.ts", form: "node-http", requests: [{ path: "/" }, { path: "/stream" }] },
  { fixture: "koa-stream.ts", form: "node-http", requests: [{ path: "/" }] },
];

describe("framework apps answer as under plain Bun", () => {
  test.each(cases.map((c) => [c.fixture, c] as const))(
    "%s",
    async (_name, { fixture, form, requests }) => {
      const path = join(frameworks, fixture);
      const { runner } = await startRunner();
      const load = await runner.load(await Bun.file(path).text(), path);
      expect({ kind: load.kind, form: load.kind === "loaded" ? load.form : load.message }).toEqual({
        kind: "loaded",
        form,
      });
      await using oracle = await startOracle(path);
      for (const { path: requestPath, init } of requests) {
        const [played, plain] = await Promise.all([
          answerOf(new URL(requestPath, runner.url).href, init),
          answerOf(new URL(requestPath, oracle.url).href, init),
        ]);
        // Whole answers side by side, so a difference names the request it is in.
        expect({ path: requestPath, ...played }).toEqual({ path: requestPath, ...plain });
      }
    },
    30_000,
  );
});

/**
 * Opens `url`, reads for `ms`, then closes the connection as a client closing its own does: right
 * after a chunk is read, with nothing unread. A close with bytes still unread is a reset (the kernel
 * sends RST, not FIN), which plain Bun's `node:http` reports as `read ECONNRESET` and the relay does
 * not tell apart (README); left on a timer that falls when the app writes, a busy machine turned
 * some closes into resets.
 */
function readThenLeave(url: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      const started = performance.now();
      response.on("data", () => {
        if (performance.now() - started < ms) return;
        request.destroy();
        resolve();
      });
    });
    request.on("error", reject);
  });
}

describe("a framework's own error handling sees what it sees under plain Bun", () => {
  test("a client leaving a Koa stream: the app's error handler gets the same errors", async () => {
    const path = join(frameworks, "koa-stream.ts");
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(path).text(), path);
    await using oracle = await startOracle(path);
    await Promise.all([
      readThenLeave(new URL("/stream", runner.url).href, 200),
      readThenLeave(new URL("/stream", oracle.url).href, 200),
    ]);
    const koaErrors = (lines: string[]) => lines.filter((line) => line.includes("koaError"));
    const played = () => koaErrors(ofKind(log.events, "log").map((event) => event.text));
    // Both sides report within a moment of the close: wait for the plain one, then compare.
    for (let waited = 0; koaErrors(oracle.printed()).length === 0 && waited < 2_000; waited += 20) await Bun.sleep(20);
    await Bun.sleep(200);
    expect(played()).toEqual(koaErrors(oracle.printed()));
    expect(played()).toEqual(['{"koaError":"Premature close"}']);
  }, 30_000);
});
