/**
 * The trace command as CI uses it: `--expect` checks a lesson's stream against its expectation
 * file, `--url` traces any server, `--record` writes a recording, and the slow-client options.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseRecording, type TimelineEvent } from "../src/contract/index.ts";
import { examplesDir } from "../src/main/examples.ts";
import { parseTraceArgs } from "../src/shared/trace-options.ts";
import { createTempDir } from "./support/temp-dir.ts";

const cli = join(import.meta.dir, "..", "src", "cli", "trace-cli.ts");
const lesson = join(examplesDir, "04-sse-readable-stream.ts");
const lessonExpectations = join(examplesDir, "04-sse-readable-stream.expect.json");

async function trace(...args: string[]) {
  const child = Bun.spawn([process.execPath, cli, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}

/** The report's lines that say whether each expectation held: `✓ 1  name`. */
const marks = (report: string) => report.split("\n").filter((line) => /^ {2}[✓✗] +\d+ {2}/.test(line));

describe("trace --expect", () => {
  test("the lesson's expectation file holds against the lesson: exit 0, a short report", async () => {
    const { stdout, code } = await trace(lesson, "--expect", lessonExpectations);
    expect({
      code,
      marks: marks(stdout).map((line) => line.slice(0, 5)),
      closing: stdout.trimEnd().split("\n").at(-1),
    }).toEqual({
      code: 0,
      marks: ["  ✓ 1", "  ✓ 2", "  ✓ 3", "  ✓ 4", "  ✓ 5", "  ✓ 6", "  ✓ 7", "  ✓ 8"],
      closing: "All 8 expectations held.",
    });
    expect(stdout.split("\n")[0]).toBe(
      `Checking 8 expectations from ${lessonExpectations} against 04-sse-readable-stream.ts (eventsource × 2, GET /events):`,
    );
    // A run that holds does not print the timeline.
    expect(stdout).not.toContain("client  open");
  }, 30_000);

  test("a broken copy of the lesson (its cancel no longer clears the timer) fails: exit 1, the timeline, then the report naming the leak", async () => {
    await using dir = await createTempDir("trace-expect-");
    const broken = join(dir.dir, "04-broken.ts");
    const source = await Bun.file(lesson).text();
    expect(source).toContain("clearInterval(timer);");
    await Bun.write(broken, source.replace("clearInterval(timer);", ""));
    const { stdout, code } = await trace(broken, "--expect", lessonExpectations);
    expect(code).toBe(1);
    expect(stdout).toContain("client  open");
    const report = stdout.slice(stdout.indexOf("Checking 8 expectations"));
    expect(marks(report).map((line) => line.trim())).toEqual([
      '✓ 1  each client hears "connected" at once',
      "✓ 2  then a tick every half second",
      "✓ 3  no tick is late",
      "✓ 4  every client gets the same events",
      "✓ 5  cancel() cleans up soon after the client leaves",
      "✗ 6  the timer does not outlive the stream",
      "✗ 7  no errors, no malformed SSE",
      "✓ 8  every request ends on the version that opened it",
    ]);
    // Settling waits for the interval's next tick: it writes to the cancelled stream, which throws.
    expect(report).toContain("       it happened 4 times:\n         ! leak at ");
    expect(report).toContain("lane 1: stream (line 13): the stream keeps writing after the client left");
    expect(report).toContain(
      "lane 1: interval (line 11): an interval (every 500 ms) created while serving this request is still running",
    );
    expect(report).toContain("! uncaught at ");
    expect(report.trimEnd().split("\n").at(-1)).toBe("6 of 8 expectations held; 2 did not.");
  }, 30_000);

  test("an expectation file that is not valid: exit 2, saying where", async () => {
    await using dir = await createTempDir("trace-expect-");
    const file = join(dir.dir, "bad.expect.json");
    await Bun.write(file, JSON.stringify({ expect: [{ happens: { kind: "sse", evnt: "tick" } }] }));
    const { stderr, code } = await trace(lesson, "--expect", file);
    expect({ code, stderr: stderr.trim() }).toEqual({
      code: 2,
      stderr: `${file} is not a valid expectation file: expect[0].happens.evnt is not a field of sse (its fields: t, lane, side, kind, event, id, lastEventId, data)`,
    });
  });

  test("with --json the timeline stays JSON on stdout and the report goes to stderr", async () => {
    const { stdout, stderr, code } = await trace(lesson, "--expect", lessonExpectations, "--json");
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TimelineEvent);
    expect(events.at(-1)!.kind).toBe("summary");
    expect(stderr.trimEnd().split("\n").at(-1)).toBe("All 8 expectations held.");
  }, 30_000);
});

describe("trace --url", () => {
  test("traces another server's client side, NDJSON lines included; its open says the server side is not visible", async () => {
    await using server = Bun.serve({
      port: 0,
      fetch: (request) =>
        new Response(
          `{"path":${JSON.stringify(new URL(request.url).pathname)},"lane":${JSON.stringify(request.headers.get("x-playground-lane"))}}\n{"done":true}\n`,
          {
            headers: { "content-type": "application/x-ndjson" },
          },
        ),
    });
    const url = new URL("/generate", server.url).href;
    const { stdout, code } = await trace("--url", url, "--json");
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TimelineEvent);
    expect(code).toBe(0);
    expect(events.map((event) => `${event.side} ${event.kind}`)).toEqual([
      "client open",
      "client headers",
      "client chunk",
      "client json-line",
      "client json-line",
      "client disconnect",
      "runner summary",
    ]);
    expect(events[0]).toMatchObject({ kind: "open", url, external: true });
    // No lane header goes to a server that is not the playground's.
    expect(
      events
        .filter((event) => event.kind === "json-line")
        .map((event) => (event.kind === "json-line" ? event.value : undefined)),
    ).toEqual([{ path: "/generate", lane: null }, { done: true }]);
    const readable = await trace("--url", url);
    expect(readable.stdout).toContain(`client  open         stream GET ${url} (server side not visible)`);
  });

  test("an expectation file can name the URL itself, and its JSON lines' values are matched", async () => {
    await using server = Bun.serve({
      port: 0,
      fetch: () =>
        new Response('{"done":false}\n{"done":true}\n', { headers: { "content-type": "application/jsonl" } }),
    });
    await using dir = await createTempDir("trace-expect-url-");
    const file = join(dir.dir, "api.expect.json");
    await Bun.write(
      file,
      JSON.stringify({
        trace: { url: server.url.href },
        expect: [
          { happens: { kind: "json-line", "value.done": true } },
          { happens: { kind: "json-line", "value.done": "yes" } },
        ],
      }),
    );
    const { stdout, code } = await trace("--expect", file);
    const report = stdout.slice(stdout.indexOf("Checking"));
    expect(code).toBe(1);
    expect(report.split("\n")[0]).toBe(
      `Checking 2 expectations from ${file} against ${server.url.href} (stream, GET):`,
    );
    expect(marks(report).map((line) => line.trim())).toEqual([
      "✓ 1  json-line with value.done true",
      '✗ 2  json-line with value.done "yes"',
    ]);
    expect(report).toContain('value.done is false, wanted "yes"');
  });

  test("a server that cannot be reached: the error on the timeline, exit 1", async () => {
    // A port nothing listens on: one a server just gave back.
    const server = Bun.serve({ port: 0, fetch: () => new Response("") });
    const url = server.url.href;
    await server.stop(true);
    const { stdout, code } = await trace("--url", url);
    expect(code).toBe(1);
    expect(stdout).toMatch(/client {2}disconnect {3}by error: .*(ECONNREFUSED|Unable to connect)/);
  });

  test("a snippet and --url together, or a URL that is not http(s) or ws(s), is a usage error", async () => {
    expect((await trace(lesson, "--url", "http://localhost:1/")).code).toBe(2);
    const { stderr, code } = await trace("--url", "ftp://example.com/");
    expect({ code, first: stderr.split("\n")[0] }).toEqual({
      code: 2,
      first: "--url: a client requests http:, https:, ws: or wss: URLs, not ftp:",
    });
  });
});

describe("trace --record", () => {
  test("writes a recording with the snippet's source, each lane's request and the events", async () => {
    await using dir = await createTempDir("trace-record-");
    const file = join(dir.dir, "run.recording.jsonl");
    const { code } = await trace(
      lesson,
      "--path",
      "/events",
      "--client",
      "eventsource",
      "--disconnect-after",
      "700",
      "--record",
      file,
    );
    expect(code).toBe(0);
    const read = parseRecording(await Bun.file(file).text());
    if (!read.ok) throw new Error(read.problem);
    const { header, events } = read.recording;
    expect({ by: header?.by, title: header?.title, versions: header?.versions, lanes: header?.lanes }).toEqual({
      by: "trace",
      title: "04-sse-readable-stream.ts",
      versions: [{ version: 1, source: await Bun.file(lesson).text(), path: lesson }],
      lanes: [
        {
          lane: 1,
          request: {
            client: "eventsource",
            path: "/events",
            method: "GET",
            headers: {},
            clients: 1,
            disconnectAfterMs: 700,
          },
        },
      ],
    });
    expect(events[0]!.kind).toBe("loaded");
    expect(events.some((event) => event.kind === "sse")).toBe(true);
  }, 20_000);
});

describe("the slow-client options", () => {
  test("read in units, stall for a while or for good, drop after some bytes", () => {
    const slow = (...args: string[]) => {
      const parsed = parseTraceArgs(["x.ts", ...args]);
      return parsed.ok ? parsed.args.slow : parsed.message;
    };
    expect(slow("--read-rate", "64KiB")).toEqual({ readBytesPerSecond: 65_536 });
    expect(
      slow("--read-rate", "1.5 MB/s", "--stall-after", "200", "--stall-for", "1000", "--drop-after-bytes", "4KiB"),
    ).toEqual({ readBytesPerSecond: 1_500_000, stallAfterMs: 200, stallMs: 1000, dropAfterBytes: 4096 });
    expect(slow("--stall-after", "0")).toEqual({ stallAfterMs: 0 });
    expect(slow()).toBeUndefined();
    expect(slow("--read-rate", "fast")).toBe(
      '--read-rate takes bytes a second, such as 65536, 64KiB or 1MB, not "fast"',
    );
    expect(slow("--stall-for", "100")).toBe("--stall-for needs --stall-after: when the stall begins");
  });
});
