import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createTempDir } from "./support/temp-dir.ts";
import { fixture } from "./support/timeline.ts";

const cli = join(import.meta.dir, "..", "src", "cli", "trace-cli.ts");

async function trace(...args: string[]) {
  const child = Bun.spawn([process.execPath, cli, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}

describe("trace command", () => {
  test("--json prints one event per line with t, lane, side and kind, ending with the summary", async () => {
    const { stdout, code } = await trace(fixture("generator.ts"), "--json");
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { t: unknown; lane: unknown; side: unknown; kind: unknown });
    // Plain values, not asymmetric matchers: Bun 1.4's toMatchObject writes matchers into the received object.
    const shapes = new Set(
      lines.map((l) =>
        JSON.stringify([
          typeof l.t,
          typeof l.lane,
          ["runner", "server", "client"].includes(String(l.side)),
          typeof l.kind,
        ]),
      ),
    );
    expect([...shapes]).toEqual([JSON.stringify(["number", "number", true, "string"])]);
    expect(lines[0]!.kind).toBe("loaded");
    expect(lines.at(-1)).toMatchObject({
      kind: "summary",
      counts: {
        loaded: 1,
        open: 1,
        request: 1,
        response: 1,
        write: 2,
        headers: 1,
        chunk: 2,
        end: 1,
        disconnect: 1,
        log: 1,
      },
    });
    const times = lines.map((line) => (line as { t: number }).t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test("a snippet that does not load prints the error and exits 1", async () => {
    const { stdout, code } = await trace(fixture("syntax-error.ts"), "--json");
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim().split("\n")[0]!)).toMatchObject({
      kind: "load-error",
      failure: "syntax",
      line: 2,
      column: 13,
      message: "Unexpected ;",
    });
  });

  test("the readable timeline has a line per event with aligned columns", async () => {
    const { stdout, code } = await trace(fixture("generator.ts"), "--disconnect-after", "1000");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\s+\d+\.\d{3}\s+-\s+runner\s+loaded\s+v1 \(default-function\)/);
    expect(lines.some((line) => /^\s+\d+\.\d{3}\s+1\s+client\s+chunk\s+6 B "hello\\n"$/.test(line))).toBe(true);
    // No colours when the output is not a terminal.
    expect(stdout).not.toContain("\x1b[");
  });

  test("counts read as words: a response of one write ends with 1 write, and its client read 1 chunk", async () => {
    await using dir = await createTempDir("trace-counts-");
    const snippet = join(dir.dir, "one-write.ts");
    await Bun.write(snippet, 'export default () => new Response("hi");\n');
    const { stdout, code } = await trace(snippet);
    expect(code).toBe(0);
    const detail = (kind: string) =>
      stdout
        .split("\n")
        .find((line) => line.includes(`  ${kind} `))
        ?.split(/\s{2,}/)
        .at(-1);
    expect({ end: detail("end"), disconnect: detail("disconnect") }).toEqual({
      end: "1 write, 2 B",
      disconnect: "by server after 1 chunk, 2 B",
    });
  });

  test("POST with headers and a body reaches the handler", async () => {
    const { stdout } = await trace(
      fixture("bun-serve.ts"),
      "--path",
      "/items",
      "--method",
      "POST",
      "--header",
      "content-type: text/plain",
      "--body",
      "ink",
      "--json",
    );
    const chunks = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((e) => e.kind === "chunk");
    expect(chunks.map((c) => c.text).join("")).toBe("created ink");
  });

  test("a snippet with its lesson beside it, traced with no option naming a request, makes the request the lesson tries; one such option makes yours", async () => {
    await using folder = await createTempDir("trace-lesson-");
    const snippet = join(folder.dir, "01-echo.ts");
    await Bun.write(
      snippet,
      `export default async (req: Request) => new Response(req.method + " " + new URL(req.url).pathname + new URL(req.url).search + " " + (await req.text()));\n`,
    );
    const words = "--path /items?x=1 --method POST --header 'content-type: text/plain' --body 'ink and paper'";
    await Bun.write(join(folder.dir, "01-echo.md"), `# Echo\n\n<!-- try: ${words} -->\n\nWhat it says back.\n`);
    const answered = (stdout: string) =>
      stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { kind: string; side: string; text?: string; method?: string; url?: string })
        .filter((event) => event.side === "client" && (event.kind === "chunk" || event.kind === "open"))
        .map((event) => (event.kind === "open" ? `${event.method} ${new URL(event.url!).pathname}` : event.text));
    const [bare, timed, given, own] = await Promise.all([
      trace(snippet, "--json"),
      trace(snippet, "--json", "--duration", "3000"),
      // The same words on the command line: what the lesson's request must match.
      trace(
        snippet,
        "--json",
        "--path",
        "/items?x=1",
        "--method",
        "POST",
        "--header",
        "content-type: text/plain",
        "--body",
        "ink and paper",
      ),
      trace(snippet, "--json", "--path", "/"),
    ]);
    expect(answered(given.stdout)).toEqual(["POST /items", "POST /items?x=1 ink and paper"]);
    expect(answered(bare.stdout)).toEqual(answered(given.stdout));
    expect(answered(timed.stdout)).toEqual(answered(given.stdout));
    expect(answered(own.stdout)).toEqual(["GET /", "GET / "]);
    // Said on stderr, so the timeline on stdout stays as --json promises; only when it is the lesson's request.
    expect([bare, timed, given, own].map((run) => run.stderr.trim())).toEqual([
      `trace: the request 01-echo.md tries: ${words} (any option naming a request makes yours instead)`,
      `trace: the request 01-echo.md tries: ${words} (any option naming a request makes yours instead)`,
      "",
      "",
    ]);
  }, 30_000);

  test("bad arguments explain themselves and exit 2", async () => {
    const { stderr, code } = await trace(fixture("generator.ts"), "--client", "carrier-pigeon");
    expect(code).toBe(2);
    expect(stderr).toContain("--client is stream, eventsource or websocket");
  });

  test("an option the client would not use is refused with exit 2, saying why, instead of being left out", async () => {
    const refusals = [
      ["--client", "eventsource", "--method", "POST"],
      ["--client", "websocket", "--body", "x"],
      ["--client", "eventsource", "--body", "x"],
      ["--send-every", "100"],
      ["--client", "websocket", "--send-every", "100"],
      ["--clients", "0"],
      ["--clients", "1.5"],
    ];
    const results = await Promise.all(refusals.map((args) => trace(fixture("generator.ts"), ...args)));
    expect(results.map(({ code, stdout, stderr }) => [code, stdout, stderr.split("\n")[0]])).toEqual([
      [2, "", "--method is for the stream client: an EventSource only sends GET"],
      [2, "", "--body is for the stream client: a WebSocket sends no request body"],
      [2, "", "--body is for the stream client: an EventSource sends no request body"],
      [2, "", "--send-every is for --client websocket"],
      [2, "", "--send-every needs --send: the messages it sends, one at a time"],
      [2, "", '--clients takes a whole number from 1 to 100, not "0"'],
      [2, "", '--clients takes a whole number from 1 to 100, not "1.5"'],
    ]);
  });

  test("a negative number is refused in the command's own words, written --duration -5 or --duration=-5", async () => {
    const results = await Promise.all([
      trace(fixture("generator.ts"), "--duration", "-5"),
      trace(fixture("generator.ts"), "--duration=-5"),
      trace(fixture("generator.ts"), "--stall-after", "-0.5"),
    ]);
    expect(results.map(({ code, stderr }) => [code, stderr.split("\n")[0]])).toEqual([
      [2, '--duration takes a non-negative number, not "-5"'],
      [2, '--duration takes a non-negative number, not "-5"'],
      [2, '--stall-after takes a non-negative number, not "-0.5"'],
    ]);
  });

  test("an expectation file's trace settings the client would not use are refused too, by the file's names", async () => {
    await using dir = await createTempDir("trace-settings-");
    const file = async (name: string, trace: object) => {
      const path = join(dir.dir, name);
      await Bun.write(path, JSON.stringify({ version: 1, trace, expect: [{ happens: { kind: "end" } }] }));
      return path;
    };
    const post = await file("post.expect.json", { client: "eventsource", method: "POST" });
    const postOnly = await file("post-only.expect.json", { method: "POST" });
    const noClients = await file("no-clients.expect.json", { clients: 0 });
    const results = await Promise.all([
      trace(fixture("generator.ts"), "--expect", post),
      trace(fixture("generator.ts"), "--expect", postOnly, "--client", "eventsource"),
      trace(fixture("generator.ts"), "--expect", noClients),
    ]);
    expect(results.map(({ code, stderr }) => [code, stderr.trim()])).toEqual([
      [
        2,
        `${post} is not a valid expectation file: trace.method is for the stream client: an EventSource only sends GET`,
      ],
      [2, `${postOnly}: trace.method is for the stream client: an EventSource only sends GET`],
      [2, `${noClients} is not a valid expectation file: trace.clients must be a whole number from 1 to 100`],
    ]);
  });
});

/** A snippet in `dir` that makes `path` a folder when it loads, so a file can no longer be written there. */
async function snippetTaking(path: string, dir: string): Promise<string> {
  const snippet = join(dir, "takes-the-path.ts");
  await Bun.write(
    snippet,
    `import { mkdirSync } from "node:fs";
mkdirSync(${JSON.stringify(path)});
export default () => new Response("ok");
`,
  );
  return snippet;
}

describe("trace --version", () => {
  test("prints the version stream-playground --version prints and exits 0, from the entry and after a file", async () => {
    const bin = join(import.meta.dir, "..", "bin", "stream-playground.js");
    const { version } = (await Bun.file(join(import.meta.dir, "..", "package.json")).json()) as { version: string };
    const bare = Bun.spawnSync(["node", bin, "--version"]).stdout.toString();
    const afterFile = Bun.spawnSync(["node", bin, "trace", fixture("generator.ts"), "--version"]);
    expect({
      entry: await trace("--version"),
      afterFile: { stdout: afterFile.stdout.toString(), code: afterFile.exitCode },
      bare,
    }).toEqual({
      entry: { stdout: `${version}\n`, stderr: "", code: 0 },
      afterFile: { stdout: `${version}\n`, code: 0 },
      bare: `${version}\n`,
    });
  });
});

describe("trace --record", () => {
  test("a file that cannot be written is a usage error, said in one line before the trace starts", async () => {
    await using dir = await createTempDir("trace-record-");
    const notAFolder = join(dir.dir, "not-a-folder.txt");
    await Bun.write(notAFolder, "a file");
    const recording = join(notAFolder, "run.jsonl");
    const { stdout, stderr, code } = await trace(fixture("generator.ts"), "--record", recording);
    expect({ code, stdout, first: stderr.split("\n")[0] }).toEqual({
      code: 2,
      stdout: "",
      first: `--record ${recording} cannot be written: ${notAFolder} is a file, not a folder`,
    });
  });

  test("a recording that cannot be written at the end is said last, after the whole timeline, and exits 1", async () => {
    await using dir = await createTempDir("trace-record-");
    const recording = join(dir.dir, "run.jsonl");
    const snippet = await snippetTaking(recording, dir.dir);
    const { stdout, stderr, code } = await trace(snippet, "--record", recording);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/ runner {2}summary {6}loaded 1, /);
    expect(stderr.trimEnd().split("\n").at(-1)).toStartWith(`trace: could not write the recording to ${recording}: `);
  });

  test("with --expect, the report is printed before a recording that failed to be written is said", async () => {
    await using dir = await createTempDir("trace-record-");
    const recording = join(dir.dir, "run.jsonl");
    const snippet = await snippetTaking(recording, dir.dir);
    const expectFile = join(dir.dir, "holds.expect.json");
    await Bun.write(
      expectFile,
      JSON.stringify({ version: 1, expect: [{ name: "it ends", happens: { kind: "end" } }] }),
    );
    const { stdout, stderr, code } = await trace(snippet, "--expect", expectFile, "--record", recording);
    expect(code).toBe(1);
    expect(stdout).toContain("✓ 1  it ends");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toStartWith(`trace: could not write the recording to ${recording}: `);
  });
});

describe("trace prints as it happens", () => {
  test("each --json line reaches a reading process within 300 ms of its event, long before the trace ends", async () => {
    await using dir = await createTempDir("trace-live-");
    const snippet = join(dir.dir, "ticks.ts");
    await Bun.write(
      snippet,
      `export default () => new Response(async function* () {
  for (let i = 1; i <= 5; i++) {
    yield \`tick \${i}\\n\`;
    await Bun.sleep(250);
  }
});
`,
    );
    const child = Bun.spawn([process.execPath, cli, snippet, "--json"], { stdout: "pipe", stderr: "pipe" });
    const arrivals: { t: number; kind: string; at: number }[] = [];
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stdout) {
      const at = performance.now();
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      // Each line parses on its own, as it comes.
      for (const line of lines) {
        const event = JSON.parse(line) as { t: number; kind: string };
        arrivals.push({ t: event.t, kind: event.kind, at });
      }
    }
    expect(await child.exited).toBe(0);
    // The earliest line bounds when the trace's clock began; every line's delay is measured from it.
    const began = Math.min(...arrivals.map((line) => line.at - line.t));
    const delays = arrivals.filter((line) => line.kind !== "summary").map((line) => line.at - line.t - began);
    expect(Math.max(...delays)).toBeLessThan(300);
    const writes = arrivals.filter((line) => line.kind === "write");
    expect(writes.length).toBe(5);
    // The first write reached the reader about a second before the last: not all at the end.
    expect(writes.at(-1)!.at - writes[0]!.at).toBeGreaterThan(600);
  }, 20_000);
});

describe("trace output is safe for a terminal", () => {
  test("ESC, BEL and U+202E from a snippet's output and an expectation's name are written out, not sent raw", async () => {
    await using dir = await createTempDir("trace-escapes-");
    const snippet = join(dir.dir, "escapes.ts");
    await Bun.write(
      snippet,
      `export default () => {
  console.log("\\u001B]0;retitled\\u0007 \\u202Ereversed");
  return new Response("ok");
};
`,
    );
    const expectFile = join(dir.dir, "escapes.expect.json");
    await Bun.write(
      expectFile,
      JSON.stringify({
        version: 1,
        expect: [{ name: "never \u001B[31mred\u0007 \u202E", happens: { kind: "sse", data: "never" } }],
      }),
    );
    const run = async (...extra: string[]) => {
      const child = Bun.spawn([process.execPath, cli, snippet, ...extra], { stdout: "pipe", stderr: "pipe" });
      const [stdout] = await Promise.all([new Response(child.stdout).text(), child.exited]);
      return stdout;
    };
    const timeline = await run();
    const report = await run("--expect", expectFile);
    const raw = /[\u001B\u0007\u202E]/;
    expect({ timeline: raw.test(timeline), report: raw.test(report) }).toEqual({ timeline: false, report: false });
    expect(timeline).toContain("\\u001B]0;retitled\\u0007 \\u202Ereversed");
    expect(report).toContain("never \\u001B[31mred\\u0007 \\u202E");
  }, 20_000);
});
