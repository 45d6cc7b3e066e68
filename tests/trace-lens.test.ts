/**
 * Lenses in the terminal: `trace` prints a violation right after the event that broke the rule and
 * the assembled message when the lane's stream ends (`--json`: a `lens` object), `--lens RULE` reads
 * a JSON stream of another shape, and a `message` expectation checks what the lens assembled.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseExpectationFile, parseRecording } from "../src/contract/index.ts";
import { examplesDir } from "../src/main/examples.ts";
import { anthropic, ollama } from "./fixtures/lens-streams.ts";
import { createTempDir } from "./support/temp-dir.ts";

const cli = join(import.meta.dir, "..", "src", "cli", "trace-cli.ts");
const toolLesson = join(examplesDir, "17-tool-call-fragments.ts");
const post = ["--method", "POST", "--header", "content-type:application/json", "--body", "{}"];

async function trace(...args: string[]) {
  const child = Bun.spawn([process.execPath, cli, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code, lines: stdout.trimEnd().split("\n") };
}

/** A line's columns: time, lane, side, kind, detail. */
const columns = (line: string) => /^\s*([\d.]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line)?.slice(1);

describe("trace through a lens", () => {
  test("a violation is printed right after the event that broke the rule, once; the message follows the lane's end", async () => {
    const { lines, code } = await trace(toolLesson, "--path", "/v1/messages?mistake", ...post);
    expect(code).toBe(0);
    const violation = lines.findIndex((line) => line.includes("✗ out-of-order"));
    const [, lane, side, kind, detail] = columns(lines[violation]!)!;
    expect({ lane, side, kind, detail }).toEqual({
      lane: "1",
      side: "client",
      kind: "lens",
      detail: "✗ out-of-order: `content_block_delta` for block 2 before its `content_block_start`",
    });
    // Right after the sse event it is about, at the same time.
    const before = columns(lines[violation - 1]!)!;
    expect({ kind: before[3], t: before[0] }).toEqual({ kind: "sse", t: columns(lines[violation]!)![0] });
    expect(lines.filter((line) => line.includes("✗ out-of-order")).length).toBe(2); // live, and in the closing list
    const end = lines.findIndex((line) => / client {2}lens {9}Anthropic Messages/.test(line));
    expect(columns(lines[end - 1]!)![3]).toBe("disconnect");
    expect(lines.slice(end + 1, end + 3).map((line) => line.trim())).toEqual([
      'text: "Let me check the weather in Paris."',
      "tool call get_weather({})",
    ]);
  }, 30_000);

  test("--json ends each lane read through a lens with a lens object: its message, timing and violations", async () => {
    const { lines } = await trace(toolLesson, "--path", "/v1/messages", ...post, "--json");
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const lens = objects.find((object) => object.kind === "lens")!;
    expect(lens).toMatchObject({
      lane: 1,
      side: "client",
      protocol: "anthropic",
      text: "Let me check the weather in Paris.",
      tool: { get_weather: { city: "Paris", unit: "celsius" } },
      finishReason: "tool_use",
      violations: [],
      complete: true,
    });
    expect(objects.indexOf(lens)).toBe(objects.findIndex((object) => object.kind === "disconnect") + 1);
    // The output still opens as a recording: the lens line is made again from the events, not read as one.
    const opened = parseRecording(lines.join("\n"));
    expect(opened.ok && opened.recording.events.length).toBe(objects.length - 2); // without the lens and the summary
  }, 30_000);

  test("--lens RULE reads a JSON stream of another shape; an unknown shape without a rule prints no lens", async () => {
    const lesson = join(examplesDir, "13-post-llm-stream.ts");
    const args = ["--path", "/v1/completions", "--method", "POST", "--body", '{"prompt":"hi"}'];
    const ruled = await trace(lesson, ...args, "--lens", "$.token");
    expect(ruled.lines.find((line) => line.includes("JSON stream (recognised by the rule $.token)"))).toBeDefined();
    expect(ruled.stdout).toContain('text: "You asked: \\"hi\\". This answer streams one token at a time."');
    const plain = await trace(lesson, ...args);
    expect(plain.lines.filter((line) => columns(line)?.[3] === "lens")).toEqual([]);
  }, 30_000);
});

describe("a lens rule that cannot be read", () => {
  test("--lens is refused with exit 2, saying what a rule looks like", async () => {
    const snippet = join(examplesDir, "13-post-llm-stream.ts");
    const results = await Promise.all(
      ["garbage[", "notarule", "$.choices[0"].map((rule) => trace(snippet, "--lens", rule)),
    );
    expect(results.map(({ code, stdout, stderr }) => [code, stdout, stderr.split("\n")[0]])).toEqual([
      [
        2,
        "",
        '--lens "garbage[" is not a lens rule: a rule starts with `$` (the payload), as in `$.choices[0].delta.content`',
      ],
      [
        2,
        "",
        '--lens "notarule" is not a lens rule: a rule starts with `$` (the payload), as in `$.choices[0].delta.content`',
      ],
      [
        2,
        "",
        '--lens "$.choices[0" is not a lens rule: cannot read the rule from character 10: "[0"; a rule is a path from the payload\'s root, such as $.choices[0].delta.content, $.items[*].text or $["odd key"]',
      ],
    ]);
  }, 30_000);

  test("an expectation file's trace.lens is refused as the file's problem, with exit 2", async () => {
    await using dir = await createTempDir("trace-lens-rule-");
    const expectFile = join(dir.dir, "rule.expect.json");
    await Bun.write(
      expectFile,
      JSON.stringify({ version: 1, trace: { lens: "$.token[" }, expect: [{ happens: { kind: "end" } }] }),
    );
    const { code, stdout, stderr } = await trace(join(examplesDir, "13-post-llm-stream.ts"), "--expect", expectFile);
    expect({ code, stdout, stderr: stderr.trim() }).toEqual({
      code: 2,
      stdout: "",
      stderr: `${expectFile} is not a valid expectation file: trace.lens cannot read the rule from character 8: "["; a rule is a path from the payload's root, such as $.choices[0].delta.content, $.items[*].text or $["odd key"]`,
    });
  }, 30_000);
});

test("--url: another server's stream is read through its lens too (Anthropic over SSE, Ollama over NDJSON)", async () => {
  await using server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const stream = new URL(request.url).pathname === "/api/chat" ? ollama.cut : anthropic.overloaded;
      return new Response(stream.body, { headers: stream.headers });
    },
  });
  const messages = await trace("--url", new URL("/v1/messages", server.url).href, ...post);
  expect(messages.lines.filter((line) => columns(line)?.[3] === "lens").map((line) => columns(line)![4])).toEqual([
    "✗ error-event: the stream sent an error: overloaded_error: Overloaded",
    "Anthropic Messages (recognised by the event name `message_start`), model claude-sonnet-4-5",
  ]);
  const chat = await trace("--url", new URL("/api/chat", server.url).href, ...post);
  expect(chat.stdout).toContain("Ollama chat (recognised by");
  expect(chat.stdout).toContain("✗ missing-terminator: the stream ended without a line that says `done: true`");
}, 30_000);

describe("a message expectation", () => {
  test("the file format names the message's fields, and refuses one that is not", () => {
    const good = parseExpectationFile(
      JSON.stringify({ expect: [{ message: { "tool.get_weather.city": "Paris", violations: 0 } }] }),
    );
    expect(good.ok).toBe(true);
    const typo = parseExpectationFile(JSON.stringify({ expect: [{ message: { txt: { includes: "Paris" } } }] }));
    expect(typo).toEqual({
      ok: false,
      problem: expect.stringContaining(
        "expect[0].message.txt is not a field of an assembled message (its fields: protocol, text,",
      ),
    });
  });

  test("holds on the lesson's stream and fails on the mistake, naming what differed", async () => {
    await using dir = await createTempDir("message-expect-");
    const file = join(dir.dir, "message.expect.json");
    await Bun.write(
      file,
      JSON.stringify({
        trace: { method: "POST", body: "{}" },
        expect: [
          {
            name: "get_weather is called for Paris, with no violation",
            message: { protocol: "anthropic", "tool.get_weather.city": "Paris", violations: 0 },
          },
          { message: { firstTokenMs: { max: 5_000 }, text: { includes: "weather" } } },
        ],
      }),
    );
    const held = await trace(toolLesson, "--path", "/v1/messages", "--expect", file);
    expect({ code: held.code, closing: held.lines.at(-1) }).toEqual({ code: 0, closing: "All 2 expectations held." });

    const broken = await trace(toolLesson, "--path", "/v1/messages?mistake", "--expect", file);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain("lane 1's message (anthropic) does not match");
    expect(broken.stdout).toContain('tool.get_weather.city: wanted "Paris", was absent');
    expect(broken.stdout).toContain("violations: wanted 0, was 1");
  }, 30_000);
});
