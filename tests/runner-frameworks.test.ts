/**
 * Frameworks as their docs write them, traced on both sides like a plain handler: what the server
 * wrote, what the client received, and what happened when the client left early.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet, type TraceOptions } from "../src/supervisor/trace.ts";
import { createTempDir } from "./support/temp-dir.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { kindsOf, ofKind, only, receivedText, traceSource } from "./support/timeline.ts";

const frameworks = join(import.meta.dir, "fixtures", "frameworks");
const startRunner = runnerPerTest();
/** A trace of a framework app loads the framework first: more than bun test's default 5 s on a busy machine. */
const traceTimeoutMs = 20_000;

async function traceFramework(fixture: string, options: Omit<TraceOptions, "snippetPath" | "source"> = {}) {
  const result = await traceSnippet({ snippetPath: join(frameworks, fixture), ...options });
  if (result.load.kind !== "loaded") throw new Error(`${fixture} did not load: ${result.load.message}`);
  return { ...result, load: result.load };
}

/** Server writes as their text, in order. */
const writesOf = (events: readonly TimelineEvent[], lane = 1) => ofKind(events, "write", lane).map((w) => w.text);

/**
 * What arrived is what the server wrote, byte for byte, up to where the client left: a write made
 * as it was leaving may never reach it.
 */
function expectArrivedAsWritten(events: readonly TimelineEvent[]): void {
  const written = writesOf(events).join("");
  const received = receivedText(events);
  expect(received.length).toBeGreaterThan(0);
  expect(written.slice(0, received.length)).toBe(received);
}

/** The disconnect, abort, cancel and cleanup of lane 1, in time order, as kinds. */
function leaving(events: readonly TimelineEvent[]): string[] {
  return events
    .filter(
      (e) =>
        e.lane === 1 && (e.kind === "disconnect" || e.kind === "abort" || e.kind === "cancel" || e.kind === "cleanup"),
    )
    .map((e) => e.kind);
}

describe("Hono", () => {
  test(
    "export default app loads as a framework app and serves, though a Hono app has a routes array",
    async () => {
      const { load, events } = await traceFramework("hono.ts");
      expect({ form: load.form, notices: load.notices }).toEqual({ form: "default-app", notices: [] });
      expect({ status: only(events, "headers").status, text: receivedText(events) }).toEqual({
        status: 200,
        text: "Hello Hono!",
      });
    },
    traceTimeoutMs,
  );

  test.each([
    ["export default { fetch: app.fetch }", "export default { fetch: app.fetch };", "default-object"],
    ["export default app.fetch", "export default app.fetch;", "default-function"],
    ["Bun.serve({ port, fetch: app.fetch })", "Bun.serve({ port: 3000, fetch: app.fetch });", "bun-serve"],
    ["Deno.serve(app.fetch)", "Deno.serve(app.fetch);", "deno-serve"],
  ] as const)(
    "%s serves the app",
    async (_name, serving, form) => {
      const { load, events } = await traceSource(
        `import { Hono } from "hono";\nconst app = new Hono();\napp.get("/", (c) => c.text("hi from hono"));\n${serving}\n`,
      );
      expect({
        kind: load.kind,
        form: load.kind === "loaded" ? load.form : undefined,
        text: receivedText(events),
      }).toEqual({ kind: "loaded", form, text: "hi from hono" });
    },
    traceTimeoutMs,
  );

  test(
    "streamText: each writeln is a server write and arrives as a chunk",
    async () => {
      const { events } = await traceFramework("hono.ts", { path: "/text" });
      expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "write", "write", "write", "end"]);
      expect(writesOf(events)).toEqual(["one\n", "two\n", "three\n"]);
      expect(receivedText(events)).toBe("one\ntwo\nthree\n");
      expect(only(events, "disconnect").by).toBe("server");
    },
    traceTimeoutMs,
  );

  test(
    "streamSSE: events arrive parsed; a client that leaves gets abort, cancel, then onAbort as the stream's cleanup",
    async () => {
      const { events } = await traceFramework("hono.ts", { path: "/sse", disconnectAfterMs: 400 });
      const sse = ofKind(events, "sse", 1).map(({ event, id, data }) => ({ event, id, data }));
      expect(sse.length).toBeGreaterThanOrEqual(2);
      expect(sse).toEqual(sse.map((_, i) => ({ event: "tick", id: String(i), data: `tick ${i}` })));
      expectArrivedAsWritten(events);
      expect(leaving(events)).toEqual(["disconnect", "abort", "cancel", "cleanup"]);
      expect(only(events, "cleanup").via).toBe("stream-cancel");
      expect(only(events, "log")).toMatchObject({ text: "sse: client left", lane: 1, line: 22 });
      expect(ofKind(events, "leak")).toEqual([]);
      expect(ofKind(events, "error")).toEqual([]);
    },
    traceTimeoutMs,
  );

  test(
    "an interval started in a stream callback is reported as leaked, with its line",
    async () => {
      const { events } = await traceFramework("hono.ts", { path: "/leak", cleanupGraceMs: 500 });
      expect(writesOf(events)).toEqual(["started\n"]);
      expect(ofKind(events, "leak").map(({ what, line, lane }) => ({ what, line, lane }))).toEqual([
        { what: "interval", line: 36, lane: 1 },
      ]);
    },
    traceTimeoutMs,
  );

  test(
    "Hono's documented while (true) { writeSSE(); sleep() } loop is reported as still running after the client left",
    async () => {
      const { events } = await traceSource(
        [
          `import { Hono } from "hono";`,
          `import { streamSSE } from "hono/streaming";`,
          `const app = new Hono();`,
          `app.get("/", (c) => streamSSE(c, async (stream) => {`,
          `  while (true) {`,
          `    await stream.writeSSE({ data: new Date().toISOString() });`,
          `    await stream.sleep(100);`,
          `  }`,
          `}));`,
          `export default app;`,
        ].join("\n"),
        { disconnectAfterMs: 150, cleanupGraceMs: 500 },
      );
      expect(leaving(events)).toEqual(["disconnect", "abort", "cancel", "cleanup"]);
      const leak = only(events, "leak");
      expect({ what: leak.what, line: leak.line }).toEqual({ what: "timeout", line: 7 });
      expect(leak.detail).toContain("after the client left");
    },
    traceTimeoutMs,
  );
});

describe("Express", () => {
  test(
    "app.listen(3000) loads as node-http, with one notice: the port, and where it is served instead",
    async () => {
      const { load, events } = await traceFramework("express.ts", { path: "/json" });
      expect({ form: load.form, notices: load.notices }).toEqual({
        form: "node-http",
        notices: [
          {
            message: `listen()'s port 3000 is ignored in the playground: it serves this snippet at ${load.url}`,
            line: 40,
          },
        ],
      });
      // The listen callback runs, as it would on port 3000.
      expect(ofKind(events, "log").map((l) => l.text)).toEqual(["Express listening on port 3000"]);
    },
    traceTimeoutMs,
  );

  test(
    "res.json is one whole body, on both sides",
    async () => {
      const { events } = await traceFramework("express.ts", { path: "/json" });
      expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "write", "end"]);
      const response = only(events, "response");
      expect({ status: response.status, type: response.headers["content-type"], body: response.body }).toEqual({
        status: 200,
        type: "application/json; charset=utf-8",
        body: "whole",
      });
      expect(only(events, "write")).toMatchObject({ via: "body", text: '{"hello":"express"}', bytes: 19 });
      expect(receivedText(events)).toBe('{"hello":"express"}');
    },
    traceTimeoutMs,
  );

  test(
    "SSE: flushHeaders is the response, res.write the writes, and req.on('close') the cleanup after the client leaves",
    async () => {
      const { events } = await traceFramework("express.ts", { path: "/events", disconnectAfterMs: 400 });
      const server = kindsOf(events, "server", 1);
      expect(server.slice(0, 2)).toEqual(["request", "response"]);
      const response = only(events, "response");
      expect({
        status: response.status,
        type: response.headers["content-type"],
        cache: response.headers["cache-control"],
        body: response.body,
      }).toEqual({
        status: 200,
        type: "text/event-stream",
        cache: "no-cache",
        body: "stream",
      });
      const writes = ofKind(events, "write", 1);
      expect(writes.length).toBeGreaterThanOrEqual(2);
      expect(writes.map((w) => w.via)).toEqual(writes.map(() => "res-write"));
      const data = ofKind(events, "sse", 1).map((e) => e.data);
      expect(data).toEqual(data.map((_, i) => JSON.stringify({ count: i + 1 })));
      expectArrivedAsWritten(events);
      expect(leaving(events)).toEqual(["disconnect", "abort", "cancel", "cleanup"]);
      const cleanup = only(events, "cleanup");
      expect(cleanup.via).toBe("close-listener");
      expect(cleanup.afterMs).toBeLessThan(500);
      // clearInterval in the close listener: nothing leaks, and the res.end() there is no write to nobody.
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );

  test(
    "an interval nobody clears is reported with its line, and so are its writes to the client that left",
    async () => {
      const { events } = await traceFramework("express.ts", {
        path: "/leak",
        disconnectAfterMs: 130,
        cleanupGraceMs: 500,
      });
      expect(leaving(events)).toEqual(["disconnect", "abort", "cancel"]);
      const leaks = ofKind(events, "leak").map(({ what, line, lane }) => ({ what, line, lane }));
      expect(leaks).toEqual([
        { what: "stream", line: 28, lane: 1 },
        { what: "interval", line: 27, lane: 1 },
      ]);
    },
    traceTimeoutMs,
  );

  test(
    "a POST body reaches the handler through the relay",
    async () => {
      const { events } = await traceFramework("express.ts", {
        path: "/echo",
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "pen",
      });
      expect(only(events, "request")).toMatchObject({ method: "POST", path: "/echo" });
      expect(receivedText(events)).toBe("got pen");
    },
    traceTimeoutMs,
  );
});

describe("node:http", () => {
  test(
    "createServer(handler).listen(8001) serves, with a notice naming the real URL",
    async () => {
      const { load, events } = await traceFramework("node-http.ts");
      expect({ form: load.form, notices: load.notices }).toEqual({
        form: "node-http",
        notices: [
          {
            message: `listen()'s port 8001 is ignored in the playground: it serves this snippet at ${load.url}`,
            line: 25,
          },
        ],
      });
      expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "write", "end"]);
      expect(only(events, "write")).toMatchObject({ via: "res-write", text: "Hello World\n" });
      expect(receivedText(events)).toBe("Hello World\n");
    },
    traceTimeoutMs,
  );

  test(
    "writeHead is the response; every res.write and res.end(chunk) is a write, and arrives",
    async () => {
      const { events } = await traceFramework("node-http.ts", { path: "/stream" });
      expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "write", "write", "write", "write", "end"]);
      expect(only(events, "response")).toMatchObject({
        status: 200,
        headers: { "content-type": "text/plain" },
        body: "stream",
      });
      expect(writesOf(events)).toEqual(["chunk 1\n", "chunk 2\n", "chunk 3\n", "done\n"]);
      expect(receivedText(events)).toBe("chunk 1\nchunk 2\nchunk 3\ndone\n");
      expect(ofKind(events, "leak")).toEqual([]);
    },
    traceTimeoutMs,
  );

  test(
    "a request handler that throws answers 500 and the error is recorded at its line",
    async () => {
      const { events } = await traceFramework("node-http.ts", { path: "/boom" });
      expect(only(events, "error")).toMatchObject({ message: "handler failed", line: 19, during: "handler" });
      expect(only(events, "headers").status).toBe(500);
      expect(receivedText(events)).toContain("node-http.ts:19:");
    },
    traceTimeoutMs,
  );

  test(
    "server.address() and the listen callback see the playground's address",
    async () => {
      const { events } = await traceSource(
        `import http from "node:http";\nconst server = http.createServer((req, res) => res.end("ok"));\nserver.listen(8001, () => console.log(JSON.stringify(server.address())));\n`,
      );
      const loaded = events.find((e) => e.kind === "loaded");
      if (loaded?.kind !== "loaded") throw new Error("did not load");
      expect(JSON.parse(only(events, "log").text)).toEqual({
        address: "127.0.0.1",
        family: "IPv4",
        port: Number(new URL(loaded.url).port),
      });
      expect(receivedText(events)).toBe("ok");
    },
    traceTimeoutMs,
  );

  test("a response may stay quiet longer than Bun.serve's 10 s idle timeout, as under Bun's node:http", async () => {
    const { events } = await traceSource(
      `import http from "node:http";\nhttp.createServer((req, res) => {\n  res.write("before ");\n  setTimeout(() => res.end("after 13 s"), 13_000);\n}).listen(8001);\n`,
    );
    expect(receivedText(events)).toBe("before after 13 s");
    expect(only(events, "disconnect").by).toBe("server");
  }, 30_000);

  test(
    "the handler sees the client's request headers, not the runner's context header",
    async () => {
      const { events } = await traceSource(
        `import http from "node:http";\nhttp.createServer((req, res) => res.end(JSON.stringify({ raw: req.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()).sort(), custom: req.headers["x-custom"] }))).listen(8001);\n`,
        { headers: { "x-custom": "kept" } },
      );
      const seen = JSON.parse(receivedText(events)) as { raw: string[]; custom: string };
      expect(seen.custom).toBe("kept");
      expect(seen.raw.filter((name) => name.startsWith("x-stream-playground"))).toEqual([]);
    },
    traceTimeoutMs,
  );

  test(
    "the snippet's server, reached on its own loopback port without the runner, answers 421",
    async () => {
      const { events } = await traceSource(
        [
          `import http from "node:http";`,
          `const server = http.createServer((req, res) => res.end("served"));`,
          `server.listen(8001);`,
          `const internal = http.Server.prototype.address.call(server) as { port: number };`,
          `const answer = await fetch(\`http://127.0.0.1:\${internal.port}/\`);`,
          `console.log(answer.status);`,
        ].join("\n"),
      );
      expect(only(events, "log").text).toBe("421");
      expect(receivedText(events)).toBe("served");
    },
    traceTimeoutMs,
  );

  test(
    "a node:https server is a load error that says why, at its line",
    async () => {
      const { load } = await traceSource(
        `import https from "node:https";\n\nhttps.createServer({}, (req, res) => res.end("x")).listen(8443);\n`,
      );
      expect(load).toMatchObject({
        kind: "load-error",
        failure: "top-level-throw",
        line: 3,
        message:
          "Error: node:https servers are not served in the playground: it serves plain HTTP on 127.0.0.1; use createServer from node:http",
      });
    },
    traceTimeoutMs,
  );

  test(
    "listen() from a handler, after the snippet loaded, is refused with a reason",
    async () => {
      const { events } = await traceSource(
        `import http from "node:http";\nexport default () => {\n  http.createServer().listen(9000);\n  return new Response("unreachable");\n};\n`,
      );
      expect(only(events, "error")).toMatchObject({
        message:
          "server.listen() is only served when called while the snippet loads (at any depth, within 2 s of its top-level code finishing), not later from a handler or a timer",
        line: 3,
      });
    },
    traceTimeoutMs,
  );

  test(
    "listen() at any depth while the snippet loads is served: from a callback, after an await, from a timer",
    async () => {
      const forms = {
        "after an await in an async start()": `const start = async () => { await Bun.sleep(50); server.listen(3000); };\nstart();`,
        "from a timer": `setTimeout(() => server.listen(3000), 100);`,
        "from a promise callback": `Promise.resolve().then(() => server.listen(3000, () => console.log("listening")));`,
      };
      const answers: Record<string, unknown> = {};
      for (const [form, start] of Object.entries(forms)) {
        const { load, events } = await traceSource(
          `import http from "node:http";\nconst server = http.createServer((req, res) => res.end("served"));\n${start}\n`,
        );
        answers[form] = { load: load.kind, chunks: ofKind(events, "chunk").map((event) => event.text) };
      }
      expect(answers).toEqual(
        Object.fromEntries(Object.keys(forms).map((form) => [form, { load: "loaded", chunks: ["served"] }])),
      );
    },
    traceTimeoutMs,
  );

  test(
    "a snippet that starts nothing is a no-handler load error within the late-start wait",
    async () => {
      const started = performance.now();
      const { load } = await traceSource(`const x = 1;\nexport const y = x;\n`);
      expect(load).toMatchObject({ kind: "load-error", failure: "no-handler" });
      // The load waits 2 s for a server started late, and no longer.
      expect(performance.now() - started).toBeLessThan(2_000 + 3_000);
    },
    traceTimeoutMs,
  );
});

describe("reloading a node:http snippet", () => {
  test(
    "new requests reach the new version while a stream of the old one runs to its end",
    async () => {
      const { runner } = await startRunner();
      const version = (name: string) =>
        [
          `import http from "node:http";`,
          `http.createServer((req, res) => {`,
          `  if (req.url !== "/slow") return res.end("${name}");`,
          `  res.write("${name} begins\\n");`,
          `  setTimeout(() => res.end("${name} ends\\n"), 200);`,
          `}).listen(3000);`,
        ].join("\n");
      const path = join(frameworks, "reloaded.ts");
      expect((await runner.load(version("v1"), path)).kind).toBe("loaded");
      const slow = await fetch(new URL("/slow", runner.url));
      const reader = slow.body!.getReader();
      const first = await reader.read();
      expect((await runner.load(version("v2"), path)).kind).toBe("loaded");
      expect(await (await fetch(runner.url)).text()).toBe("v2");
      let rest = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        rest += new TextDecoder().decode(chunk.value);
      expect(new TextDecoder().decode(first.value) + rest).toBe("v1 begins\nv1 ends\n");
    },
    traceTimeoutMs,
  );
});

describe("Elysia", () => {
  test(
    "listen(3000) is served, with a notice about the port only, not the options Elysia passes to Bun.serve",
    async () => {
      const { load, events } = await traceFramework("elysia.ts", { path: "/count" });
      expect({ form: load.form, notices: load.notices }).toEqual({
        form: "library-serve",
        notices: [
          { message: `the server started here is served by the playground at ${load.url}, not on port 3000`, line: 12 },
        ],
      });
      expect(writesOf(events)).toEqual(["1\n", "2\n", "3\n"]);
      expect(receivedText(events)).toBe("1\n2\n3\n");
      expect(only(events, "end")).toMatchObject({ writes: 3, bytes: 6 });
    },
    traceTimeoutMs,
  );

  test(
    "a generator route cut short: Elysia's own listener on req.signal is not counted as the snippet's cleanup",
    async () => {
      const { events } = await traceSource(
        [
          `import { Elysia } from "elysia";`,
          `new Elysia()`,
          `  .get("/", async function* () {`,
          `    try {`,
          `      for (let i = 0; ; i++) {`,
          `        yield \`tick \${i}\\n\`;`,
          `        await Bun.sleep(40);`,
          `      }`,
          `    } finally {`,
          `      console.log("generator cleaned up");`,
          `    }`,
          `  })`,
          `  .listen(3000);`,
        ].join("\n"),
        { disconnectAfterMs: 100 },
      );
      expect(ofKind(events, "cleanup")).toEqual([]);
      expect(only(events, "abort").lane).toBe(1);
      // Elysia returns the generator when the client leaves; its finally runs at the next resume.
      expect(only(events, "log")).toMatchObject({ text: "generator cleaned up", line: 10, lane: 1 });
    },
    traceTimeoutMs,
  );

  test(
    "export default app serves as a framework app",
    async () => {
      const { load, events } = await traceSource(
        `import { Elysia } from "elysia";\nexport default new Elysia().get("/", () => "hi from elysia");\n`,
      );
      expect({
        kind: load.kind,
        form: load.kind === "loaded" ? load.form : undefined,
        text: receivedText(events),
      }).toEqual({ kind: "loaded", form: "default-app", text: "hi from elysia" });
    },
    traceTimeoutMs,
  );
});

describe("itty-router and h3", () => {
  test.each([["itty-router.ts"], ["h3.ts"]])(
    "%s: the default export's streamed route is written and received chunk by chunk",
    async (fixture) => {
      const { load, events } = await traceFramework(fixture, { path: "/stream" });
      expect(load.form).toBe("default-app");
      expect(writesOf(events)).toEqual(["a\n", "b\n"]);
      expect(ofKind(events, "chunk", 1).map((c) => c.text)).toEqual(["a\n", "b\n"]);
    },
    traceTimeoutMs,
  );

  test(
    "export default { ...router } serves its fetch; the spread routes array is not Bun's routes, as Bun leaves it",
    async () => {
      const { load, events } = await traceSource(
        `import { AutoRouter } from "itty-router";\nconst router = AutoRouter();\nrouter.get("/", () => "spread router");\nexport default { ...router };\n`,
      );
      expect({
        kind: load.kind,
        form: load.kind === "loaded" ? load.form : undefined,
        text: receivedText(events),
      }).toEqual({ kind: "loaded", form: "default-object", text: '"spread router"' });
    },
    traceTimeoutMs,
  );

  test(
    "h3's serve(app, { port }) is served, with a notice about where, not about the options it passes",
    async () => {
      const { load, events } = await traceSource(
        `import { H3, serve } from "h3";\nconst app = new H3().get("/", () => "served by h3");\nserve(app, { port: 3000 });\n`,
      );
      if (load.kind !== "loaded") throw new Error(load.message);
      expect({ form: load.form, notices: load.notices }).toEqual({
        form: "library-serve",
        notices: [
          { message: `the server started here is served by the playground at ${load.url}, not on port 3000`, line: 3 },
        ],
      });
      expect(receivedText(events)).toBe("served by h3");
    },
    traceTimeoutMs,
  );
});

describe("a framework the snippet's folder does not have", () => {
  test(
    "the load error says how to install it there",
    async () => {
      await using folder = await createTempDir("no-hono-");
      const { load } = await traceSnippet({
        snippetPath: join(folder.dir, "app.ts"),
        source: `import { Hono } from "hono";\n\nexport default new Hono();\n`,
      });
      expect(load).toMatchObject({
        kind: "load-error",
        failure: "module-not-found",
        module: "hono",
        line: 1,
        message: `cannot find package 'hono' from the snippet's folder (${folder.dir}): install it there with \`npm install hono\` (or \`bun add hono\`), then run again`,
      });
    },
    traceTimeoutMs,
  );
});
