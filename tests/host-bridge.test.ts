import { describe, expect, test } from "bun:test";
import { createEventBatcher } from "../src/main/event-batcher.ts";
import type { ClientRequest, PageRequests, TimelineEvent } from "../src/contract/index.ts";
import { openPage } from "./support/page-socket.ts";
import { letIn, startTestHost } from "./support/test-host.ts";
import { kindsOf, ofKind, receivedText } from "./support/timeline.ts";

const is =
  <K extends TimelineEvent["kind"]>(
    kind: K,
    lane?: number,
    extra: (event: Extract<TimelineEvent, { kind: K }>) => boolean = () => true,
  ) =>
  (event: TimelineEvent): event is Extract<TimelineEvent, { kind: K }> =>
    event.kind === kind &&
    (lane === undefined || event.lane === lane) &&
    extra(event as Extract<TimelineEvent, { kind: K }>);

const streamClient = (path = "/", more: Partial<ClientRequest> = {}): PageRequests["connect"]["request"] => ({
  request: { client: "stream", path, method: "GET", headers: {}, clients: 1, ...more },
});

const twoLines = `export default () => new Response(async function* () {
  yield "hello\\n";
  yield "world\\n";
}, { headers: { "content-type": "text/plain" } });`;

/** Writes one line that shows what reached it, then waits until the client goes away. */
const parked = `export default (req) => new Response(async function* () {
  yield "cookie=" + req.headers.get("cookie") + " last=" + req.headers.get("last-event-id") + " path=" + new URL(req.url).pathname + "\\n";
  try {
    await new Promise((resolve) => req.signal.addEventListener("abort", resolve));
  } finally {
    console.log("parked stream cleaned up");
  }
}, { headers: { "content-type": "text/event-stream" } });`;

describe("loading", () => {
  test("a load is answered with its load-result and every page gets the new status", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    const reply = await page.request("load", { source: twoLines });
    expect({ kind: reply.kind, version: reply.version }).toEqual({ kind: "loaded", version: 1 });
    const status = await page.until(() =>
      page.messages.findLast((m) => m.payload?.type === "status" && m.payload.status.serving === 1),
    );
    expect(status.payload).toEqual({
      type: "status",
      status: {
        runnerUrl: host.session.runnerUrl,
        serving: 1,
        timelineStart: host.session.status().timelineStart,
        clients: [],
      },
    });
  });

  test("a load that fails is a load-error result, and a relative path is refused", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    const failed = await page.request("load", { source: `export default () => new Response("x" +);` });
    const relative = await page.outcome("load", { source: twoLines, path: "relative/snippet.ts" });
    expect({
      failed: failed.kind === "load-error" && failed.failure,
      relative,
    }).toEqual({
      failed: "syntax",
      relative: {
        error: { kind: "failed", message: `load: the snippet's path must be absolute, not "relative/snippet.ts"` },
      },
    });
  });
});

describe("clients", () => {
  test("a stream client's server and client events arrive in batches on lane 1", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: twoLines });
    const connected = await page.request("connect", streamClient("/hello"));
    expect(connected).toEqual({ lanes: [{ lane: 1, url: `${new URL(host.session.runnerUrl).origin}/hello` }] });
    await page.event(is("disconnect", 1));
    await page.event(is("end", 1));
    expect({
      server: kindsOf(page.events, "server", 1),
      client: kindsOf(page.events, "client", 1),
      text: receivedText(page.events, 1),
      path: ofKind(page.events, "request", 1)[0]?.path,
    }).toEqual({
      server: ["request", "response", "write", "write", "end"],
      client: ["open", "headers", "chunk", "disconnect"],
      text: "hello\nworld\n",
      path: "/hello",
    });
  });

  test("disconnect ends a client: the client and the server both record it", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: parked });
    await page.request("connect", streamClient());
    await page.event(is("chunk", 1));
    expect(await page.request("disconnect", { lane: 1 })).toEqual({});
    const disconnect = await page.event(is("disconnect", 1));
    const abort = await page.event(is("abort", 1));
    await page.event(is("cleanup", 1, (e) => e.via === "generator-finally"));
    expect({
      by: disconnect.by,
      cleanups: ofKind(page.events, "cleanup", 1)
        .map((e) => e.via)
        .sort(),
      abortRequest: abort.requestId,
    }).toEqual({
      by: "client",
      cleanups: ["abort-listener", "generator-finally"],
      abortRequest: ofKind(page.events, "request", 1)[0]!.requestId,
    });
  });

  test("disconnectAfterMs disconnects the client by itself", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: parked });
    await page.request("connect", streamClient("/", { disconnectAfterMs: 50 }));
    const disconnect = await page.event(is("disconnect", 1));
    expect(disconnect.by).toBe("client");
  });

  test("clear empties the timeline, tells every page, and lanes start again at 1", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const page = await openPage(host, cookie);
    const other = await openPage(host, cookie);
    await page.request("load", { source: parked });
    await page.request("connect", streamClient());
    await page.request("connect", streamClient());
    await page.event(is("chunk", 2));
    const before = host.session.status().timelineStart;
    const cleared = await page.request("clear", {});
    const otherCleared = await other.push("cleared");
    expect(cleared.status.timelineStart > before).toBe(true);
    expect(otherCleared).toEqual({ type: "cleared", ...cleared });
    expect(page.pushes("cleared")).toEqual([]);
    expect(await page.request("connect", streamClient())).toEqual({
      lanes: [{ lane: 1, url: `${new URL(host.session.runnerUrl).origin}/` }],
    });
    await page.event(is("chunk", 1));
    // The old streams' aborts and cleanups belong to the forgotten timeline: only the new lane 1 shows.
    await page.request("disconnect", {});
    await page.event(is("cleanup", 1, (e) => e.via === "generator-finally"));
    const requestIds = page.events.flatMap((e) => (e.side === "server" ? [e.requestId] : []));
    expect({ lanes: [...new Set(page.events.map((e) => e.lane))], requests: [...new Set(requestIds)].length }).toEqual({
      lanes: [1],
      requests: 1,
    });
  });

  test("a page that connects later is shown the buffered timeline", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const first = await openPage(host, cookie);
    await first.request("load", { source: twoLines });
    await first.request("connect", streamClient());
    await first.event(is("disconnect", 1));
    await first.event(is("end", 1));
    const later = await openPage(host, cookie);
    await later.until(() => (later.events.length >= first.events.length ? true : undefined));
    // Greeted with its document first (a starting page shows it as soon as its editor exists), then
    // the host's status, then the buffered timeline.
    expect(later.messages.slice(0, 3).map((message) => message.payload?.type)).toEqual([
      "workspace",
      "status",
      "events",
    ]);
    expect(later.events).toEqual(first.events);
  });

  test("a browser client gets a same-origin lane URL that streams the runner's response on its lane", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const page = await openPage(host, cookie);
    await page.request("load", { source: parked });
    const connected = await page.request("connect", {
      request: { client: "browser", path: "/events?x=1", method: "GET", headers: {}, clients: 2 },
    });
    expect(connected).toEqual({
      lanes: [
        { lane: 1, url: "/lane/1/events?x=1" },
        { lane: 2, url: "/lane/2/events?x=1" },
      ],
    });

    const abort = new AbortController();
    const response = await fetch(`${host.origin}/lane/2/events?x=1`, {
      headers: { cookie, "last-event-id": "7" },
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect({
      status: response.status,
      type: response.headers.get("content-type"),
      // The first line arrives while the stream is still open: nothing is buffered on the way.
      text: new TextDecoder().decode(first.value),
    }).toEqual({ status: 200, type: "text/event-stream", text: "cookie=null last=7 path=/events\n" });
    const request = await page.event(is("request", 2));
    expect({ method: request.method, path: request.path }).toEqual({ method: "GET", path: "/events?x=1" });
    abort.abort();
    const cleanup = await page.event(is("cleanup", 2, (e) => e.via === "generator-finally"));
    expect(cleanup.requestId).toBe(request.requestId);
  });

  test("a browser lane's stream waits for the page to listen for an event type it has not heard yet", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const page = await openPage(host, cookie);
    await page.request("load", {
      source: `export default () => new Response("event: score\\ndata: 1\\n\\n", { headers: { "content-type": "text/event-stream" } });`,
    });
    await page.request("connect", {
      request: { client: "browser", path: "/", method: "GET", headers: {}, clients: 1 },
    });
    let delivered = false;
    const body = fetch(`${host.origin}/lane/1/`, { headers: { cookie } }).then(async (response) => {
      const text = await response.text();
      delivered = true;
      return text;
    });
    const asked = await page.push("browser-listen");
    expect({ asked, delivered }).toEqual({
      asked: { type: "browser-listen", lane: 1, types: ["score"] },
      delivered: false,
    });
    await page.request("browser-listening", { lane: 1, types: ["score"] });
    expect(await body).toBe("event: score\ndata: 1\n\n");
    const ended = await page.event(is("disconnect", 1));
    expect({ by: ended.by, bytes: ended.bytes, chunks: ended.chunks }).toEqual({ by: "server", bytes: 22, chunks: 1 });
  });

  test("a lane with no browser client is not proxied", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/lane/5/`, { headers: { cookie } });
    expect(response.status).toBe(404);
  });

  test("a path that looks like another host still goes to the runner", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    expect(await page.request("connect", streamClient("//elsewhere.example/"))).toEqual({
      lanes: [{ lane: 1, url: `${new URL(host.session.runnerUrl).origin}//elsewhere.example/` }],
    });
  });

  test("clock-ping is answered with the host's clock", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    const before = performance.now();
    const pong = await page.request("clock-ping", {});
    expect(pong.now >= before && pong.now <= performance.now()).toBe(true);
  });

  test("browser-events are checked, recorded and broadcast", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    const chunk: TimelineEvent = {
      t: performance.now(),
      lane: 1,
      side: "client",
      kind: "chunk",
      bytes: 3,
      text: "abc",
    };
    expect(await page.request("browser-events", { events: [chunk] })).toEqual({});
    expect(await page.event(is("chunk", 1))).toEqual(chunk);
  });
});

describe("malformed messages", () => {
  test("each is answered, with an error for its id when it has one, and the socket stays open", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    const failures = () =>
      page.messages.flatMap(
        (m): ({ push: string } | { replyId: number | undefined; kind: string; message: string })[] =>
          m.payload?.type === "failed"
            ? [{ push: m.payload.message }]
            : m.error
              ? [{ replyId: m.replyId, ...m.error }]
              : [],
      );
    page.sendRaw("not json");
    page.sendRaw(new Uint8Array([1, 2, 3]));
    page.sendRaw(JSON.stringify({ payload: { type: "clear" } }));
    page.sendRaw(JSON.stringify({ id: 101, payload: { type: "toString" } }));
    page.sendRaw(
      JSON.stringify({
        id: 102,
        payload: {
          type: "connect",
          request: { client: "stream", path: "elsewhere/", method: "GET", headers: {}, clients: 1 },
        },
      }),
    );
    page.sendRaw(
      JSON.stringify({
        id: 103,
        payload: { type: "browser-events", events: [{ t: 1, lane: 1, side: "server", kind: "chunk" }] },
      }),
    );
    await page.until(() => (failures().length === 6 ? true : undefined));
    expect(failures()).toEqual([
      { push: 'a message was not JSON: JSON Parse error: Unexpected identifier "not"' },
      { push: "messages must be JSON text, not binary" },
      { push: "malformed message: a message must be an object with a numeric id" },
      { replyId: 101, kind: "malformed", message: `malformed message: unknown message type "toString"` },
      {
        replyId: 102,
        kind: "malformed",
        message:
          "malformed message: connect.request.path must start with / (a path on the snippet's server) or be an http:, https:, ws: or wss: URL",
      },
      { replyId: 103, kind: "malformed", message: `malformed message: browser-events.events[0].side must be "client"` },
    ]);
    expect(typeof (await page.request("clock-ping", {})).now).toBe("number");
    expect(page.closed).toBe(false);
  });
});

describe("batching", () => {
  test("a flood of 200,000 chunks reaches the page in far fewer messages than events", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", {
      source: `export default () => new Response(async function* () { for (let i = 0; i < 200_000; i++) yield "x"; });`,
    });
    const before = page.messages.length;
    await page.request("connect", streamClient());
    await page.event(is("disconnect", 1));
    await page.event(is("end", 1));
    const eventMessages = page.messages.slice(before).filter((m) => m.payload?.type === "events").length;
    const folded = ofKind(page.events, "folded");
    const written =
      ofKind(page.events, "write").length + folded.filter((e) => e.of === "write").reduce((n, e) => n + e.count, 0);
    expect(written).toBe(200_000);
    expect(eventMessages * 20).toBeLessThan(page.events.length);
  }, 30_000);

  test("a batch is sent at once when it reaches maxPending, the rest after the interval", async () => {
    const batches: number[] = [];
    const { promise: rest, resolve } = Promise.withResolvers<void>();
    const batcher = createEventBatcher({
      intervalMs: 10,
      maxPending: 5_000,
      flush: (events) => {
        batches.push(events.length);
        if (batches.length === 3) resolve();
      },
    });
    for (let i = 0; i < 12_000; i++) batcher.add({ t: i, lane: 1, side: "client", kind: "chunk", bytes: 1, text: "x" });
    expect(batches).toEqual([5_000, 5_000]);
    await rest;
    expect(batches).toEqual([5_000, 5_000, 2_000]);
  });
});
