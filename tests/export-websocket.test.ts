/**
 * Exporting WebSocket snippets: for Bun the handlers stay as written; for Deno they are served on
 * `Deno.upgradeWebSocket` by a helper, and each exported server, run by its real runtime, answers
 * a WebSocket client as the playground's runner does. What Deno has no counterpart for is refused
 * at its line.
 */

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExportTarget } from "../src/contract/index.ts";
import { exportSnippet } from "../src/export/index.ts";
import { freePort, runExported } from "./support/exported-server.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { fixture } from "./support/timeline.ts";
import { bareSession, type BareSession } from "./support/websocket-clients.ts";

const scratch = mkdtempSync(join(tmpdir(), "export-websocket-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const startRunner = runnerPerTest();

const snippets = {
  echo: fixture("websocket/bun-guide-echo.ts"),
  closeCodes: fixture("websocket/close-codes.ts"),
  chat: fixture("websocket/chat.ts"),
};

/** Exports `path` for `target` on a free port and runs it; `await using` stops it. */
async function exported(path: string, target: ExportTarget) {
  const port = freePort();
  const result = await exportSnippet({ source: readFileSync(path, "utf8"), path, target, port });
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  const server = await runExported({
    target,
    code: result.code,
    port,
    scratch,
    permissions: target === "deno" ? ["--allow-env"] : [],
  });
  return { result, url: server.url, [Symbol.asyncDispose]: () => server[Symbol.asyncDispose]() };
}

/** The same sessions against the playground's runner, the reference. */
async function inRunner<T>(path: string, run: (url: string) => Promise<T>): Promise<T> {
  const { runner } = await startRunner();
  const load = await runner.load(readFileSync(path, "utf8"), path);
  if (load.kind !== "loaded") throw new Error(load.message);
  return run(runner.url);
}

/** Three chat clients: ann, bob, cy join, then ann says hi; each session as its client saw it. */
async function chat(url: string): Promise<BareSession[]> {
  const names = ["ann", "bob", "cy"];
  const opened: (() => void)[] = [];
  const sockets = names.map((name) => {
    const socket = new WebSocket(new URL(`/?name=${name}`, url).href.replace(/^http/, "ws"));
    const messages: string[] = [];
    const closed = Promise.withResolvers<BareSession["close"]>();
    const welcomed = Promise.withResolvers<void>();
    opened.push(() => socket.close(1000, ""));
    socket.addEventListener("message", (event) => {
      messages.push(String(event.data));
      if (messages.length === 1) welcomed.resolve();
    });
    socket.addEventListener("close", (event) =>
      closed.resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean }),
    );
    return { socket, messages, closed: closed.promise, welcomed: welcomed.promise };
  });
  await Promise.all(sockets.map((s) => s.welcomed));
  const relayed = sockets
    .slice(1)
    .map((s) => new Promise<void>((resolve) => s.socket.addEventListener("message", () => resolve(), { once: true })));
  sockets[0]!.socket.send("hi");
  await Promise.all(relayed);
  for (const close of opened) close();
  return Promise.all(sockets.map(async (s) => ({ messages: s.messages, close: await s.closed })));
}

describe("exported WebSocket servers serve what the playground served", () => {
  for (const target of ["bun", "deno"] as const) {
    test(`the guide's echo server, for ${target}`, async () => {
      const reference = await inRunner(snippets.echo, (url) =>
        bareSession(url, ["hello", "world"], 2, { code: 1000, reason: "" }),
      );
      await using run = await exported(snippets.echo, target);
      expect(await bareSession(run.url, ["hello", "world"], 2, { code: 1000, reason: "" })).toEqual(reference);
      expect(reference.messages).toEqual(["You said: hello", "You said: world"]);
    }, 60_000);

    test(`close codes from either end, for ${target}`, async () => {
      const reference = await inRunner(snippets.closeCodes, async (url) => [
        await bareSession(url, ["ping"], 1, { code: 4001, reason: "client bye" }),
        await bareSession(url, ["close-me"], 0),
      ]);
      await using run = await exported(snippets.closeCodes, target);
      expect([
        await bareSession(run.url, ["ping"], 1, { code: 4001, reason: "client bye" }),
        await bareSession(run.url, ["close-me"], 0),
      ]).toEqual(reference);
      expect(reference[1]!.close).toEqual({ code: 4002, reason: "server says bye", wasClean: true });
    }, 60_000);

    test(`a pub/sub chat with three clients, for ${target}`, async () => {
      const reference = await inRunner(snippets.chat, chat);
      await using run = await exported(snippets.chat, target);
      expect(await chat(run.url)).toEqual(reference);
      expect(reference.map((s) => s.messages)).toEqual([
        ["welcome, ann"],
        ["welcome, bob", "ann: hi"],
        ["welcome, cy", "ann: hi"],
      ]);
    }, 60_000);
  }
});

describe("the exported file", () => {
  test("for bun keeps the websocket handlers as written, and its header opens a WebSocket to try it", async () => {
    const source = readFileSync(snippets.echo, "utf8");
    const result = await exportSnippet({ source, path: snippets.echo, target: "bun", port: 4321 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.code).toContain(
      source.slice(source.indexOf("  websocket: {"), source.indexOf("console.log(`Listening")),
    );
    expect(result.code).toContain(
      `// Try it:  bun -e 'const ws = new WebSocket("ws://localhost:4321/"); ws.onopen = () => ws.send("hello"); ws.onmessage = (event) => console.log(event.data);'`,
    );
  });

  test.each(["hono-ws.ts", "elysia-ws.ts"])(
    "of a framework's WebSocket route (%s) tries it with a WebSocket on the route's path",
    async (name) => {
      const path = join(import.meta.dir, "fixtures", "frameworks", name);
      const result = await exportSnippet({ source: readFileSync(path, "utf8"), path, target: "bun", port: 4321 });
      if (!result.ok) throw new Error(result.error.message);
      expect(/^\/\/ Try it: {2}(\S+ \S+) '.*new WebSocket\("([^"]+)"\)/m.exec(result.code)?.slice(1)).toEqual([
        "bun -e",
        "ws://localhost:4321/ws",
      ]);
    },
  );

  test("for deno says what changed: the serve call, the helper, and the options that have no effect", async () => {
    const source = `Bun.serve({\n  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),\n  websocket: {\n    idleTimeout: 30,\n    message(ws, message) {\n      ws.send(message);\n    },\n  },\n});\n`;
    const result = await exportSnippet({ source, path: fixture("inline.ts"), target: "deno", port: 4321 });
    if (!result.ok) throw new Error(result.error.message);
    expect({
      changes: result.changes.map((c) => c.replace(/^line \d+: /, "")),
      notes: result.notes.map((n) => n.replace(/^line \d+: /, "")),
    }).toEqual({
      changes: [
        "Bun.serve() became Deno.serve(), its options turned into Deno.serve's by withRoutes(), added at the end",
        "the websocket handlers are served on Deno.upgradeWebSocket by bunWebSocket(), added at the end: server.upgrade() and server.publish() in fetch, and Bun's data, send, close and topics on each socket",
      ],
      notes: [
        "websocket.idleTimeout has no effect under Deno: Deno closes a socket only when it stops answering Deno's own pings",
      ],
    });
  });
});

describe("what deno cannot run is refused at its line", () => {
  const refusal = async (source: string) => {
    const result = await exportSnippet({ source, path: fixture("inline.ts"), target: "deno" });
    return result.ok ? "exported" : { kind: result.error.kind, line: result.error.line, message: result.error.message };
  };
  const serve = (websocket: string) =>
    `export default {\n  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),\n  websocket: {\n${websocket}\n  },\n};\n`;

  test.each([
    [
      "a drain handler",
      serve("    message(ws) {},\n    drain(ws) {},"),
      5,
      "Bun's websocket drain handler has no Deno equivalent: Deno's WebSocket has no drain event: send() never reports backpressure. Export for Bun instead",
    ],
    [
      "ws.ping()",
      serve("    message(ws) {\n      ws.ping();\n    },"),
      5,
      "ws.ping is part of Bun's ServerWebSocket with no Deno equivalent: Deno's WebSocket sends no pings of its own choosing. Export for Bun instead",
    ],
    [
      "ws.remoteAddress",
      serve("    open: (socket) => console.log(socket.remoteAddress),"),
      4,
      "socket.remoteAddress is part of Bun's ServerWebSocket with no Deno equivalent: Deno gives the address to Deno.serve's handler (info.remoteAddr), not to the socket. Export for Bun instead",
    ],
  ])("%s", async (_name, source, line, message) => {
    expect(await refusal(source)).toEqual({ kind: "unsupported", line, message });
  });

  test("handlers kept elsewhere are refused where the option names them", async () => {
    const source = `const handlers = makeHandlers();\nfunction makeHandlers() { return { message() {} }; }\nexport default { fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")), websocket: handlers };\n`;
    expect(await refusal(source)).toEqual({
      kind: "unsupported",
      line: 3,
      message:
        "the websocket handlers are not written out here, so the export cannot tell whether Deno can run them; export for Bun instead",
    });
  });
});
