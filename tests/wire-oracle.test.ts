/**
 * Code from the SDKs' and the platform's own docs answers through the playground with the bytes
 * plain Bun puts on the wire: the same status, headers and body bytes, read with `node:http`
 * (which shows a compressed body as it travelled). The oracle is the same file run by `bun`.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { answerOf, startOracle } from "./support/oracle.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { ofKind, traceSource } from "./support/timeline.ts";

const startRunner = runnerPerTest();
const wire = join(import.meta.dir, "fixtures", "wire");

describe("documented streams answer with plain Bun's wire bytes", () => {
  test.each([
    ["ai-sdk-ui-message-stream.ts", "/"],
    ["gzip-compression-stream.ts", "/"],
  ])(
    "%s",
    async (fixture, path) => {
      const file = join(wire, fixture);
      const { runner } = await startRunner();
      const load = await runner.load(await Bun.file(file).text(), file);
      expect(load.kind).toBe("loaded");
      await using oracle = await startOracle(file);
      const [played, plain] = await Promise.all([
        answerOf(new URL(path, runner.url).href),
        answerOf(new URL(path, oracle.url).href),
      ]);
      expect(played).toEqual(plain);
    },
    30_000,
  );
});

describe("a library's own streams are not the response's writes", () => {
  test("h3's documented event stream: each push written once, one cancel, and its onClosed drawn as the cleanup", async () => {
    const { events } = await traceSnippet({
      snippetPath: join(wire, "h3-event-stream.ts"),
      path: "/sse",
      disconnectAfterMs: 350,
      cleanupGraceMs: 1_000,
    });
    const server = events.filter((event) => event.side === "server").map((event) => event.kind);
    expect(server).toEqual(["request", "response", "write", "write", "write", "abort", "cancel", "cleanup"]);
    expect(ofKind(events, "cleanup").map((event) => event.via)).toEqual(["timer-cleared"]);
    expect(ofKind(events, "leak")).toEqual([]);
    const written = ofKind(events, "write").reduce((sum, event) => sum + event.bytes, 0);
    expect(ofKind(events, "disconnect").map((event) => event.bytes)).toEqual([written]);
  }, 20_000);

  test("the AI SDK's UI message stream: its SSE lines are the writes, and the end comes after the last", async () => {
    const { events } = await traceSnippet({ snippetPath: join(wire, "ai-sdk-ui-message-stream.ts") });
    const writes = ofKind(events, "write");
    // The SDK's own object streams are neither the wire nor the snippet's: not drawn at all.
    expect(writes.every((event) => event.via === "pipe" && event.text.startsWith("data: ") && !event.upstream)).toBe(
      true,
    );
    expect(writes.at(-1)?.text).toBe("data: [DONE]\n\n");
    const [end] = ofKind(events, "end");
    expect([end?.writes, end?.bytes]).toEqual([writes.length, ofKind(events, "disconnect")[0]?.bytes]);
  }, 20_000);

  test("a cancel() that clears the stream's interval is one cleanup, the stream's own", async () => {
    const { events } = await traceSource(
      `export default () => {
        let timer: ReturnType<typeof setInterval> | undefined;
        return new Response(new ReadableStream({
          start(c) { timer = setInterval(() => c.enqueue("tick\\n"), 50); },
          cancel() { clearInterval(timer); },
        }));
      };`,
      { disconnectAfterMs: 200, cleanupGraceMs: 1_000 },
    );
    expect(ofKind(events, "cleanup").map((event) => event.via)).toEqual(["stream-cancel"]);
  }, 20_000);

  test("a compressed stream: gzip bytes on both sides, the same count, and the events read from the decoded bytes", async () => {
    const { events } = await traceSnippet({ snippetPath: join(wire, "gzip-compression-stream.ts") });
    const [chunk] = ofKind(events, "chunk");
    expect(chunk?.base64?.startsWith("H4sI")).toBe(true);
    expect(chunk?.decoded).toEqual({ encoding: "gzip", bytes: 35, text: "data: one\n\ndata: two\n\ndata: three\n\n" });
    expect(ofKind(events, "sse").map((event) => event.data)).toEqual(["one", "two", "three"]);
    const [end] = ofKind(events, "end");
    expect(ofKind(events, "disconnect").map((event) => event.bytes)).toEqual([end?.bytes ?? -1]);
    // The server side shows both: what the handler wrote into its stream, and the gzip bytes on the wire.
    const writes = ofKind(events, "write").map(({ via, upstream, bytes }) => ({ via, upstream, bytes }));
    expect(writes.filter((write) => write.upstream)).toEqual([
      { via: "enqueue", upstream: true, bytes: 11 },
      { via: "enqueue", upstream: true, bytes: 11 },
      { via: "enqueue", upstream: true, bytes: 13 },
    ]);
    const onWire = writes.filter((write) => !write.upstream);
    expect(onWire.every((write) => write.via === "pipe")).toBe(true);
    expect(onWire.reduce((sum, write) => sum + write.bytes, 0)).toBe(end?.bytes ?? -1);
  }, 20_000);
});
