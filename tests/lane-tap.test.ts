import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { createLaneTap } from "../src/clients/index.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** An event without its time and lane, for whole-object comparisons. */
function fields(event: TimelineEvent) {
  const { t: _t, lane: _lane, side: _side, ...rest } = event;
  if (rest.kind === "headers")
    return { kind: rest.kind, status: rest.status, contentType: rest.headers["content-type"] };
  if (rest.kind === "reconnect") return { kind: rest.kind, lastEventId: rest.lastEventId };
  return rest;
}

/** A body the test writes into, chunk by chunk, as a server would. */
function writableBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
  });
  return { stream, write: (text: string) => controller.enqueue(encode(text)), end: () => controller.close() };
}

/** Lets every settled promise run its reactions, so a read that could go on has gone on. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function tapLane(listenTimeoutMs = 60_000) {
  const events: TimelineEvent[] = [];
  const asked: string[][] = [];
  let askedNow = Promise.withResolvers<void>();
  const tap = createLaneTap({
    lane: 3,
    now: () => performance.now(),
    emit: (event) => events.push(event),
    askToListen(types) {
      asked.push(types);
      askedNow.resolve();
      askedNow = Promise.withResolvers();
    },
    listenTimeoutMs,
  });
  /**
   * The browser's next request on the lane, with its `Last-Event-ID` (as the bytes Bun hands over, one character each).
   */
  function request(lastEventId?: string) {
    const headers: Record<string, string> =
      lastEventId === undefined ? {} : { "last-event-id": Buffer.from(lastEventId, "utf8").toString("latin1") };
    const connection = tap.connect(
      "http://127.0.0.1:9/events",
      new Request("http://127.0.0.1:8/lane/3/events", { headers }),
    );
    const body = writableBody();
    const response = new Response(body.stream, { headers: { "content-type": "text/event-stream" } });
    connection.response(response);
    return { reader: connection.body(response.body)!.getReader(), ...body };
  }
  return { tap, events, asked, nextAsk: () => askedNow.promise, request, outline: () => events.map(fields) };
}

describe("the lane tap", () => {
  test("records what passes the proxy: requests, heads, chunks, SSE the page cannot see, and each connection's end", async () => {
    const lane = tapLane();
    const first = lane.request();
    first.write("retry: 5\n: hi\nid: é🌍\n\n");
    await first.reader.read();
    first.write("data: x\n");
    first.end();
    await first.reader.read();
    expect((await first.reader.read()).done).toBe(true);
    const second = lane.request("é🌍");
    second.end();
    await second.reader.read();
    expect(lane.outline()).toEqual([
      { kind: "open", client: "browser", method: "GET", url: "http://127.0.0.1:9/events", attempt: 1 },
      { kind: "headers", status: 200, contentType: "text/event-stream" },
      { kind: "chunk", bytes: 26, text: "retry: 5\n: hi\nid: é🌍\n\n" },
      { kind: "sse-retry", ms: 5 },
      { kind: "sse-comment", text: "hi" },
      { kind: "sse-no-event", reason: "id-only", block: "retry: 5\n: hi\nid: é🌍", lastEventId: "é🌍" },
      { kind: "chunk", bytes: 8, text: "data: x\n" },
      { kind: "sse-no-event", reason: "unfinished", block: "data: x", lastEventId: "é🌍" },
      { kind: "disconnect", by: "server", bytes: 34, chunks: 2 },
      { kind: "reconnect", lastEventId: "é🌍" },
      { kind: "open", client: "browser", method: "GET", url: "http://127.0.0.1:9/events", attempt: 2 },
      { kind: "headers", status: 200, contentType: "text/event-stream" },
      { kind: "disconnect", by: "server", bytes: 0, chunks: 0 },
    ]);
  });

  test("holds a chunk that completes an event of a new type until the page listens for it", async () => {
    const lane = tapLane();
    const { reader, write } = lane.request();
    write("data: plain\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: plain\n\n");
    const asked = lane.nextAsk();
    write("event: score\ndata: 1\n\nevent: score\ndata: 2\n\nevent: final\ndata: 3\n\n");
    let delivered = false;
    const held = reader.read().then((read) => {
      delivered = true;
      return read;
    });
    await asked;
    await settle();
    expect({ asked: lane.asked, delivered }).toEqual({ asked: [["score", "final"]], delivered: false });
    lane.tap.listening(["score"]);
    await settle();
    expect(delivered).toBe(false);
    lane.tap.listening(["final"]);
    expect(new TextDecoder().decode((await held).value)).toBe(
      "event: score\ndata: 1\n\nevent: score\ndata: 2\n\nevent: final\ndata: 3\n\n",
    );
    // Types the page listens for are not asked for again.
    write("event: score\ndata: 4\n\n");
    await reader.read();
    expect(lane.asked).toEqual([["score", "final"]]);
  });

  test("a page that does not answer holds the chunk only as long as the bound", async () => {
    const lane = tapLane(5);
    const { reader, write } = lane.request();
    write("event: late\ndata: 1\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("event: late\ndata: 1\n\n");
    expect(lane.asked).toEqual([["late"]]);
  });

  test("a browser that goes away is a disconnect by the client, with what it had received", async () => {
    const lane = tapLane();
    const { reader, write } = lane.request();
    write("data: a\n\n");
    await reader.read();
    await reader.cancel();
    expect(lane.outline().at(-1)).toEqual({ kind: "disconnect", by: "client", bytes: 9, chunks: 1 });
  });

  test("a response the browser refuses is a disconnect by error that says why", async () => {
    const lane = tapLane();
    const connection = lane.tap.connect("http://127.0.0.1:9/", new Request("http://127.0.0.1:8/lane/3/"));
    const response = new Response(null, { status: 204 });
    connection.response(response);
    expect(connection.body(response.body)).toBeNull();
    expect(lane.outline().slice(1)).toEqual([
      { kind: "headers", status: 204, contentType: undefined },
      {
        kind: "disconnect",
        by: "error",
        message: "HTTP 204: the server asked the client not to reconnect",
        bytes: 0,
        chunks: 0,
      },
    ]);
  });
});
