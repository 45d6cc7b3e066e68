import { describe, expect, test } from "bun:test";
import { describeEvent } from "../src/contract/index.ts";
import { fixture, kindsOf, ofKind, only, traceSource } from "./support/timeline.ts";
import { kind } from "./support/event-log.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";

const startRunner = runnerPerTest();

describe("cleanup when the client goes away", () => {
  test("a generator's finally is recorded when it next resumes, after the wait", async () => {
    const { events } = await traceSnippet({ snippetPath: fixture("parked-generator.ts"), disconnectAfterMs: 100 });
    expect(kindsOf(events, "server", 1)).toEqual([
      "request",
      "response",
      "write",
      "abort",
      "cancel",
      "write",
      "cleanup",
    ]);
    // The yield after the cancel went to a read Bun had given up on: only the first reached the wire.
    expect(ofKind(events, "write").map((write) => [write.text, write.unsent])).toEqual([
      ["tick 0\n", undefined],
      ["tick 1\n", true],
    ]);
    const cleanup = only(events, "cleanup");
    expect(cleanup.via).toBe("generator-finally");
    // The generator sleeps 1 s between yields: its finally waits for that sleep to end.
    expect(cleanup.afterMs).toBeGreaterThan(500);
    expect(only(events, "log")).toMatchObject({ text: "cleaned up", lane: 1, line: 10 });
  });

  test("racing the sleep against req.signal runs the finally at once", async () => {
    const { events } = await traceSource(
      `export default (req: Request) => new Response(async function* () {
        try {
          for (;;) {
            yield "tick\\n";
            await Promise.race([Bun.sleep(1000), new Promise((resolve) => req.signal.addEventListener("abort", resolve))]);
          }
        } finally {
          console.log("done");
        }
      });`,
      { disconnectAfterMs: 100 },
    );
    const cleanups = ofKind(events, "cleanup");
    expect(cleanups.map((c) => c.via)).toEqual(["abort-listener", "generator-finally"]);
    expect(cleanups[1]!.afterMs).toBeLessThan(500);
  });

  test("a ReadableStream's cancel is recorded as the cleanup", async () => {
    const { events } = await traceSnippet({ snippetPath: fixture("stream-interval.ts"), disconnectAfterMs: 120 });
    expect(only(events, "cleanup").via).toBe("stream-cancel");
    expect(ofKind(events, "leak")).toEqual([]);
    const abort = only(events, "abort");
    const cancel = only(events, "cancel");
    expect(cancel.t).toBeGreaterThanOrEqual(abort.t);
  });

  test("an abort listener on req.signal is recorded as the cleanup, and what it logs is on the request's lane", async () => {
    const { events } = await traceSource(
      `export default (req: Request) => {
        let timer: any;
        const stream = new ReadableStream({ start(c) { timer = setInterval(() => c.enqueue("x"), 20); } });
        req.signal.addEventListener("abort", () => {
          clearInterval(timer);
          console.log("stopped ticking");
        });
        return new Response(stream);
      };`,
      { disconnectAfterMs: 100 },
    );
    expect(only(events, "cleanup").via).toBe("abort-listener");
    expect(ofKind(events, "leak")).toEqual([]);
    expect(only(events, "log")).toMatchObject({ text: "stopped ticking", lane: 1, line: 6 });
  });

  test("a generator stuck on a promise that never settles is reported as leaked, with its line", async () => {
    const { events } = await traceSource(
      `export default () => {
        async function* stuck() {
          yield "first\\n";
          await new Promise(() => {});
        }
        return new Response(stuck());
      };`,
      { disconnectAfterMs: 50, cleanupGraceMs: 300 },
    );
    expect(ofKind(events, "cleanup")).toEqual([]);
    expect(only(events, "leak")).toMatchObject({ what: "generator", line: 6 });
  });

  test("an interval nobody clears is reported as leaked with the line that created it", async () => {
    const { events } = await traceSnippet({ snippetPath: fixture("leaky-interval.ts"), disconnectAfterMs: 100 });
    // The interval also keeps enqueueing into the cancelled stream: both are leaks, each with its line.
    const leaks = ofKind(events, "leak").map(({ what, line, lane }) => ({ what, line, lane }));
    expect(leaks).toEqual([
      { what: "stream", line: 6, lane: 1 },
      { what: "interval", line: 4, lane: 1 },
    ]);
  });

  test("a direct stream that keeps writing after the client left is reported", async () => {
    const { events } = await traceSnippet({ snippetPath: fixture("direct-loop.ts"), disconnectAfterMs: 60 });
    expect(only(events, "leak")).toMatchObject({ what: "stream", line: 7 });
  });

  test("a stream that ends on its own runs no cleanup and leaks nothing", async () => {
    const { events } = await traceSnippet({ snippetPath: fixture("generator.ts") });
    expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "write", "write", "end"]);
    expect(only(events, "disconnect").by).toBe("server");
  });
});

describe("errors", () => {
  test("a throw mid-stream is recorded with its line, and the client sees the connection fail", async () => {
    const { events } = await traceSource(
      `export default () => new Response(async function* () {
        yield "one\\n";
        await Bun.sleep(20);
        throw new Error("broke after one");
      });`,
    );
    expect(only(events, "error")).toMatchObject({ message: "broke after one", line: 4, during: "body" });
    expect(only(events, "disconnect").by).toBe("error");
  });

  test("a handler that throws answers 500 with the stack in the snippet's own lines", async () => {
    const { events } = await traceSource(`export default () => {\n  throw new Error("handler failed");\n};`);
    expect(only(events, "error")).toMatchObject({ message: "handler failed", line: 2, during: "handler" });
    expect(only(events, "headers").status).toBe(500);
    expect(
      ofKind(events, "chunk")
        .map((c) => c.text)
        .join(""),
    ).toContain("inline.ts:2:");
  });
});

describe("console", () => {
  test("logs carry their request's lane and the snippet line", async () => {
    const { events } = await traceSource(
      `console.info("loading");\nexport default () => {\n  console.warn("serving");\n  return new Response("ok");\n};`,
      { clients: 2 },
    );
    const logs = ofKind(events, "log").map(({ level, text, lane, line }) => ({ level, text, lane, line }));
    expect(logs.sort((a, b) => a.lane - b.lane)).toEqual([
      { level: "info", text: "loading", lane: 0, line: 1 },
      { level: "warn", text: "serving", lane: 1, line: 3 },
      { level: "warn", text: "serving", lane: 2, line: 3 },
    ]);
  });
});

describe("cleanup when the server is stopped", () => {
  test("closing the runner with a generator parked in its sleep tells the abort, the unsent yield and the finally as the server stopping", async () => {
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(fixture("parked-generator.ts")).text(), fixture("parked-generator.ts"));
    const response = await fetch(runner.url);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("tick 0\n");
    const detail = "the test stopped the server while this request was open";
    expect(await runner.close(detail, 3_000)).toBe(0);
    // The client sees its connection cut, as a stopped server cuts it.
    await expect(reader.read()).rejects.toThrow();

    const server = log.events.filter((event) => event.side === "server");
    expect(kindsOf(log.events, "server")).toEqual([
      "request",
      "response",
      "write",
      "abort",
      "cancel",
      "write",
      "cleanup",
    ]);
    const [abort, cancel, unsent, cleanup] = server.slice(3);
    expect(abort).toMatchObject({ cause: "server-stopped", detail });
    expect(cancel?.kind === "cancel" && cancel.reason).toBe("the server was stopped; Bun called return() on the body");
    expect(unsent).toMatchObject({ text: "tick 1\n", unsent: true, cause: "server-stopped" });
    expect(cleanup).toMatchObject({ via: "generator-finally", cause: "server-stopped" });
    expect([unsent!, cleanup!].map((event) => describeEvent(event).detail)).toEqual([
      String.raw`7 B by yield after the server was stopped, never sent "tick 1\n"`,
      expect.stringMatching(/^generator-finally finished \d+(\.\d)? (ms|s) after the server was stopped$/),
    ]);
    expect(log.events.filter(kind("log")).map((event) => event.text)).toEqual(["cleaned up"]);
  });

  test("a direct stream that keeps writing after the server is stopped is told as a leak and a pitfall that say so", async () => {
    const { runner, log } = await startRunner({ cleanupGraceMs: 200 });
    const loop = fixture("direct-loop.ts");
    await runner.load(await Bun.file(loop).text(), loop);
    const reader = (await fetch(runner.url)).body!.getReader();
    await reader.read();
    await runner.close("the test stopped the server", 2_000);
    await expect(reader.read()).rejects.toThrow();
    expect(log.events.filter(kind("leak")).map((leak) => [leak.line, leak.detail])).toEqual([
      [7, "the stream keeps writing after the server was stopped (write() returns 0 and the loop goes on)"],
    ]);
    expect(log.events.filter(kind("pitfall")).map((pitfall) => pitfall.message)).toEqual([
      expect.stringMatching(/^the stream is written after the server was stopped \(on a ReadableStream,/),
    ]);
  });
});
