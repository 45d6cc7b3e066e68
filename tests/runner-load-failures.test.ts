import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  createEndpoint,
  runnerRequestChecks,
  type LoadResult,
  type NoPushes,
  type NoRequests,
  type RunnerRequests,
  type TimelineEvent,
} from "../src/contract/index.ts";
import { methodExportsProblem } from "../src/runner/method-exports.ts";
import { runnerBunPath } from "../src/supervisor/runner-bun.ts";
import { kind } from "./support/event-log.ts";
import { startOracle } from "./support/oracle.ts";
import { createTempDir } from "./support/temp-dir.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { inlineSnippetPath } from "./support/timeline.ts";

const startRunner = runnerPerTest();

const good = `export default () => new Response("good");`;

/** Every way a load can fail, with what its load-error says. */
const failures: [string, string, Record<string, unknown>][] = [
  ["a syntax error", `export default () => {\n  return new Response("bad" +);\n};`, { failure: "syntax", line: 2 }],
  [
    "a missing module",
    `import x from "no-such-module-here";\nexport default () => new Response(x);`,
    { failure: "module-not-found", module: "no-such-module-here", line: 1 },
  ],
  [
    "a throw at the top level",
    `\n\nthrow new Error("not ready");\nexport default () => new Response("x");`,
    { failure: "top-level-throw", message: "Error: not ready", line: 3 },
  ],
  [
    "an await at the top level that never settles",
    `await new Promise(() => {});\nexport default () => new Response("x");`,
    { failure: "top-level-timeout" },
  ],
  ["no handler", `export const value = 1;`, { failure: "no-handler", line: 1 }],
  [
    "top-level code that blocks the event loop",
    `while (true) {}\nexport default () => new Response("never");`,
    { failure: "runner-lost" },
  ],
  [
    "process.exit at the top level",
    `\nprocess.exit(1);\nexport default () => new Response("never");`,
    { failure: "runner-lost", line: 2 },
  ],
  [
    "a route Bun refuses in server.reload",
    `export default {\n  routes: {\n    "api": () => new Response("x"),\n  },\n};`,
    {
      failure: "invalid-handler",
      message: `Bun refused the snippet's handlers: Invalid route "api". Path must start with '/'`,
      line: 3,
    },
  ],
];

const loadEventsOf = (events: readonly TimelineEvent[], version: number) =>
  events.filter((e) => (e.kind === "loaded" || e.kind === "load-error") && e.version === version);

describe("every load is answered", () => {
  test("each way a load can fail gets exactly one load-error, and the previous version keeps serving", async () => {
    const { runner, log } = await startRunner({ topLevelTimeoutMs: 300 });
    expect((await runner.load(good, inlineSnippetPath)).kind).toBe("loaded");
    const outcomes = [];
    for (const [name, source] of failures) {
      const event = await runner.load(source, inlineSnippetPath);
      outcomes.push({ name, event, serves: await (await fetch(runner.url)).text() });
    }
    // A later load is not stuck behind any of them.
    const after = await runner.load(`export default () => new Response("after");`, inlineSnippetPath);
    expect(
      outcomes.map(({ name, event, serves }) => ({
        name,
        serves,
        answers: loadEventsOf(log.events, event.version).length,
        event: event.kind,
      })),
    ).toEqual(failures.map(([name]) => ({ name, serves: "good", answers: 1, event: "load-error" })));
    outcomes.forEach(({ event }, index) => {
      expect(event).toMatchObject({ kind: "load-error", serving: 1, ...failures[index]![2] });
    });
    expect({ after: after.kind, serves: await (await fetch(runner.url)).text() }).toEqual({
      after: "loaded",
      serves: "after",
    });
  }, 20_000);

  test("a load the runner does not answer in time counts as a lost runner: restarted, the last good version reloaded, a load-error", async () => {
    const { runner, log } = await startRunner({
      entry: join(import.meta.dir, "fixtures/silent-runner-fixture.ts"),
      topLevelTimeoutMs: 100,
      replyTimeoutMs: 200,
    });
    expect((await runner.load(good, inlineSnippetPath)).kind).toBe("loaded");
    const firstPid = runner.pid;
    const restarted = log.next(kind("restarted"));
    const failed = await runner.load(good, inlineSnippetPath);
    expect(failed).toMatchObject({
      kind: "load-error",
      version: 2,
      failure: "runner-lost",
      message: `the runner did not answer "load" within 300 ms`,
      serving: 1,
    });
    expect(await restarted).toMatchObject({
      cause: "unanswered",
      version: 1,
      reason: `the runner did not answer "load" within 300 ms while loading v2; restarted and reloaded v1`,
    });
    expect({
      pidChanged: runner.pid !== firstPid,
      serves: await (await fetch(runner.url)).text(),
      answers: loadEventsOf(log.events, 2).length,
    }).toEqual({
      pidChanged: true,
      serves: "v1",
      answers: 1,
    });
  });
});

describe("a framework's form the runner does not serve", () => {
  /**
   * Loads the fixture `name` (refused), then the same file with the line its error suggests added:
   * what that loads as, and what `path` streams from the runner and from plain Bun running it.
   */
  async function withSuggestedLine(name: string, path: string) {
    const { runner } = await startRunner();
    const file = join(import.meta.dir, "fixtures/snippets", name);
    const source = await Bun.file(file).text();
    const refused = await runner.load(source, file);
    const message = refused.kind === "load-error" ? refused.message : "";
    const suggested = /add: (export default .*;)$/.exec(message)?.[1];
    // The line added as the message says: it loads, and streams what plain Bun streams from the same file.
    await using folder = await createTempDir("suggested-line-");
    const fixed = join(folder.dir, name);
    await Bun.write(fixed, `${source}\n${suggested}\n`);
    const loaded = (await runner.load(await Bun.file(fixed).text(), fixed)).kind;
    await using oracle = await startOracle(fixed);
    const [traced, plain] = await Promise.all(
      [runner.url, oracle.url].map(async (url) => (await fetch(new URL(path, url))).text()),
    );
    return { refused, message, suggested, loaded, traced, plain };
  }

  test("Next.js's route handlers exported by method are a no-handler error at the GET's line, whose suggested line serves them as plain Bun does", async () => {
    const run = await withSuggestedLine("next-route-handler.ts", "/api/stream");
    expect(run.refused).toMatchObject({ kind: "load-error", failure: "no-handler", line: 31, column: 23 });
    expect(run.suggested).toBe(
      `export default { routes: { "/*": { GET } }, fetch: () => new Response("Not Found", { status: 404 }) };`,
    );
    expect({ loaded: run.loaded, traced: run.traced, plain: run.plain }).toEqual({
      loaded: "loaded",
      traced: "<p>One</p><p>Two</p><p>Three</p>",
      plain: "<p>One</p><p>Two</p><p>Three</p>",
    });
  }, 20_000);

  test("an Astro endpoint, whose handler takes the framework's context, gets a suggested line that builds it, and then streams as under plain Bun", async () => {
    const run = await withSuggestedLine("astro-endpoint.ts", "/api/count?to=4");
    expect(run.refused).toMatchObject({ kind: "load-error", failure: "no-handler", line: 5, column: 14 });
    expect(run.message).toContain("as SvelteKit and Astro write them");
    expect(run.suggested).toBe(
      `export default { routes: { "/*": { GET: (request) => GET({ request, url: new URL(request.url), params: {} }) } }, fetch: () => new Response("Not Found", { status: 404 }) };`,
    );
    expect({ loaded: run.loaded, traced: run.traced, plain: run.plain }).toEqual({
      loaded: "loaded",
      traced: "count 1\ncount 2\ncount 3\ncount 4\n",
      plain: "count 1\ncount 2\ncount 3\ncount 4\n",
    });
  }, 20_000);
});

describe("the line suggested for method exports", () => {
  test("wraps only the handlers that take a context; one that takes the Request is routed as it is", () => {
    const problem = methodExportsProblem(
      {
        GET: (_request: Request) => new Response("get"),
        POST: ({ request }: { request: Request }) => new Response(request.method),
      },
      "export function GET(request) {}\nexport const POST = ({ request }) => {};\n",
    );
    expect(/add: (export default .*;)$/.exec(problem?.message ?? "")?.[1]).toBe(
      `export default { routes: { "/*": { GET, POST: (request) => POST({ request, url: new URL(request.url), params: {} }) } }, fetch: () => new Response("Not Found", { status: 404 }) };`,
    );
  });
});

describe("the runner process itself", () => {
  test("answers every load over IPC exactly once, whatever the snippet does, and keeps serving the last good version", async () => {
    const replies: { replyId: unknown }[] = [];
    const entry = join(import.meta.dir, "../src/runner/runner-process.ts");
    const { promise: ready, resolve } = Promise.withResolvers<number>();
    const child = Bun.spawn([runnerBunPath(), entry], {
      env: { ...process.env, PLAYGROUND_RUNNER_PORT: "0" },
      stdio: ["ignore", "ignore", "ignore"],
      serialization: "json",
      ipc: (value: unknown) => {
        const message = value as { replyId?: unknown; payload?: { type?: unknown; port?: number } };
        if (message.replyId !== undefined) replies.push({ replyId: message.replyId });
        if (message.payload?.type === "ready") resolve(message.payload.port!);
        end.receive(value);
      },
    });
    const end = createEndpoint<RunnerRequests, NoRequests, NoPushes, NoPushes>({
      peer: "the runner",
      send: (message) => child.send(message),
      sends: runnerRequestChecks,
      timeouts: { default: 10_000 },
    });
    try {
      const port = await ready;
      await end.request("configure", { cleanupGraceMs: 100, topLevelTimeoutMs: 300 });
      const load = (version: number, source: string) =>
        end.request("load", { version, source, path: inlineSnippetPath });
      const results: LoadResult[] = [await load(1, good)];
      // The ones that end the process (blocking, process.exit) are the supervisor's to answer.
      const survivable = failures.filter(([, , expected]) => expected.failure !== "runner-lost");
      for (const [index, [, source]] of survivable.entries()) results.push(await load(index + 2, source));
      const serves = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect({
        failures: results.map((r): string => (r.ok ? "ok" : r.failure)),
        replies: replies.map((r) => r.replyId),
        serves,
      }).toEqual({
        failures: ["ok", ...survivable.map(([, , expected]) => String(expected.failure))],
        // configure, then one reply per load.
        replies: [1, 2, 3, 4, 5, 6, 7, 8],
        serves: "good",
      });
    } finally {
      child.kill("SIGKILL");
      await child.exited;
    }
  });
});
