import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { examplesDir } from "../src/main/examples.ts";
import { lessonTryArgs } from "../src/shared/index.ts";
import { exportSnippet, type ExportResult, type ExportTarget } from "../src/export/index.ts";
import { openClient } from "../src/clients/index.ts";
import type { DisconnectBy, TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { freePort } from "./support/free-port.ts";
import { startOracle } from "./support/oracle.ts";
import {
  bunOnly,
  bunServeWithPort,
  defaultFunction,
  exportFixtures,
  type FixtureRequest,
  quietSse,
  syntaxError,
} from "./fixtures/export/snippets.ts";

/** How long the playground's trace records a stream that does not end by itself. */
const windowMs = 1_500;
/** How far the exported server's wait before a write may be from the playground's. */
const timingToleranceMs = 400;
const exportCli = join(import.meta.dir, "..", "src", "cli", "export-cli.ts");
const fixtureDir = join(import.meta.dir, "fixtures", "export");

// --- running an exported file ------------------------------------------------------------------

const running: Subprocess[] = [];
// Inside the project, as a user keeps an exported file where its packages are installed (lesson 14
// imports hono); Bun runs it with --no-install, so nothing is fetched that the folder lacks.
const scratch = mkdtempSync(join(fixtureDir, ".exported-"));

afterEach(async () => {
  const children = running.splice(0);
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((child) => child.exited));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The deno binary the `deno` package ships (its own resolver links it from the platform package). */
function denoBinary(): string {
  const resolved: unknown = (
    createRequire(import.meta.url)("deno/install_api.cjs") as { runInstall(): unknown }
  ).runInstall();
  if (typeof resolved !== "string") throw new Error("the deno package did not give a binary path");
  return resolved;
}

/** Starts the exported file under its runtime and resolves once its port accepts connections. */
async function runExported(target: ExportTarget, code: string, name: string, port: number): Promise<string> {
  const dir = mkdtempSync(join(scratch, `${name}-${target}-`));
  const file = join(dir, "server.ts");
  await Bun.write(file, code);
  const command =
    target === "bun"
      ? [process.execPath, "--no-install", file]
      : [denoBinary(), "run", "--allow-net", "--allow-env", file];
  const child = Bun.spawn(command, {
    cwd: dir,
    stdout: "ignore",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(scratch, "deno-cache") },
  });
  running.push(child);
  // Deno compiles the file first; both get 10 s, polled every 25 ms.
  for (let attempt = 0; attempt < 400; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`${target} exited with ${child.exitCode}: ${await new Response(child.stderr).text()}`);
    const open = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
      (socket) => {
        socket.end();
        return true;
      },
      () => false,
    );
    if (open) return `http://127.0.0.1:${port}`;
    await Bun.sleep(25);
  }
  throw new Error(`${target} did not listen on ${port} within 10 s`);
}

type ExportSuccess = Extract<ExportResult, { ok: true }>;

// --- what a client received --------------------------------------------------------------------

interface Received {
  status: number | undefined;
  contentType: string | undefined;
  /** The body as text, timestamps masked; undefined when a chunk was too big for its text preview. */
  text: string | undefined;
  bytes: number;
  sse: { event: string; id: string | undefined; data: string }[];
  endedBy: DisconnectBy | undefined;
  /** When the byte count reached each total, in ms after the request opened. */
  arrivals: { bytes: number; ms: number }[];
  /** The body came compressed (`Content-Encoding`): when a compressor lets bytes out is its runtime's own. */
  compressed?: boolean;
}

/** ISO timestamps differ from run to run; everything else must match byte for byte. */
const maskTimes = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>");

function received(events: readonly TimelineEvent[]): Received {
  const opened = events.find((e) => e.kind === "open" && e.lane === 1)?.t ?? 0;
  const result: Received = {
    status: undefined,
    contentType: undefined,
    text: "",
    bytes: 0,
    sse: [],
    endedBy: undefined,
    arrivals: [],
  };
  for (const event of events) {
    if (event.lane !== 1) continue;
    // A compressed body is compared as the client reads it, decoded: each runtime's compressor packs differently.
    const piece = event.kind === "chunk" && event.decoded ? { ...event, ...event.decoded } : event;
    if (piece !== event) result.compressed = true;
    // Charset names are case-insensitive (RFC 9110 §8.3.2): Bun says utf-8 where Deno says UTF-8.
    if (event.kind === "headers")
      [result.status, result.contentType] = [event.status, event.headers["content-type"]?.toLowerCase()];
    if (piece.kind === "chunk" || (piece.kind === "folded" && piece.of === "chunk")) {
      result.bytes += piece.bytes;
      if (piece.bytes > 0) result.arrivals.push({ bytes: result.bytes, ms: event.t - opened });
    }
    if (piece.kind === "folded" && piece.of === "chunk") result.text = undefined;
    if (piece.kind === "chunk" && result.text !== undefined) {
      result.text =
        new TextEncoder().encode(piece.text).byteLength === piece.bytes ? result.text + piece.text : undefined;
    }
    if (event.kind === "sse") result.sse.push({ event: event.event, id: event.id, data: maskTimes(event.data) });
    if (event.kind === "disconnect") result.endedBy = event.by;
  }
  if (result.text !== undefined) result.text = maskTimes(result.text);
  return result;
}

/** What the playground's own trace of the snippet received: the reference an export must match. */
async function traceReference(source: string, snippetPath: string, request: FixtureRequest): Promise<Received> {
  const { load, events } = await traceSnippet({
    snippetPath,
    source,
    ...request,
    client: "stream",
    disconnectAfterMs: windowMs,
  });
  if (load.kind !== "loaded") throw new Error(`the snippet did not load: ${load.message}`);
  return received(events);
}

/**
 * Reads from the exported server until it has sent as much as a reference the trace cut off, or
 * until it ends by itself like the reference did (or 5 s passed).
 */
async function probeExported(base: string, request: FixtureRequest, reference: Received): Promise<Received> {
  const wantBytes = reference.endedBy === "client" ? reference.bytes : Infinity;
  const events: TimelineEvent[] = [];
  const { promise: enough, resolve } = Promise.withResolvers<void>();
  let bytes = 0;
  const probe = openClient({
    lane: 1,
    url: base + request.path,
    client: "stream",
    method: request.method,
    headers: request.headers,
    body: request.body,
    now: () => performance.now(),
    emit: (event) => {
      events.push(event);
      // Counted as the reference counts them: decoded, for a compressed body.
      if (event.kind === "chunk") bytes += event.decoded?.bytes ?? event.bytes;
      if (event.kind === "folded" && event.of === "chunk") bytes += event.bytes;
      if (bytes >= wantBytes && bytes > 0) resolve();
    },
  });
  const limit = setTimeout(resolve, windowMs + 3_500);
  await Promise.race([probe.done, enough]);
  probe.disconnect();
  await probe.done;
  clearTimeout(limit);
  return received(events);
}

/**
 * The exported server must send what the playground sent. A stream the trace cut off is compared
 * on what the trace saw; a snippet that draws random numbers only on what both runs share.
 */
function expectSameStream(exported: Received, reference: Received, random: boolean, sourceText = false): void {
  const cut = reference.endedBy === "client" || random;
  const chars =
    random && exported.text !== undefined && reference.text !== undefined
      ? Math.min(exported.text.length, reference.text.length)
      : (reference.text?.length ?? 0);
  const events = random ? Math.min(exported.sse.length, reference.sse.length) : reference.sse.length;
  const shape = (r: Received, whole: boolean) => ({
    status: r.status,
    contentType: r.contentType,
    // A chunk beyond its text preview (a loaded machine's reader can take a whole stream at once)
    // leaves only the byte count, checked below.
    text:
      reference.text === undefined
        ? "beyond a chunk's preview"
        : r.text === undefined
          ? `${r.bytes} bytes`
          : sourceText
            ? r.text.replace(/\s+/g, "")
            : whole
              ? r.text
              : r.text.slice(0, chars),
    sse: whole ? r.sse : r.sse.slice(0, events),
    endedBy: cut ? "either" : r.endedBy,
  });
  expect(shape(exported, !cut)).toEqual(shape(reference, !random));
  if (reference.text === undefined) expect(exported.bytes).toBeGreaterThanOrEqual(reference.bytes);
  // The stream's pacing must match: each write arrives about as long after the one before. (Not
  // the first byte itself: Deno 2.9 serves its first request cold, 50-600 ms slower on 2 cores.
  // Nor through a compressor: Deno's lets blocks out sooner than Bun's. Nor the time since the
  // first byte: a stream written at full speed arrives as fast as the machine allows, and on a busy
  // one the traced 64 MiB of lesson 09 took 840 ms where the exported server's took 170 ms, a
  // drift of speed, not of pacing, that a wait left out or added would show as a gap.)
  const arrivals = reference.arrivals.filter(
    (arrival) => arrival.bytes <= exported.bytes && !random && !reference.compressed,
  );
  const exportedAt = (bytes: number) => exported.arrivals.find((a) => a.bytes >= bytes)?.ms ?? Infinity;
  const drift = arrivals
    .slice(1)
    .map((arrival, index) => ({
      bytes: arrival.bytes,
      reference: arrival.ms - arrivals[index]!.ms,
      exported: exportedAt(arrival.bytes) - exportedAt(arrivals[index]!.bytes),
    }))
    .filter((gap) => Math.abs(gap.exported - gap.reference) > timingToleranceMs);
  expect(drift).toEqual([]);
}

async function expectExportServesTheSame(
  target: ExportTarget,
  result: ExportSuccess,
  name: string,
  port: number,
  requests: { request: FixtureRequest; reference: Received }[],
  random: boolean,
) {
  // A function body is sent as its source text, which Deno's transpiler has respaced (the export says so in a note).
  const sourceText = result.notes.some((note) => note.includes("sends the function's source text"));
  const base = await runExported(target, result.code, name, port);
  for (const { request, reference } of requests) {
    expectSameStream(await probeExported(base, request, reference), reference, random, sourceText);
  }
}

// --- the examples, and a snippet of every form -------------------------------------------------

interface Case {
  name: string;
  path: string;
  source: string;
  requests: FixtureRequest[];
}

const examples: Case[] = readdirSync(examplesDir)
  .filter((file) => file.endsWith(".ts"))
  .sort()
  .map((file) => {
    const path = join(examplesDir, file);
    const lesson = join(examplesDir, file.replace(/\.ts$/, ".md"));
    const tryArgs = existsSync(lesson) ? lessonTryArgs(readFileSync(lesson, "utf8")) : undefined;
    return {
      name: basename(file, ".ts"),
      path,
      source: readFileSync(path, "utf8"),
      requests: [
        { path: tryArgs?.path ?? "/", method: tryArgs?.method, headers: tryArgs?.headers, body: tryArgs?.body },
      ],
    };
  });

const fixtures: Case[] = exportFixtures.map((fixture) => ({
  name: fixture.name,
  path: join(fixtureDir, `${fixture.name}.ts`),
  source: fixture.source,
  requests: fixture.requests,
}));

for (const item of [...examples, ...fixtures]) {
  describe(`${item.name}, exported`, () => {
    let references: { request: FixtureRequest; reference: Received }[] = [];
    const random = /Math\.random|crypto\.random/.test(item.source);
    const mustRunOnDeno = fixtures.includes(item);

    beforeAll(async () => {
      references = [];
      for (const request of item.requests)
        references.push({ request, reference: await traceReference(item.source, item.path, request) });
    }, 30_000);

    test("for bun serves what the playground traced", async () => {
      const port = freePort();
      const result = await exportSnippet({ source: item.source, path: item.path, target: "bun", port });
      if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
      await expectExportServesTheSame("bun", result, item.name, port, references, random);
    }, 30_000);

    test("for deno serves what the playground traced, or is refused at a line", async () => {
      const port = freePort();
      const result = await exportSnippet({ source: item.source, path: item.path, target: "deno", port });
      if (!result.ok) {
        if (mustRunOnDeno) throw new Error(`refused: ${JSON.stringify(result.error)}`);
        const { kind, line } = result.error;
        expect({
          kind,
          lineInSnippet: line !== undefined && line >= 1 && line <= item.source.split("\n").length,
        }).toEqual({ kind: "unsupported", lineInSnippet: true });
        return;
      }
      await expectExportServesTheSame("deno", result, item.name, port, references, random);
    }, 30_000);
  });
}

// --- the file itself ---------------------------------------------------------------------------

const fixturePath = (name: string) => join(fixtureDir, `${name}.ts`);

/** The exported code without its header comment (everything up to the first blank line). */
const withoutHeader = (code: string) => code.slice(code.indexOf("\n\n") + 2);

describe("the exported file", () => {
  test("keeps the snippet's code and comments byte for byte, naming the default export and serving it", async () => {
    const result = await exportSnippet({
      source: defaultFunction.source,
      path: fixturePath("default-function"),
      target: "bun",
      port: 4123,
    });
    if (!result.ok) throw new Error(result.error.message);
    const expected = `${defaultFunction.source.replace("export default function (req", "function handler(req")}\n// Serve the default export, as the playground did.\nBun.serve({ port: 4123, fetch: handler });\n`;
    expect({ code: withoutHeader(result.code), changes: result.changes, notes: result.notes }).toEqual({
      code: expected,
      changes: [],
      notes: [],
    });
  }, 15_000);

  test("says how to run and try it in its header", async () => {
    const result = await exportSnippet({
      source: exportFixtures[1]!.source,
      path: fixturePath("routes"),
      target: "deno",
      port: 4124,
      fileName: "events.ts",
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.code.split("\n").slice(0, 4)).toEqual([
      "// events.ts: a standalone Deno server, exported from Stream Playground (routes.ts).",
      "//",
      "// Run it:  deno run --allow-net events.ts",
      "// Try it:  curl -N http://localhost:4124/events",
    ]);
  }, 15_000);

  test("changes only the port of the snippet's own Bun.serve", async () => {
    const result = await exportSnippet({
      source: bunServeWithPort.source,
      path: fixturePath("bun-serve"),
      target: "bun",
      port: 4125,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(withoutHeader(result.code)).toBe(bunServeWithPort.source.replace("port: 8080", "port: 4125"));
  }, 15_000);

  test("keeps the snippet's own port when none is asked for", async () => {
    const result = await exportSnippet({
      source: bunServeWithPort.source,
      path: fixturePath("bun-serve"),
      target: "bun",
    });
    if (!result.ok) throw new Error(result.error.message);
    expect([withoutHeader(result.code), result.code.split("\n")[3]]).toEqual([
      bunServeWithPort.source,
      "// Try it:  curl -N http://localhost:8080/",
    ]);
  }, 15_000);

  test("warns that bun closes a stream quiet for longer than its idle timeout", async () => {
    const result = await exportSnippet({ source: quietSse, path: fixturePath("quiet"), target: "bun", port: 4126 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.notes).toEqual([
      "line 19: Bun closes a connection after 10 s without a write (Bun.serve's idleTimeout, 10 s by default). This server streams (an SSE endpoint) and can stay quiet for 15 s at setInterval(…), so a client is cut off before the next write. To keep such streams open, call server.timeout(req, 0) in the handler before returning the stream, or set idleTimeout (in seconds, at most 255) in the server's options.",
    ]);
    expect(result.code.split("\n")[18]).toBe(
      '        timer = setInterval(() => controller.enqueue("data: tick\\n\\n"), 15_000);',
    );
  }, 15_000);

  test("does not warn when server.timeout(req, 0) turns the idle timeout off", async () => {
    const source = quietSse.replace("fetch() {", "fetch(req: Request, server: any) {\n    server.timeout(req, 0);");
    const result = await exportSnippet({ source, path: fixturePath("quiet"), target: "bun", port: 4127 });
    expect(result.ok && result.notes).toEqual([]);
  }, 15_000);

  test("for deno lists every change, with its line in the exported file", async () => {
    const result = await exportSnippet({
      source: bunServeWithPort.source,
      path: fixturePath("bun-serve"),
      target: "deno",
      port: 4128,
    });
    if (!result.ok) throw new Error(result.error.message);
    const lines = result.code.split("\n");
    const lineOf = (change: string) => lines[Number(/^line (\d+):/.exec(change)?.[1]) - 1]?.trim();
    expect(result.changes.map((change) => [change, lineOf(change)])).toEqual([
      ["line 18: Bun.serve() became Deno.serve(), with fetch as its handler", "const server = Deno.serve({"],
      [
        "line 19: the idleTimeout option was removed: Deno does not close a connection for being quiet, so there is no idle timeout to set",
        "port: 4128,",
      ],
      [
        "line 21: server.timeout(req, 0) was removed: Deno does not close a connection for being quiet, so there is no idle timeout to turn off",
        "/* server.timeout(req, 0) removed: Deno has no idle timeout to turn off */",
      ],
      [
        "line 27: Bun.sleep(ms) became a setTimeout promise: Deno has no Bun.sleep",
        "await new Promise((resolve) => setTimeout(resolve, 30));",
      ],
      [
        "line 31: the streamed body goes through asBytes(), which encodes strings as UTF-8: Deno streams bytes only, where Bun also takes strings",
        "return new Response(asBytes(stream));",
      ],
      [
        "line 35: server.url became new URL(`http://localhost:${server.addr.port}/`), as Deno's server has it",
        "console.log(`Listening on ${new URL(`http://localhost:${server.addr.port}/`)}`);",
      ],
    ]);
  }, 15_000);
});

describe("what deno cannot run", () => {
  const refused = async (source: string) => {
    const result = await exportSnippet({ source, path: fixturePath("bun-only"), target: "deno", port: 4129 });
    return result.ok ? "exported" : result.error;
  };

  test("Bun.file is refused at its place, with Deno's way to read files", async () => {
    expect(await refused(bunOnly.file)).toEqual({
      kind: "unsupported",
      message:
        "Bun.file is Bun's own API: Deno reads files with Deno.open() or Deno.readFile(), which return other types and need --allow-read. Export for Bun, or rewrite it by hand",
      line: 1,
      column: 35,
    });
  }, 15_000);

  test("bun:sqlite is refused at its import", async () => {
    expect(await refused(bunOnly.sqlite)).toEqual({
      kind: "unsupported",
      message: '"bun:sqlite" is Bun\'s own module, which Deno does not have; export for Bun instead',
      line: 1,
      column: 26,
    });
  }, 15_000);

  test('a type: "direct" stream is refused at its type', async () => {
    expect(await refused(bunOnly.direct)).toEqual({
      kind: "unsupported",
      message:
        'a type: "direct" ReadableStream (controller.write/flush) is Bun\'s own; Deno streams standard ReadableStreams only. Rewrite it with pull() and controller.enqueue(), or export for Bun',
      line: 4,
      column: 7,
    });
  }, 15_000);

  test("server.requestIP is refused, since deno's info param has no drop-in equivalent", async () => {
    const error = await refused(bunOnly.requestIP);
    expect(typeof error === "object" && [error.kind, error.line, error.column, error.message.split(":")[0]]).toEqual([
      "unsupported",
      1,
      60,
      "server.requestIP is Bun's server API",
    ]);
  }, 15_000);
});

// --- bad input and the command -----------------------------------------------------------------

async function runCli(...args: string[]) {
  const child = Bun.spawn([process.execPath, exportCli, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}

async function snippetFile(name: string, source: string): Promise<string> {
  const dir = mkdtempSync(join(scratch, "cli-"));
  const file = join(dir, name);
  await Bun.write(file, source);
  return file;
}

describe("bad input", () => {
  test("a snippet that does not load is refused with the load error", async () => {
    const result = await exportSnippet({ source: syntaxError, path: fixturePath("broken"), target: "bun" });
    expect(result).toEqual({
      ok: false,
      error: { kind: "load", failure: "syntax", message: "Unexpected ;", line: 2, column: 13 },
    });
  }, 15_000);

  test("the command writes no file for it and exits 1", async () => {
    const snippet = await snippetFile("broken.ts", syntaxError);
    const out = join(scratch, "never-written.ts");
    const { stderr, code } = await runCli(snippet, "--target", "deno", "-o", out);
    expect({ code, stderr: stderr.trim(), written: existsSync(out) }).toEqual({
      code: 1,
      stderr: `${snippet}:2:13: not exported: Unexpected ;`,
      written: false,
    });
  }, 15_000);
});

describe("export command", () => {
  test("-o - writes the file to standard output and exits 0", async () => {
    const snippet = await snippetFile("greet.ts", defaultFunction.source);
    const { stdout, code } = await runCli(snippet, "--target", "bun", "-o", "-", "--port", "4130");
    expect({ code, head: stdout.split("\n")[0], serve: stdout.trimEnd().split("\n").at(-1) }).toEqual({
      code: 0,
      head: "// server.ts: a standalone Bun server, exported from Stream Playground (greet.ts).",
      serve: "Bun.serve({ port: 4130, fetch: handler });",
    });
  }, 15_000);

  test("-o FILE writes the file and says so", async () => {
    const snippet = await snippetFile("greet.ts", defaultFunction.source);
    const out = join(scratch, "greet-server.ts");
    const { stdout, stderr, code } = await runCli(snippet, "--target", "deno", "-o", out);
    const written = await Bun.file(out).text();
    expect({ code, stdout, stderr: stderr.trim(), run: written.split("\n")[2] }).toEqual({
      code: 0,
      stdout: "",
      stderr: `wrote ${out} for Deno, with 3 changes listed in its header`,
      run: "// Run it:  deno run --allow-net greet-server.ts",
    });
  }, 15_000);

  test("an -o file that cannot be written is a usage error, said in one line before anything is written", async () => {
    const snippet = await snippetFile("greet.ts", defaultFunction.source);
    const notAFolder = join(scratch, "not-a-folder.txt");
    await Bun.write(notAFolder, "a file");
    const out = join(notAFolder, "server.ts");
    const { stdout, stderr, code } = await runCli(snippet, "-o", out);
    expect({ code, stdout, first: stderr.split("\n")[0] }).toEqual({
      code: 2,
      stdout: "",
      first: `-o ${out} cannot be written: ${notAFolder} is a file, not a folder`,
    });
  }, 15_000);

  test("for a lesson's snippet, the try line is the lesson's request: pasted into a shell, it gets the reply plain Bun gives the same command", async () => {
    const lesson = join(examplesDir, "16-llm-chat-stream.ts");
    const port = freePort();
    const { stdout, code } = await runCli(lesson, "--port", String(port));
    expect(code).toBe(0);
    const tryLine = /^\/\/ Try it: {2}(.*)$/m.exec(stdout)?.[1] ?? "";
    const { body } = lessonTryArgs(readFileSync(join(examplesDir, "16-llm-chat-stream.md"), "utf8"))!;
    expect(tryLine).toBe(
      `curl -N -X POST -H 'content-type: application/json' -d '${body}' http://localhost:${port}/v1/chat/completions`,
    );
    await runExported("bun", stdout, "lesson-try", port);
    await using oracle = await startOracle(lesson);
    /** The reply's text as an OpenAI client assembles it: each chunk's delta content, in order. */
    const replyTo = async (command: string) => {
      const shell = Bun.spawn(["sh", "-c", command], { stdout: "pipe", stderr: "ignore" });
      const text = await new Response(shell.stdout).text();
      await shell.exited;
      const chunks = text
        .split("\n")
        .filter((line) => line.startsWith("data: {"))
        .map((line) => JSON.parse(line.slice("data: ".length)) as { choices: { delta: { content?: string } }[] });
      return {
        content: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join(""),
        done: text.includes("data: [DONE]"),
      };
    };
    const [fromFile, plain] = await Promise.all([
      replyTo(tryLine),
      replyTo(tryLine.replace(`http://localhost:${port}/`, oracle.url)),
    ]);
    expect(fromFile).toEqual(plain);
    expect(plain).toEqual({ content: expect.stringContaining("That is why the sky looks blue."), done: true });
  }, 30_000);

  test("a lesson's try line keeps its client: curl for a stream client though the snippet also serves WebSockets, a WebSocket client for a websocket one", async () => {
    const tryLines = await Promise.all(
      ["09-backpressure.ts", "15-websocket-chat.ts"].map(async (file) => {
        const { stdout } = await runCli(join(examplesDir, file), "--port", "4321");
        return /^\/\/ Try it: {2}(.*)$/m.exec(stdout)?.[1];
      }),
    );
    expect(tryLines).toEqual([
      "curl -N http://localhost:4321/generator",
      `bun -e 'const ws = new WebSocket("ws://localhost:4321/chat"); ws.onopen = () => ws.send("hello"); ws.onmessage = (event) => console.log(event.data);'`,
    ]);
  }, 15_000);

  test("--version after the command prints the package's version and exits 0", async () => {
    const snippet = await snippetFile("greet.ts", defaultFunction.source);
    const { version } = JSON.parse(readFileSync(join(import.meta.dir, "..", "package.json"), "utf8")) as {
      version: string;
    };
    expect(await Promise.all([runCli("--version"), runCli(snippet, "--target", "deno", "--version")])).toEqual([
      { stdout: `${version}\n`, stderr: "", code: 0 },
      { stdout: `${version}\n`, stderr: "", code: 0 },
    ]);
  }, 15_000);

  test("a usage error exits 2 and explains itself", async () => {
    const snippet = await snippetFile("greet.ts", defaultFunction.source);
    const results = await Promise.all([
      runCli(snippet, "--target", "node"),
      runCli(snippet, "--port", "0"),
      runCli(snippet, "--port", "-1"),
      runCli(),
    ]);
    expect(results.map(({ code, stderr }) => [code, stderr.split("\n")[0]])).toEqual([
      [2, '--target is bun or deno, not "node"'],
      [2, '--port takes a port from 1 to 65535, not "0"'],
      [2, '--port takes a port from 1 to 65535, not "-1"'],
      [2, "give exactly one snippet file"],
    ]);
  }, 15_000);
});
