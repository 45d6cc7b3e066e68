/**
 * Every end has its true cause, on both sides: the server's abort and the client's disconnect of
 * one request name the same thing, whether the client left, the server ended, the handler threw,
 * Bun's idle timeout closed a quiet stream, the lane dropped the connection or the runner went away.
 */

import { describe, expect, test } from "bun:test";
import { request } from "node:http";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { ofKind, traceSource } from "./support/timeline.ts";

const startRunner = runnerPerTest();

const endings = (name: string) => join(import.meta.dir, "fixtures", "endings", name);

/** How each side ended: the server's abort, cancel and end, and the client's disconnect, without times. */
function ends(events: readonly TimelineEvent[]) {
  const abort = ofKind(events, "abort")[0];
  const disconnect = ofKind(events, "disconnect")[0];
  return {
    abort: abort && { cause: abort.cause, idleTimeout: abort.idleTimeout },
    cancels: ofKind(events, "cancel").map((event) => event.reason.split(" (")[0]),
    ends: ofKind(events, "end").length,
    disconnect: disconnect && { by: disconnect.by, cause: disconnect.cause },
  };
}

const quietSse = `export default {
  IDLE
  fetch() {
    return new Response(new ReadableStream({ start(c) { c.enqueue("data: hello\\n\\n"); }, cancel() {} }), {
      headers: { "Content-Type": "text/event-stream" },
    });
  },
};`;

describe("idle timeouts are Bun's, not the client's", () => {
  test("server.timeout(req, 2): the abort names the request's limit and the fix, the client's reset the same cause", async () => {
    const { events } = await traceSnippet({
      snippetPath: endings("quiet-sse.ts"),
      path: "/?timeout=2",
      durationMs: 9_000,
    });
    expect(ends(events)).toEqual({
      abort: { cause: "idle-timeout", idleTimeout: { seconds: 2, source: "request" } },
      cancels: ["Bun's idle timeout closed the connection"],
      ends: 0,
      disconnect: { by: "error", cause: "idle-timeout" },
    });
    const [abort] = ofKind(events, "abort");
    expect(abort?.quietMs).toBeGreaterThanOrEqual(2_000);
    expect(abort?.detail).toContain("server.timeout(req, 0)");
    // Bun's own warning ("after 10 seconds", whatever the limit) is replaced by the abort, not echoed.
    expect(ofKind(events, "log").map((event) => event.text)).toEqual([]);
  }, 20_000);

  test("the server's idleTimeout option is named as the server's", async () => {
    const { events } = await traceSource(quietSse.replace("IDLE", "idleTimeout: 2,"), { durationMs: 9_000 });
    expect(ends(events)).toEqual({
      abort: { cause: "idle-timeout", idleTimeout: { seconds: 2, source: "server" } },
      cancels: ["Bun's idle timeout closed the connection"],
      ends: 0,
      disconnect: { by: "error", cause: "idle-timeout" },
    });
  }, 20_000);

  test("Bun's default of 10 s closes a quiet stream, and says it was the default", async () => {
    const { events } = await traceSource(quietSse.replace("IDLE", ""), { durationMs: 16_000 });
    expect(ends(events)).toEqual({
      abort: { cause: "idle-timeout", idleTimeout: { seconds: 10, source: "default" } },
      cancels: ["Bun's idle timeout closed the connection"],
      ends: 0,
      disconnect: { by: "error", cause: "idle-timeout" },
    });
  }, 30_000);

  test("every quiet stream Bun closes is told as its idle timeout, however soon after its last write Bun's sweep came", async () => {
    const { runner, log } = await startRunner();
    const path = endings("quiet-sse.ts");
    expect((await runner.load(await Bun.file(path).text(), path)).kind).toBe("loaded");
    // Clients that never leave, their starts spread over one 4 s sweep of Bun's idle timer: Bun
    // closes each at the first sweep after it (a 2 s limit), some of them well under 2 s after the
    // stream's one write. Every end is Bun's.
    const clients = 8;
    const closed = await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        await Bun.sleep(i * 500);
        return new Promise<string>((resolve) => {
          const req = request(new URL("/?timeout=2", runner.url), (res) => {
            res.on("data", () => {});
            res.on("error", () => {});
            res.on("close", () => resolve(res.complete ? "ended" : "cut by the server"));
          });
          req.on("error", (error) => resolve(`failed: ${error.message}`));
          req.end();
        });
      }),
    );
    expect(closed).toEqual(Array(clients).fill("cut by the server"));
    await runner.settle(2_000);
    const aborts = log.events.filter((event) => event.kind === "abort");
    expect(aborts.map((abort) => abort.cause)).toEqual(Array(clients).fill("idle-timeout"));
    // The case a limit's time alone would have told as the client leaving did come up.
    expect(Math.min(...aborts.map((abort) => abort.quietMs ?? Infinity))).toBeLessThan(1_000);
  }, 30_000);

  test("server.timeout(req, 0) keeps a quiet stream open until the client leaves", async () => {
    const { events } = await traceSnippet({
      snippetPath: endings("quiet-sse.ts"),
      path: "/?timeout=0",
      durationMs: 3_000,
    });
    expect(ends(events)).toEqual({
      abort: { cause: "client-left", idleTimeout: undefined },
      cancels: ["AbortError: The connection was closed."],
      ends: 0,
      disconnect: { by: "client", cause: undefined },
    });
  }, 20_000);
});

describe("the other ends", () => {
  test("a runner restarted under a stream: the server's abort and the client's reset both say so", async () => {
    const { events } = await traceSnippet({ snippetPath: endings("blocks-mid-stream.ts"), durationMs: 5_000 });
    expect(ends(events)).toEqual({
      abort: { cause: "runner-lost", idleTimeout: undefined },
      cancels: [],
      ends: 0,
      disconnect: { by: "error", cause: "runner-lost" },
    });
    expect(ofKind(events, "restarted").map((event) => event.cause)).toEqual(["blocked"]);
  }, 20_000);

  test("the client leaving, the lane dropping and the server ending are told as they are", async () => {
    const stream = `export default () => new Response(new ReadableStream({
      async pull(c) { c.enqueue("tick\\n"); await Bun.sleep(50); },
      cancel() {},
    }));`;
    const left = await traceSource(stream, { disconnectAfterMs: 300 });
    expect(ends(left.events)).toEqual({
      abort: { cause: "client-left", idleTimeout: undefined },
      cancels: ["AbortError: The connection was closed."],
      ends: 0,
      disconnect: { by: "client", cause: undefined },
    });
    const dropped = await traceSource(stream, { slow: { dropAfterBytes: 12 } });
    expect(ends(dropped.events)).toEqual({
      abort: { cause: "client-left", idleTimeout: undefined },
      cancels: ["AbortError: The connection was closed."],
      ends: 0,
      disconnect: { by: "drop", cause: undefined },
    });
    const ended = await traceSource(`export default () => new Response("all of it")`);
    expect(ends(ended.events)).toEqual({
      abort: undefined,
      cancels: [],
      ends: 1,
      disconnect: { by: "server", cause: undefined },
    });
  }, 30_000);

  test("a body that throws: the server's error mid-body, the client's broken connection, no abort", async () => {
    const { events } = await traceSource(`export default () => new Response(async function* () {
      yield "first\\n";
      throw new Error("the database went away");
    });`);
    expect(ends(events)).toEqual({
      abort: undefined,
      cancels: [],
      ends: 0,
      disconnect: { by: "error", cause: undefined },
    });
    expect(ofKind(events, "error").map(({ during, message, line }) => ({ during, message, line }))).toEqual([
      { during: "body", message: "the database went away", line: 3 },
    ]);
  }, 20_000);
});
