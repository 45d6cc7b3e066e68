import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { fixture, inlineSnippetPath, kindsOf, ofKind } from "./support/timeline.ts";

const cli = join(import.meta.dir, "..", "src", "cli", "trace-cli.ts");

describe("trace --duration bounds the whole trace", () => {
  test("a load still running when the duration runs out is given up and answered with a load error", async () => {
    // The top-level timeout is a minute: only the duration can end this trace.
    const result = await traceSnippet({
      snippetPath: fixture("never-loads.ts"),
      durationMs: 300,
      cleanupGraceMs: 100,
      topLevelTimeoutMs: 60_000,
    });
    expect(result.load).toMatchObject({
      kind: "load-error",
      version: 1,
      failure: "runner-lost",
      message: "the trace's --duration of 300 ms ran out while loading v1",
    });
    expect(result.events.map((e) => e.kind)).toEqual(["load-error", "summary"]);
  }, 20_000);

  test("the trace command exits once the duration is up, long before the load could have answered", async () => {
    const started = performance.now();
    const child = Bun.spawn(
      [process.execPath, cli, fixture("never-loads.ts"), "--duration", "300", "--cleanup-grace", "100", "--json"],
      { stdout: "pipe", stderr: "pipe" },
    );
    const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    const elapsed = performance.now() - started;
    const first = JSON.parse(stdout.trim().split("\n")[0]!);
    expect({ code, first: { kind: first.kind, failure: first.failure, message: first.message } }).toEqual({
      code: 1,
      first: {
        kind: "load-error",
        failure: "runner-lost",
        message: "the trace's --duration of 300 ms ran out while loading v1",
      },
    });
    // Without the bound it would have waited for the 5 s top-level timeout.
    expect(elapsed).toBeLessThan(5_000);
  }, 20_000);

  test("a stream that never ends is disconnected when the duration is up, and its cleanup is recorded", async () => {
    const source = `export default (req) => new Response(async function* () {
  try {
    for (;;) {
      yield "tick\\n";
      await Bun.sleep(20);
    }
  } finally {
    console.log("cleaned up");
  }
});`;
    const result = await traceSnippet({ snippetPath: inlineSnippetPath, source, durationMs: 300, cleanupGraceMs: 500 });
    expect({
      load: result.load.kind,
      disconnect: ofKind(result.events, "disconnect", 1).map((e) => e.by),
      cleanup: ofKind(result.events, "cleanup", 1).map((e) => e.via),
      client: kindsOf(result.events, "client", 1).at(-1),
    }).toEqual({ load: "loaded", disconnect: ["client"], cleanup: ["generator-finally"], client: "disconnect" });
  }, 20_000);
});

describe("a trace that runs past its duration says why", () => {
  test("an Elysia WebSocket trace: the wait for the server's cleanup is announced, and the trace ends within it", async () => {
    const elysia = join(import.meta.dir, "fixtures", "frameworks", "elysia-ws.ts");
    const started = performance.now();
    const child = Bun.spawn(
      [process.execPath, cli, elysia, "--path", "/ws", "--client", "websocket", "--send", "hi"].concat([
        "--duration",
        "1000",
        "--cleanup-grace",
        "800",
        "--json",
      ]),
      { stdout: "pipe", stderr: "pipe" },
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const elapsed = performance.now() - started;
    const waits = [...stderr.matchAll(/waiting up to (\d+) ms/g)].map((match) => Number(match[1]));
    // At most one announcement, naming the wait that follows.
    expect({ code, announcements: Math.min(waits.length, 2) }).toEqual({
      code: 0,
      announcements: waits.length > 0 ? 1 : 0,
    });
    // The duration, the wait it printed (if any), and the runner's start (its own load time is in the output).
    const loaded = JSON.parse(stdout.split("\n")[0]!) as { t: number };
    expect(elapsed).toBeLessThan(1_000 + (waits[0] ?? 0) + loaded.t + 1_500);
  }, 30_000);
});
