import { describe, expect, test } from "bun:test";
import {
  type OpenEvent,
  outsideConnectionOf,
  type RunnerProducedEvent,
  runnerProducedEventCheck,
} from "../src/contract/index.ts";
import { namedPortNow } from "../src/export/named-port.ts";
import { createOutsideConnections } from "../src/runner/outside-connections.ts";

const request = (headers: Record<string, string> = {}) => new Request("http://localhost:3000/events?x=1", { headers });

describe("connections from outside the playground", () => {
  test("each connection gets a lane, opened once by its first request; a kept-alive one keeps its lane", () => {
    const opened: OpenEvent[] = [];
    let t = 10;
    const outside = createOutsideConnections({ now: () => t++, emit: (event) => opened.push(event), remember: 2 });
    const a = { address: "127.0.0.1", port: 50_001 };
    const b = { address: "::1", port: 50_002 };
    const first = outside.arrived(request({ accept: "text/event-stream" }), a);
    const again = outside.arrived(request(), a);
    const other = outside.arrived(request({ upgrade: "websocket" }), b);
    expect([first, again, other].map(({ lane }) => outsideConnectionOf(lane))).toEqual([1, 1, 2]);
    expect([first.from, other.from]).toEqual(["127.0.0.1:50001", "[::1]:50002"]);
    expect(opened.map(({ lane, client, outside: from, url, t: at }) => ({ lane, client, from, url, at }))).toEqual([
      {
        lane: first.lane,
        client: "eventsource",
        from: "127.0.0.1:50001",
        url: "http://localhost:3000/events?x=1",
        at: 10,
      },
      { lane: other.lane, client: "websocket", from: "[::1]:50002", url: "http://localhost:3000/events?x=1", at: 11 },
    ]);
    // Beyond what it remembers, the oldest connection is forgotten: its next request opens a new lane.
    outside.arrived(request(), { address: "127.0.0.1", port: 50_003 });
    expect(outsideConnectionOf(outside.arrived(request(), a).lane)).toBe(4);
  });

  test("the runner's events may carry an outside lane over IPC; nothing else below 0 passes", () => {
    const event: RunnerProducedEvent = {
      t: 1,
      lane: -3,
      side: "server",
      kind: "request",
      requestId: 1,
      version: 1,
      method: "GET",
      path: "/",
      from: "127.0.0.1:5",
    };
    expect(runnerProducedEventCheck(event)).toEqual(event);
    expect(() => runnerProducedEventCheck({ ...event, lane: -1.5 })).toThrow();
  });
});

describe("the port a snippet names", () => {
  test.each([
    ["Bun.serve({ port: 8080, fetch: () => new Response() });", 8080],
    ["export default { port: 4000, fetch() { return new Response(); } };", 4000],
    ["const PORT = 5050;\napp.listen(PORT, () => {});", 5050],
    ["app.listen(3001);", 3001],
    ["serve(app, { port: 7070 });", 7070],
    ["Deno.serve({ port: 8000 }, () => new Response());", 8000],
    ["app.listen(Number(process.env.PORT));", undefined],
    ["export default () => new Response();", undefined],
    ["const options = { port: 99999 };\nBun.serve({ ...options, port: 0, fetch() {} });", undefined],
  ] as const)("%s → %p", (source, port) => {
    expect(namedPortNow(source, "snippet.ts")).toBe(port);
  });
});
