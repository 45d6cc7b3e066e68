import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createTempDir } from "./support/temp-dir.ts";
import { fixture, only, receivedText, traceSource } from "./support/timeline.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";

/** Traces a snippet and returns what the client received and how it loaded. */
async function serve(source: string, path = "/", extra: { method?: string; body?: string } = {}) {
  const { load, events } = await traceSource(source, { path, ...extra });
  if (load.kind !== "loaded") throw new Error(`did not load: ${load.message}`);
  return {
    form: load.form,
    notices: load.notices,
    status: only(events, "headers").status,
    text: receivedText(events),
    events,
  };
}

describe("default export forms", () => {
  test("a default function declaration serves", async () => {
    const result = await serve(`export default function (req: Request) { return new Response("fn " + req.method); }`);
    expect({ form: result.form, status: result.status, text: result.text }).toEqual({
      form: "default-function",
      status: 200,
      text: "fn GET",
    });
  });

  test("an async arrow serves and receives the real server", async () => {
    const result = await serve(
      `export default async (req: Request, server: any) => {
        server.timeout(req, 0);
        return new Response(typeof server.requestIP(req)?.address + " " + typeof server.pendingRequests);
      };`,
    );
    expect({ form: result.form, text: result.text }).toEqual({ form: "default-function", text: "string number" });
  });

  test("an object with fetch, routes and error serves all three", async () => {
    const source = `export default {
      routes: { "/hello/:name": (req: any) => new Response("hi " + req.params.name) },
      fetch(req: Request) { if (new URL(req.url).pathname === "/boom") throw new Error("boom"); return new Response("fetch"); },
      error(error: Error) { return new Response("handled " + error.message, { status: 418 }); },
    };`;
    const route = await serve(source, "/hello/ada");
    const fallback = await serve(source, "/other");
    const failing = await serve(source, "/boom");
    expect([route.form, route.text, fallback.text, failing.status, failing.text]).toEqual([
      "default-object",
      "hi ada",
      "fetch",
      418,
      "handled boom",
    ]);
    expect(route.notices).toEqual([]);
  });

  test("an object with routes and no fetch() is served, with a notice that plain bun would exit: as it does", async () => {
    const source = `export default {\n  routes: { "/hi": () => new Response("hi") },\n};\n`;
    const result = await serve(source, "/hi");
    expect({ text: result.text, notices: result.notices.map((notice) => notice.message) }).toEqual({
      text: "hi",
      notices: [expect.stringContaining("`bun` running this file serves a default export only when it has fetch()")],
    });
    // The same file run by plain bun: it ends at once, having served nothing.
    await using folder = await createTempDir("routes-only-");
    const file = join(folder.dir, "routes-only.ts");
    await Bun.write(file, source);
    const plain = Bun.spawn([process.execPath, file], { stdout: "pipe", stderr: "pipe" });
    const ended = await Promise.race([plain.exited, Bun.sleep(5_000).then(() => "still running")]);
    plain.kill();
    await plain.exited;
    expect({ ended, printed: await new Response(plain.stdout).text() }).toEqual({ ended: 0, printed: "" });
  });
});

describe("Bun.serve as written in Bun's docs", () => {
  test("routes with handlers, static responses and per-method objects all serve", async () => {
    const path = fixture("bun-serve.ts");
    const results = await Promise.all(
      [
        { path: "/static" },
        { path: "/api/42" },
        { path: "/items" },
        { path: "/items", method: "POST", body: "pen" },
        { path: "/elsewhere" },
      ].map(async (request) => {
        const { events } = await traceSnippet({ snippetPath: path, ...request });
        return [only(events, "headers").status, receivedText(events)];
      }),
    );
    expect(results).toEqual([
      [200, "static route"],
      [200, '{"id":"42"}'],
      [200, "list"],
      [201, "created pen"],
      [200, "fallback /elsewhere"],
    ]);
  });

  test("port is ignored with a notice that says where it is served", async () => {
    const { load } = await traceSnippet({ snippetPath: fixture("bun-serve.ts") });
    if (load.kind !== "loaded") throw new Error(load.message);
    expect(load.form).toBe("bun-serve");
    expect(load.notices).toEqual([
      { message: `Bun.serve()'s port is ignored in the playground: it serves this snippet at ${load.url}`, line: 1 },
    ]);
  });

  test("idleTimeout applies to each request", async () => {
    const result = await serve(
      `Bun.serve({ idleTimeout: 1, fetch: () => new Response(async function* () { yield "a"; await Bun.sleep(6000); yield "b"; }) });`,
    );
    // Bun closes a connection quiet for longer than its idle timeout; its timer ticks in 4 s steps
    // (Bun 1.4), so a 1 s timeout closes at ~4 s, well before the 6 s gap and the 10 s default.
    expect(result.text).toBe("a");
    expect(only(result.events, "disconnect").by).not.toBe("server");
  }, 15_000);

  test("error handles a throw from fetch", async () => {
    const result = await serve(
      `Bun.serve({ fetch() { throw new Error("nope"); }, error: (e: Error) => new Response("sorry: " + e.message, { status: 503 }) });`,
    );
    expect([result.status, result.text]).toEqual([503, "sorry: nope"]);
    expect(only(result.events, "error")).toMatchObject({ message: "nope", line: 1, during: "handler" });
  });
});

describe("Deno.serve", () => {
  test.each([
    ["a handler", `Deno.serve((req: Request) => new Response("deno " + req.method));`],
    ["options and a handler", `Deno.serve({ port: 8000 }, (req: Request) => new Response("deno " + req.method));`],
    ["options with handler", `Deno.serve({ handler: (req: Request) => new Response("deno " + req.method) });`],
  ])("%s serves", async (_name, source) => {
    const result = await serve(source);
    expect({ form: result.form, text: result.text }).toEqual({ form: "deno-serve", text: "deno GET" });
  });

  test("the handler gets remoteAddr as Deno passes it", async () => {
    const result = await serve(
      `Deno.serve((_req: Request, info: any) => new Response(info.remoteAddr.transport + " " + info.remoteAddr.hostname));`,
    );
    expect(result.text).toBe("tcp 127.0.0.1");
  });
});

describe("imports", () => {
  test("node: and bun: builtins and installed packages resolve", async () => {
    const { events } = await traceSnippet({ snippetPath: fixture("imports.ts") });
    expect(JSON.parse(receivedText(events))).toEqual({
      host: "string",
      two: 2,
      parser: "function",
      ip: "127.0.0.1",
      pending: "number",
    });
  });

  test("a relative import resolves from the snippet's folder", async () => {
    const result = await serve(
      `import { greeting } from "./greeting.ts";\nexport default () => new Response(greeting);`,
    );
    expect(result.text).toBe("hello from a module beside the snippet");
  });
});

describe("pitfalls", () => {
  test("new Response(() => gen()) is flagged at load with its line", async () => {
    const { load } = await traceSource(
      `async function* gen() { yield "x"; }\n\nexport default () => new Response(() => gen());`,
    );
    if (load.kind !== "loaded") throw new Error(load.message);
    expect(load.notices).toHaveLength(1);
    expect(load.notices[0]).toMatchObject({ line: 3 });
    expect(load.notices[0]!.message).toContain("source text");
  });
});

describe("a handler that returns no Response", () => {
  test("says what it returned, on the timeline and to the client, and how to fix the usual slips", async () => {
    const cases = [
      {
        source: `export default async function* () { yield "x"; }`,
        said: "an async generator",
        fix: "new Response(body)",
      },
      { source: `export default () => "hello";`, said: `the string "hello"`, fix: "new Response(text)" },
      {
        source: `export default () => { new Response("lost"); };`,
        said: "nothing (undefined)",
        fix: "`return` missing",
      },
      { source: `export default () => ({ ok: true });`, said: "a plain object", fix: "Response.json(value)" },
    ];
    const results = await Promise.all(cases.map((c) => serve(c.source)));
    for (const [i, result] of results.entries()) {
      const { said, fix } = cases[i]!;
      const error = only(result.events, "error");
      expect(error.message).toStartWith(`the handler returned ${said} instead of a Response: `);
      expect(error.message).toContain(fix);
      expect(result.status).toBe(500);
      expect(result.text).toContain(error.message);
    }
  });
});
