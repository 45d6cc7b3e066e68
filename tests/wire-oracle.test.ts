/**
 * Code from the SDKs' and the platform's own docs answers through the playground with the bytes
 * plain Bun puts on the wire: the same status, headers and body bytes, read with `node:http`
 * (which shows a compressed body as it travelled). The oracle is the same file run by `bun`.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import OpenAI from "openai";
import type { TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { answerOf, startOracle } from "./support/oracle.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { ofKind, traceSource } from "./support/timeline.ts";

const startRunner = runnerPerTest();
const fixtures = join(import.meta.dir, "fixtures");
const wire = join(fixtures, "wire");

describe("documented streams answer with plain Bun's wire bytes", () => {
  const chatRequest: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", stream: true, messages: [{ role: "user", content: "hi" }] }),
  };
  test.each([
    ["wire/ai-sdk-ui-message-stream.ts", ["/"]],
    ["wire/gzip-compression-stream.ts", ["/"]],
    ["wire/openai-chat-stream.ts", ["/v1/chat/completions"]],
    ["snippets/documented/bun-file-and-spawn-bodies.ts", ["/file", "/spawn", "/"]],
    ["snippets/documented/bun-generator-function-body.ts", ["/"]],
    ["snippets/documented/bun-generator-object-body.ts", ["/"]],
    ["snippets/documented/bun-async-iterable-object.ts", ["/"]],
  ] as const)(
    "%s",
    async (fixture, paths) => {
      const file = join(fixtures, fixture);
      const { runner } = await startRunner();
      const load = await runner.load(await Bun.file(file).text(), file);
      expect(load.kind).toBe("loaded");
      await using oracle = await startOracle(file);
      for (const path of paths) {
        const init = path.startsWith("/v1/") ? chatRequest : undefined;
        const [played, plain] = await Promise.all([
          answerOf(new URL(path, runner.url).href, init),
          answerOf(new URL(path, oracle.url).href, init),
        ]);
        // A child's stdout that has ended by the time Bun sends it goes as one typed body, else as a
        // stream with no type: plain Bun itself answers either way, so only its bytes are compared.
        const comparable = (answer: typeof played) => (path === "/spawn" ? { ...answer, headers: {} } : answer);
        expect({ path, ...comparable(played) }).toEqual({ path, ...comparable(plain) });
      }
    },
    30_000,
  );

  test("the official openai client reads the same reply through the playground as from plain Bun", async () => {
    const file = join(wire, "openai-chat-stream.ts");
    const { runner } = await startRunner();
    await runner.load(await Bun.file(file).text(), file);
    await using oracle = await startOracle(file);
    const read = async (origin: string) => {
      const client = new OpenAI({ apiKey: "test", baseURL: new URL("/v1", origin).href, maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: "gpt-test",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      const parts: { content: string; finish: string | null }[] = [];
      for await (const chunk of stream)
        parts.push({ content: chunk.choices[0]?.delta.content ?? "", finish: chunk.choices[0]?.finish_reason ?? null });
      return parts;
    };
    const [played, plain] = await Promise.all([read(runner.url), read(oracle.url)]);
    expect(played).toEqual(plain);
    expect(played.map((part) => part.content).join("")).toBe("Hello from a stream.");
  }, 30_000);
});

describe("Bun's static routes keep Bun's semantics", () => {
  test("each route, HEAD, If-None-Match (exact, weak, in a list, *) and another method answer as plain Bun answers", async () => {
    const file = join(wire, "bun-static-routes.ts");
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(file).text(), file);
    await using oracle = await startOracle(file);
    const routes = ["/api/status", "/api/config", "/created", "/bytes", "/empty", "/tagged", "/moved"];
    for (const path of routes) {
      const etag = (await answerOf(new URL(path, oracle.url).href)).headers.etag ?? '"none"';
      const inits: (RequestInit | undefined)[] = [
        undefined,
        { method: "HEAD" },
        { method: "POST", body: "" },
        { headers: { "if-none-match": etag } },
        { headers: { "if-none-match": `W/${etag}` } },
        { headers: { "if-none-match": `"other", ${etag}` } },
        { headers: { "if-none-match": "*" } },
        { headers: { "if-none-match": '"other"' } },
      ];
      for (const init of inits) {
        const [played, plain] = await Promise.all([
          answerOf(new URL(path, runner.url).href, init),
          answerOf(new URL(path, oracle.url).href, init),
        ]);
        expect({ path, init, ...played }).toEqual({ path, init, ...plain });
      }
    }
    // And every one of those requests is on the timeline (the last ones may still be on their way over IPC).
    const requests = () => ofKind(log.events, "request").length;
    while (requests() < routes.length * 8) await log.next((e): e is TimelineEvent => e.kind === "request");
    expect(requests()).toBe(routes.length * 8);
  }, 60_000);
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
    const writes = ofKind(events, "write");
    // A push every 100 ms and the client gone at 350 ms: three on a quiet machine, fewer when the
    // handler starts late on a busy one. Each push is one write of its own event, 100 ms after the last.
    expect(server).toEqual([
      "request",
      "response",
      ...writes.map(() => "write" as const),
      "abort" as const,
      "cancel" as const,
      "cleanup" as const,
    ]);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.map((event) => event.text)).toEqual(writes.map(() => "data: Hello world\n\n"));
    for (const [earlier, later] of writes.slice(0, -1).map((event, i) => [event, writes[i + 1]!] as const))
      expect(later.t - earlier.t).toBeGreaterThan(50);
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

describe("where a write came from", () => {
  test("an enqueue and a res.write name the snippet line that made them; a yield names none", async () => {
    const { events } = await traceSource(`export default () => new Response(new ReadableStream({
  start(c) {
    c.enqueue("one\\n");
    c.enqueue("two\\n");
    c.close();
  },
}));`);
    expect(ofKind(events, "write").map(({ via, line }) => ({ via, line }))).toEqual([
      { via: "enqueue", line: 3 },
      { via: "enqueue", line: 4 },
    ]);
    const node = await traceSnippet({ snippetPath: join(fixtures, "frameworks", "node-http.ts"), path: "/stream" });
    const lines = new Set(ofKind(node.events, "write").map((event) => event.line));
    expect([...lines].every((line) => typeof line === "number")).toBe(true);
    const generator = await traceSource(`export default () => new Response(async function* () { yield "a"; });`);
    expect(ofKind(generator.events, "write").map((event) => event.line)).toEqual([undefined]);
  }, 20_000);

  test("a generator that writes through the sink its yield gives back: plain Bun's bytes, each write in its place", async () => {
    const file = join(wire, "generator-sink-writes.ts");
    const { runner } = await startRunner();
    expect((await runner.load(await Bun.file(file).text(), file)).kind).toBe("loaded");
    await using oracle = await startOracle(file);
    const [played, plain] = await Promise.all([answerOf(runner.url), answerOf(oracle.url)]);
    expect(played).toEqual(plain);
    expect(plain.body).toBe("data: one\n\ndata: two\n\ndata: three\n\n");
    const { events } = await traceSnippet({ snippetPath: file });
    expect(ofKind(events, "write").map(({ via, line, bytes }) => ({ via, line, bytes }))).toEqual([
      { via: "yield", line: undefined, bytes: 11 },
      { via: "write", line: 11, bytes: 11 },
      { via: "yield", line: undefined, bytes: 13 },
    ]);
    const received = ofKind(events, "chunk").reduce((sum, chunk) => sum + chunk.bytes, 0);
    expect(ofKind(events, "end")[0]?.bytes).toBe(received);
  }, 20_000);
});
