/**
 * WebSocket handlers in the runner, traced on both sides: echo, pub/sub across clients, close codes
 * both ways, a reload with sockets open, a handler that throws, backpressure and drain, leaks, and
 * Deno's `Deno.upgradeWebSocket`. Where plain Bun can say what a client should get, it does.
 */

import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { kind } from "./support/event-log.ts";
import { startOracle } from "./support/oracle.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { fixture, inlineSnippetPath, kindsOf, ofKind, only, traceSource } from "./support/timeline.ts";
import { bareSession, nextMessage, nextOnServer, openSocket } from "./support/websocket-clients.ts";

const startRunner = runnerPerTest();
const documented = (name: string) => fixture(`documented/${name}`);
const websocketFixture = (name: string) => fixture(`websocket/${name}`);

/** Text of the messages one side of a lane sent or received, in order. */
function texts(
  events: readonly TimelineEvent[],
  side: "server" | "client",
  kindName: "ws-message" | "ws-send",
  lane = 1,
): string[] {
  return events
    .filter((e) => e.side === side && e.kind === kindName && e.lane === lane)
    .map((e) => ("text" in e ? e.text : ""));
}

type ServerOf<K extends TimelineEvent["kind"]> = Extract<TimelineEvent, { kind: K; side: "server" }>;

/** The server's events of one kind (and lane), typed. */
function onServer<K extends TimelineEvent["kind"]>(
  events: readonly TimelineEvent[],
  kindName: K,
  lane?: number,
): ServerOf<K>[] {
  return events.filter(
    (e): e is ServerOf<K> => e.kind === kindName && e.side === "server" && (lane === undefined || e.lane === lane),
  );
}

/**
 * Server events before client events, each in time order: the runner's arrive in batches, so arrival order is not time
 * order.
 */
function bySide(events: readonly TimelineEvent[]): TimelineEvent[] {
  const order = { runner: 0, server: 1, client: 2 };
  return [...events].sort((a, b) => order[a.side] - order[b.side] || a.t - b.t);
}

/** A server's or client's WebSocket event without time and place, for whole-object comparisons. */
function fields(event: TimelineEvent): Record<string, unknown> {
  const {
    t: _t,
    lane: _lane,
    side: _side,
    requestId: _requestId,
    ...rest
  } = event as TimelineEvent & { requestId?: number };
  return rest;
}

const echo = (label: string) => `
export default {
  fetch(req, server) {
    return server.upgrade(req) ? undefined : new Response("upgrade required", { status: 426 });
  },
  websocket: {
    message(ws, message) {
      ws.send("${label}: " + message);
    },
  },
};`;

describe("echo", () => {
  test("the echo server from Bun's WebSocket guide answers each message, as plain Bun does, with both sides on the timeline", async () => {
    const path = websocketFixture("bun-guide-echo.ts");
    const { load, events } = await traceSnippet({
      snippetPath: path,
      client: "websocket",
      send: ["hello", "world"],
      durationMs: 1_000,
    });
    expect(load).toMatchObject({ kind: "loaded", form: "bun-serve", notices: [] });
    await using oracle = await startOracle(path);
    const plain = await bareSession(oracle.url, ["hello", "world"], 2, { code: 1000, reason: "" });

    expect(kindsOf(events, "server", 1)).toEqual([
      "request",
      "response",
      "ws-open",
      "ws-message",
      "ws-send",
      "ws-message",
      "ws-send",
      "ws-close",
    ]);
    expect(kindsOf(events, "client", 1)).toEqual([
      "open",
      "ws-open",
      "ws-send",
      "ws-send",
      "ws-message",
      "ws-message",
      "ws-close",
    ]);
    expect(texts(events, "client", "ws-message")).toEqual(plain.messages);
    expect(texts(events, "server", "ws-message")).toEqual(["hello", "world"]);
    expect(onServer(events, "ws-send").map(fields)).toEqual([
      { kind: "ws-send", version: 1, bytes: 15, binary: false, text: "You said: hello", result: 15, via: "send" },
      { kind: "ws-send", version: 1, bytes: 15, binary: false, text: "You said: world", result: 15, via: "send" },
    ]);
    expect(bySide(ofKind(events, "ws-close")).map(fields)).toEqual([
      { kind: "ws-close", version: 1, code: 1000, reason: "" },
      // The trace ended the lane: the client began the close.
      { kind: "ws-close", code: 1000, reason: "", wasClean: true, by: "client" },
    ]);
    expect(
      ofKind(events, "log").map((log) => ({
        text: log.text.replace(/:\d+$/, ":PORT"),
        line: log.line,
        lane: log.lane,
      })),
    ).toEqual([
      { text: "Listening on 127.0.0.1:PORT", line: 28, lane: 0 },
      { text: "Received hello", line: 21, lane: 1 },
      { text: "Received world", line: 21, lane: 1 },
    ]);
  }, 20_000);

  test("the upgrade example from Bun's Server API reference, pasted verbatim, is served on /chat and its fall-through Response is ignored, as Bun ignores it", async () => {
    const { events } = await traceSnippet({
      snippetPath: documented("bun-upgrade-chat.ts"),
      path: "/chat",
      client: "websocket",
      send: ["hello"],
      durationMs: 1_000,
    });
    expect(only(events, "response")).toMatchObject({ status: 101, body: "none" });
    expect(fields(only(onServer(events, "ws-open"), "ws-open"))).toEqual({
      kind: "ws-open",
      version: 1,
      data: '{"user":"John Doe"}',
    });
    expect(ofKind(events, "log").map((log) => ({ text: log.text, line: log.line }))).toEqual([
      { text: "Client connected", line: 6 },
      { text: "Client sent message hello", line: 9 },
      { text: "Client disconnected", line: 12 },
    ]);
    expect(ofKind(events, "error")).toEqual([]);
    expect(kindsOf(events, "server", 1)).toEqual(["request", "response", "ws-open", "ws-message", "ws-close"]);
  }, 20_000);

  test("routes that upgrade, and export default { fetch, websocket }, are served like Bun.serve's", async () => {
    const { events } = await traceSource(
      `export default {
        routes: { "/ws": (req, server) => (server.upgrade(req, { headers: { "x-room": "lobby" } }) ? undefined : new Response("no", { status: 400 })) },
        fetch: () => new Response("plain"),
        websocket: { message: (ws, message) => ws.sendText(String(message).toUpperCase()) },
      };`,
      { path: "/ws", client: "websocket", send: ["shout"], durationMs: 1_000 },
    );
    expect(only(events, "response").headers).toEqual({
      upgrade: "websocket",
      connection: "Upgrade",
      "x-room": "lobby",
    });
    expect(texts(events, "client", "ws-message")).toEqual(["SHOUT"]);
    expect(onServer(events, "ws-send").map((e) => e.via)).toEqual(["sendText"]);
  }, 20_000);

  test("binary messages travel as binary frames and show as hex", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `export default { fetch: (req, server) => server.upgrade(req) ? undefined : new Response("no"), websocket: { message: (ws, m) => ws.sendBinary(m) } };`,
      inlineSnippetPath,
    );
    const socket = await openSocket(log, runner.url, 1);
    const reply = nextMessage(log, 1);
    const received = nextOnServer(log, "ws-message", 1);
    socket.messages.send(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(fields(await reply)).toEqual({ kind: "ws-message", bytes: 4, binary: true, text: "de ad be ef" });
    expect(fields(await received)).toEqual({
      kind: "ws-message",
      version: 1,
      bytes: 4,
      binary: true,
      text: "de ad be ef",
    });
    socket.disconnect();
    await socket.done;
  });

  test("a fetch handler whose version has no websocket option cannot upgrade, with Bun's error at its line", async () => {
    const { events } = await traceSource(
      `export default (req, server) => {\n  server.upgrade(req);\n  return new Response("unreachable");\n};`,
      { client: "websocket", durationMs: 1_000 },
    );
    expect(only(events, "error")).toMatchObject({
      message: 'To enable websocket support, set the "websocket" object in Bun.serve({})',
      line: 2,
      during: "handler",
    });
    expect(only(events, "ws-close")).toMatchObject({ side: "client", code: 1006, wasClean: false });
  }, 20_000);
});

describe("pub/sub across clients", () => {
  test("ws.publish reaches the other subscribers, server.publish reaches all, and each delivery is a ws-send on its own lane", async () => {
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(websocketFixture("chat.ts")).text(), websocketFixture("chat.ts"));
    const names = ["ann", "bob", "cy"];
    const welcomed = names.map((_, i) => nextMessage(log, i + 1));
    const sockets = await Promise.all(
      names.map((name, i) => openSocket(log, runner.url, i + 1, { path: `/?name=${name}` })),
    );
    await Promise.all(welcomed);

    const relayed = [nextMessage(log, 2), nextMessage(log, 3)];
    sockets[0]!.messages.send("hi");
    expect((await Promise.all(relayed)).map((e) => e.text)).toEqual(["ann: hi", "ann: hi"]);

    const announced = [1, 2, 3].map((lane) => nextMessage(log, lane));
    const lastDelivery = nextOnServer(log, "ws-send", 3, (e) => e.text === "announcement: tea");
    const answer = await (await fetch(new URL("/announce", runner.url), { method: "POST", body: "tea" })).text();
    expect((await Promise.all(announced)).map((e) => e.text)).toEqual([
      "announcement: tea",
      "announcement: tea",
      "announcement: tea",
    ]);
    expect(answer).toBe("reached 17 bytes");
    await lastDelivery;
    // The POST came from outside the test's lanes: the server.publish it made is on its lane.
    const announceLane = ofKind(log.events, "request").find((e) => e.path === "/announce")!.lane;
    expect(ofKind(log.events, "open").find((e) => e.lane === announceLane)?.outside).toMatch(/^127\.0\.0\.1:\d+$/);

    expect(
      ofKind(log.events, "ws-publish").map((e): Record<string, unknown> => ({ lane: e.lane, ...fields(e) })),
    ).toEqual([
      {
        lane: 1,
        kind: "ws-publish",
        version: 1,
        bytes: 7,
        binary: false,
        text: "ann: hi",
        topic: "chat",
        subscribers: 2,
        result: 7,
        by: "ws",
      },
      {
        lane: announceLane,
        kind: "ws-publish",
        version: 1,
        bytes: 17,
        binary: false,
        text: "announcement: tea",
        topic: "chat",
        subscribers: 3,
        result: 17,
        by: "server",
      },
    ]);
    const deliveries = onServer(log.events, "ws-send")
      .filter((e) => e.via === "publish")
      .map((e) => ({ lane: e.lane, text: e.text, topic: e.topic }));
    expect(deliveries).toEqual([
      { lane: 2, text: "ann: hi", topic: "chat" },
      { lane: 3, text: "ann: hi", topic: "chat" },
      { lane: 1, text: "announcement: tea", topic: "chat" },
      { lane: 2, text: "announcement: tea", topic: "chat" },
      { lane: 3, text: "announcement: tea", topic: "chat" },
    ]);
    expect(texts(log.events, "client", "ws-message", 1)).toEqual(["welcome, ann", "announcement: tea"]);
    for (const socket of sockets) socket.disconnect();
    await Promise.all(sockets.map((socket) => socket.done));
  });
});

describe("close codes both ways", () => {
  test("a client's close code and reason reach the server's close handler, as with plain Bun", async () => {
    const path = websocketFixture("close-codes.ts");
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(path).text(), path);
    const socket = await openSocket(log, runner.url, 1);
    const echoed = nextMessage(log, 1);
    socket.messages.send("ping");
    await echoed;
    const serverClosed = nextOnServer(log, "ws-close", 1);
    socket.messages.close(4001, "client bye");
    await Promise.all([socket.done, serverClosed, log.next(kind("log"))]);
    await using oracle = await startOracle(path);
    const plain = await bareSession(oracle.url, ["ping"], 1, { code: 4001, reason: "client bye" });

    const closes = bySide(ofKind(log.events, "ws-close"));
    expect(closes.map((e): Record<string, unknown> => ({ side: e.side, ...fields(e) }))).toEqual([
      { side: "server", kind: "ws-close", version: 1, code: 4001, reason: "client bye" },
      { side: "client", kind: "ws-close", ...plain.close, by: "client" },
    ]);
    expect(only(log.events, "log").text).toBe("closed 4001 client bye");
  });

  test("the server's ws.close(4002, reason) reaches the client, as with plain Bun", async () => {
    const path = websocketFixture("close-codes.ts");
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(path).text(), path);
    const socket = await openSocket(log, runner.url, 1);
    const serverClosed = nextOnServer(log, "ws-close", 1);
    socket.messages.send("close-me");
    await Promise.all([socket.done, serverClosed]);
    await using oracle = await startOracle(path);
    const plain = await bareSession(oracle.url, ["close-me"], 0);

    expect(plain.close).toEqual({ code: 4002, reason: "server says bye", wasClean: true });
    expect(
      bySide(ofKind(log.events, "ws-close")).map((e): Record<string, unknown> => ({ side: e.side, ...fields(e) })),
    ).toEqual([
      { side: "server", kind: "ws-close", version: 1, code: 4002, reason: "server says bye" },
      { side: "client", kind: "ws-close", ...plain.close, by: "server" },
    ]);
  });

  test("a close code the protocol does not allow is refused on the client, and nothing is sent", async () => {
    const { runner, log } = await startRunner();
    await runner.load(echo("v1"), inlineSnippetPath);
    const socket = await openSocket(log, runner.url, 1);
    expect(() => socket.messages.close(1004, "reserved")).toThrow();
    const echoed = nextMessage(log, 1);
    socket.messages.send("still open");
    expect((await echoed).text).toBe("v1: still open");
    socket.disconnect();
    await socket.done;
  });
});

describe("reload with sockets open", () => {
  test("an open socket survives a reload and its next message is served by the new version; new sockets open on it too", async () => {
    const { runner, log } = await startRunner();
    await runner.load(echo("v1"), inlineSnippetPath);
    const socket = await openSocket(log, runner.url, 1);
    let reply = nextMessage(log, 1);
    socket.messages.send("a");
    expect((await reply).text).toBe("v1: a");

    expect(await runner.load(echo("v2"), inlineSnippetPath)).toMatchObject({ kind: "loaded", version: 2 });
    reply = nextMessage(log, 1);
    const served = nextOnServer(log, "ws-send", 1, (e) => e.version === 2);
    socket.messages.send("b");
    expect((await reply).text).toBe("v2: b");
    const freshOpen = nextOnServer(log, "ws-open", 2);
    const fresh = await openSocket(log, runner.url, 2);
    await Promise.all([served, freshOpen]);

    const server = (name: "ws-message" | "ws-send" | "ws-open", lane = 1) =>
      onServer(log.events, name, lane).map((e) => e.version);
    expect({
      open: server("ws-open"),
      messages: server("ws-message"),
      sends: server("ws-send"),
      fresh: server("ws-open", 2),
    }).toEqual({ open: [1], messages: [1, 2], sends: [1, 2], fresh: [2] });
    expect(ofKind(log.events, "ws-close")).toEqual([]);
    for (const open of [socket, fresh]) open.disconnect();
    await Promise.all([socket.done, fresh.done]);
  });

  test("a runner due to be replaced for its imports waits while a socket is open, so the socket is not dropped", async () => {
    const { runner, log } = await startRunner({ recycleAfterLoads: 2 });
    await runner.load(echo("v1"), inlineSnippetPath);
    const socket = await openSocket(log, runner.url, 1);
    await nextOnServer(log, "ws-open", 1);
    for (const label of ["v2", "v3", "v4"])
      expect((await runner.load(echo(label), inlineSnippetPath)).kind).toBe("loaded");
    const reply = nextMessage(log, 1);
    socket.messages.send("still here");
    expect((await reply).text).toBe("v4: still here");
    expect(ofKind(log.events, "restarted")).toEqual([]);
    socket.disconnect();
    await socket.done;
  });

  test("a version without a websocket option leaves the last handlers serving open sockets, as Bun's reload does", async () => {
    const { runner, log } = await startRunner();
    await runner.load(echo("v1"), inlineSnippetPath);
    const socket = await openSocket(log, runner.url, 1);
    await runner.load(`export default () => new Response("http only");`, inlineSnippetPath);
    const reply = nextMessage(log, 1);
    socket.messages.send("still here");
    expect((await reply).text).toBe("v1: still here");
    socket.disconnect();
    await socket.done;
  });
});

describe("errors in handlers", () => {
  test("a throw in message is recorded at its line, once, and the socket stays open as under plain Bun", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
  websocket: {
    message(ws, message) {
      if (message === "boom") throw new Error("boom in message");
      ws.send("ok: " + message);
    },
  },
};`,
      inlineSnippetPath,
    );
    const socket = await openSocket(log, runner.url, 1);
    const failed = log.next(kind("error"));
    socket.messages.send("boom");
    expect(fields(await failed)).toMatchObject({
      kind: "error",
      version: 1,
      message: "boom in message",
      line: 5,
      during: "websocket",
      handler: "message",
    });
    const reply = nextMessage(log, 1);
    socket.messages.send("after");
    expect((await reply).text).toBe("ok: after");
    expect(ofKind(log.events, "uncaught")).toEqual([]);
    socket.disconnect();
    await socket.done;
  });

  test("a message handler's promise that rejects is recorded, and a throw still reaches the snippet's own error handler", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
  websocket: {
    message(ws, message) {
      if (message === "sync") throw new Error("thrown");
      return (async () => { await null; throw new Error("rejected"); })();
    },
    error(error, ws) {
      ws.send("error handler: " + error.message);
    },
  },
};`,
      inlineSnippetPath,
    );
    const socket = await openSocket(log, runner.url, 1);
    const rejected = log.next(kind("error"));
    socket.messages.send("async");
    expect(await rejected).toMatchObject({ message: "rejected", line: 6, handler: "message" });
    // A synchronous throw goes on to Bun, which hands it to the snippet's error handler.
    const thrown = log.next(kind("error"));
    const handled = nextMessage(log, 1);
    socket.messages.send("sync");
    expect(await thrown).toMatchObject({ message: "thrown", line: 5, handler: "message" });
    expect((await handled).text).toBe("error handler: thrown");
    expect(ofKind(log.events, "uncaught")).toEqual([]);
    socket.disconnect();
    await socket.done;
  });
});

describe("backpressure", () => {
  test("send returns −1 once Bun queues behind backpressure, drain follows, and every message arrives", async () => {
    // A client that reads as fast as it can may keep up with all 64 MiB on an idle loopback, and Bun
    // then never queues: this one reads nothing for its first half second.
    const { runner, log } = await startRunner();
    await runner.load(
      `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
  websocket: {
    message(ws) {
      const chunk = new Uint8Array(1024 * 1024);
      for (let i = 0; i < 64; i++) if (ws.send(chunk) === -1) break;
    },
    drain(ws) {
      ws.send("drained");
    },
  },
};`,
      inlineSnippetPath,
    );
    const socket = await openSocket(log, runner.url, 1, { slow: { stallAfterMs: 0, stallMs: 500 } });
    const drained = log.next(
      (e): e is Extract<TimelineEvent, { kind: "ws-message" }> =>
        e.kind === "ws-message" && e.side === "client" && e.text === "drained",
    );
    const sentDrained = nextOnServer(log, "ws-send", 1, (e) => e.text === "drained");
    socket.messages.send("go");
    await Promise.all([drained, sentDrained]);
    const sends = onServer(log.events, "ws-send");
    const big = sends.filter((e) => e.bytes === 1024 * 1024);
    expect(big.slice(0, -1).every((e) => e.result === 1024 * 1024)).toBe(true);
    expect(big.at(-1)!.result).toBe(-1);
    const drainAt = only(log.events, "ws-drain").t;
    expect(drainAt).toBeGreaterThan(big.at(-1)!.t);
    expect(sends.at(-1)).toMatchObject({ text: "drained", via: "send" });
    expect(sends.at(-1)!.t).toBeGreaterThanOrEqual(drainAt);
    const received = ofKind(log.events, "ws-message").filter((e) => e.side === "client");
    expect(received.length).toBe(big.length + 1);
    socket.disconnect();
    await socket.done;
  });
});

describe("leaks", () => {
  const ticking = (cleanup: string) => `export default {
  fetch: (req, server) => (server.upgrade(req, { data: { timer: undefined } }) ? undefined : new Response("no")),
  websocket: {
    open(ws) {
      ws.data.timer = setInterval(() => ws.send("tick"), 20);
    },
    message() {},
    close(ws) {
      ${cleanup}
    },
  },
};`;

  test("an interval a socket started and nobody cleared is a leak at its line once the socket closed", async () => {
    const { events } = await traceSource(ticking("// forgot clearInterval"), {
      client: "websocket",
      durationMs: 300,
      cleanupGraceMs: 300,
    });
    const leak = only(events, "leak");
    expect({ what: leak.what, line: leak.line, lane: leak.lane }).toEqual({ what: "interval", line: 5, lane: 1 });
    expect(leak.detail).toContain("WebSocket is still running after it closed");
    expect(leak.t).toBeGreaterThan(only(onServer(events, "ws-close"), "ws-close").t);
  }, 20_000);

  test("clearing it in close leaves nothing behind", async () => {
    const { events } = await traceSource(ticking("clearInterval(ws.data.timer);"), {
      client: "websocket",
      durationMs: 300,
      cleanupGraceMs: 300,
    });
    expect(ofKind(events, "leak")).toEqual([]);
    expect(texts(events, "client", "ws-message").length).toBeGreaterThanOrEqual(3);
  }, 20_000);
});

describe("flood control", () => {
  test("a chatty socket folds into counts that add up on both sides", async () => {
    const total = 30_000;
    const { events } = await traceSource(
      `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
  websocket: { open(ws) { for (let i = 0; i < ${total}; i++) ws.send("m" + (i % 10)); }, message() {} },
};`,
      { client: "websocket", durationMs: 1_500 },
    );
    const count = (side: "server" | "client", of: "ws-send" | "ws-message") =>
      events.filter((e) => e.side === side && e.kind === of).length +
      ofKind(events, "folded")
        .filter((e) => e.side === side && e.of === of)
        .reduce((n, e) => n + e.count, 0);
    expect({ sent: count("server", "ws-send"), received: count("client", "ws-message") }).toEqual({
      sent: total,
      received: total,
    });
    // Every byte too: "m0" … "m9" are two bytes each.
    const receivedBytes =
      events.filter((e) => e.side === "client" && e.kind === "ws-message").length * 2 +
      ofKind(events, "folded")
        .filter((e) => e.side === "client" && e.of === "ws-message")
        .reduce((n, e) => n + e.bytes, 0);
    expect(receivedBytes).toBe(total * 2);
    expect(ofKind(events, "folded").length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(total);
  }, 20_000);

  test("a client's burst of sends folds into counts and bytes that add up on both sides, in time order", async () => {
    const total = 20_000;
    const send = Array.from({ length: total }, (_, i) => `é${i % 10}`);
    const { events } = await traceSource(
      `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
  websocket: { message() {} },
};`,
      { client: "websocket", send, durationMs: 1_500 },
    );
    const tally = (side: "server" | "client", of: "ws-send" | "ws-message") => {
      const one = events.filter((e) => e.side === side && e.kind === of);
      const folds = ofKind(events, "folded").filter((e) => e.side === side && e.of === of);
      return {
        count: one.length + folds.reduce((n, e) => n + e.count, 0),
        // "é" is two bytes in UTF-8, its digit one.
        bytes: one.length * 3 + folds.reduce((n, e) => n + e.bytes, 0),
      };
    };
    expect(tally("client", "ws-send")).toEqual({ count: total, bytes: total * 3 });
    expect(tally("server", "ws-message")).toEqual({ count: total, bytes: total * 3 });
    const clientSide = events.filter((e) => e.side === "client" && e.lane === 1);
    for (let i = 1; i < clientSide.length; i++) expect(clientSide[i]!.t).toBeGreaterThanOrEqual(clientSide[i - 1]!.t);
  }, 20_000);
});

describe("a busy socket is not a blocked runner", () => {
  test("messages that keep the runner busy past the watchdog's limit, handled one after another, do not get it restarted", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
  websocket: {
    message(ws, message) {
      // 60 ms of work per message, 24 messages in one burst: about 1.4 s without a timer running.
      const until = performance.now() + 60;
      while (performance.now() < until);
      ws.send("done " + message);
    },
  },
};`,
      inlineSnippetPath,
    );
    const socket = await openSocket(log, runner.url, 1);
    const last = log.next(
      (e): e is Extract<TimelineEvent, { kind: "ws-message" }> =>
        e.kind === "ws-message" && e.side === "client" && e.text === "done 24",
    );
    for (let i = 1; i <= 24; i++) socket.messages.send(String(i));
    await last;
    expect(ofKind(log.events, "restarted")).toEqual([]);
    socket.disconnect();
    await socket.done;
  });
});

describe("Deno.upgradeWebSocket", () => {
  test("Deno's documented upgrade runs as written: the socket's listeners answer, traced like Bun's handlers", async () => {
    const { load, events } = await traceSnippet({
      snippetPath: documented("deno-upgrade-websocket.ts"),
      client: "websocket",
      send: ["ping", "other"],
      durationMs: 1_000,
    });
    expect(load).toMatchObject({ kind: "loaded", form: "deno-serve" });
    expect(texts(events, "client", "ws-message")).toEqual(["pong"]);
    expect(kindsOf(events, "server", 1)).toEqual([
      "request",
      "response",
      "ws-open",
      "ws-message",
      "ws-send",
      "ws-message",
      "ws-close",
    ]);
    expect(ofKind(events, "log").map((log) => log.text)).toEqual(["a client connected"]);
    // Every server event names the version that upgraded the socket, its open included.
    const versions = events
      .filter((event) => event.side === "server" && event.lane === 1 && "version" in event)
      .map((event) => ("version" in event ? event.version : undefined));
    expect(new Set(versions)).toEqual(new Set([1]));
  }, 20_000);

  test("a plain request makes Deno.upgradeWebSocket throw as in Deno, and send before open throws InvalidStateError", async () => {
    const { runner } = await startRunner();
    await runner.load(
      `Deno.serve((req) => {
  if (new URL(req.url).pathname === "/early") {
    try {
      const { socket } = Deno.upgradeWebSocket(new Request(req.url, { headers: { upgrade: "websocket" } }));
      socket.send("too soon");
    } catch (error) {
      return new Response(error.name);
    }
  }
  try {
    Deno.upgradeWebSocket(req);
  } catch (error) {
    return new Response(error.message, { status: 400 });
  }
  return new Response("upgraded?");
});`,
      inlineSnippetPath,
    );
    const plain = await fetch(runner.url);
    expect({ status: plain.status, text: await plain.text() }).toEqual({
      status: 400,
      text: "Invalid Header: 'upgrade' header must contain 'websocket'",
    });
    expect(await (await fetch(new URL("/early", runner.url))).text()).toBe("InvalidStateError");
  });
});

describe("not supported yet", () => {
  test("a node:http server with 'upgrade' listeners loads with a notice that says so, at its listen line", async () => {
    const { runner } = await startRunner();
    const load = await runner.load(
      `import { createServer } from "node:http";\nconst server = createServer((req, res) => res.end("http"));\nserver.on("upgrade", (req, socket) => socket.destroy());\nserver.listen(8001);\n`,
      inlineSnippetPath,
    );
    expect(
      load.kind === "loaded" &&
        load.notices.filter((notice) => notice.message.startsWith("WebSockets on a node:http server")),
    ).toEqual([
      {
        message:
          "WebSockets on a node:http server (its 'upgrade' listeners, as the ws package adds) are not supported yet: the playground relays its HTTP requests only. Bun.serve's websocket option, Hono's upgradeWebSocket and Elysia's .ws() are served, and traced on both sides.",
        line: 4,
      },
    ]);
  });
});
