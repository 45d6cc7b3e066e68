/**
 * WebSocket messages in the timeline model: each linked to its other side (the nth a side sent is
 * the nth the other received, on one connection), folds counted in, events arriving out of order
 * relinked, and an open socket never drawn as stale after a reload.
 */

import { describe, expect, test } from "bun:test";
import type { FoldedEvent, LoadedEvent, OpenEvent, RequestEvent, TimelineEvent } from "../src/contract/index.ts";
import { createTimelineModel, type TimelineModel } from "../src/webview/timeline/index.ts";

const open = (t: number, lane: number): OpenEvent => ({
  t,
  lane,
  side: "client",
  kind: "open",
  client: "websocket",
  method: "GET",
  url: "ws://127.0.0.1:1/",
  attempt: 1,
});
const request = (t: number, lane: number, requestId: number, version = 1): RequestEvent => ({
  t,
  lane,
  side: "server",
  kind: "request",
  requestId,
  version,
  method: "GET",
  path: "/",
});
const loaded = (t: number, version: number): LoadedEvent => ({
  t,
  lane: 0,
  side: "runner",
  kind: "loaded",
  version,
  form: "bun-serve",
  notices: [],
  loadMs: 1,
  url: "http://127.0.0.1:1/",
});
const payload = (text: string) => ({ bytes: text.length, binary: false, text });
const serverOpen = (t: number, lane: number, requestId: number, version = 1): TimelineEvent => ({
  t,
  lane,
  side: "server",
  kind: "ws-open",
  requestId,
  version,
});
const serverSend = (t: number, lane: number, requestId: number, text: string, version = 1): TimelineEvent => ({
  t,
  lane,
  side: "server",
  kind: "ws-send",
  requestId,
  version,
  ...payload(text),
  result: text.length,
  via: "send",
});
const serverReceive = (t: number, lane: number, requestId: number, text: string, version = 1): TimelineEvent => ({
  t,
  lane,
  side: "server",
  kind: "ws-message",
  requestId,
  version,
  ...payload(text),
});
const clientSend = (t: number, lane: number, text: string): TimelineEvent => ({
  t,
  lane,
  side: "client",
  kind: "ws-send",
  ...payload(text),
});
const clientReceive = (t: number, lane: number, text: string): TimelineEvent => ({
  t,
  lane,
  side: "client",
  kind: "ws-message",
  ...payload(text),
});
const folded = (
  t: number,
  lane: number,
  side: "server" | "client",
  of: FoldedEvent["of"],
  count: number,
  requestId?: number,
): FoldedEvent => ({ t, lane, side, kind: "folded", requestId, of, count, bytes: count, since: t - 1 });

/** Every link as `server text ↔ client text`, lane by lane. */
function linked(model: TimelineModel): string[] {
  return model
    .links()
    .map(
      ({ write, chunk }) =>
        `${write.kind}:${"text" in write.event ? write.event.text : ""} ↔ ${chunk.kind}:${"text" in chunk.event ? chunk.event.text : ""}`,
    );
}

describe("WebSocket message links", () => {
  test("each message links to its other side, both ways, in order", () => {
    const model = createTimelineModel();
    model.append([
      open(0, 1),
      request(1, 1, 7),
      serverOpen(2, 1, 7),
      clientSend(3, 1, "a"),
      clientSend(3.5, 1, "b"),
      serverReceive(4, 1, 7, "a"),
      serverSend(4.2, 1, 7, "A"),
      serverReceive(4.4, 1, 7, "b"),
      serverSend(4.6, 1, 7, "B"),
      clientReceive(5, 1, "A"),
      clientReceive(5.2, 1, "B"),
    ]);
    expect(linked(model)).toEqual([
      "ws-message:a ↔ ws-send:a",
      "ws-send:A ↔ ws-message:A",
      "ws-message:b ↔ ws-send:b",
      "ws-send:B ↔ ws-message:B",
    ]);
  });

  test("events arriving in another order than they happened (the runner's come in batches) link the same", () => {
    const inOrder = [
      open(0, 1),
      request(1, 1, 1),
      serverOpen(2, 1, 1),
      clientSend(3, 1, "x"),
      serverReceive(4, 1, 1, "x"),
      serverSend(5, 1, 1, "y"),
      clientReceive(6, 1, "y"),
    ];
    const model = createTimelineModel();
    // The client's events first, then the server's, as two batches.
    model.append(inOrder.filter((e) => e.side === "client"));
    model.append(inOrder.filter((e) => e.side === "server"));
    expect(linked(model)).toEqual(["ws-message:x ↔ ws-send:x", "ws-send:y ↔ ws-message:y"]);
  });

  test("folded messages count: the message after a fold links to its own other side", () => {
    const model = createTimelineModel();
    model.append([
      open(0, 1),
      request(1, 1, 1),
      serverSend(2, 1, 1, "first"),
      folded(10, 1, "server", "ws-send", 500, 1),
      serverSend(11, 1, 1, "after"),
      clientReceive(3, 1, "first"),
      folded(12, 1, "client", "ws-message", 500),
      clientReceive(13, 1, "after"),
    ]);
    expect(linked(model)).toEqual(["ws-send:first ↔ ws-message:first", "ws-send:after ↔ ws-message:after"]);
  });

  test("two lanes' messages never link across, and published deliveries link on the lane that got them", () => {
    const model = createTimelineModel();
    model.append([
      open(0, 1),
      open(0, 2),
      request(1, 1, 1),
      request(1, 2, 2),
      clientSend(2, 1, "hi"),
      serverReceive(3, 1, 1, "hi"),
      {
        t: 3.1,
        lane: 1,
        side: "server",
        kind: "ws-publish",
        requestId: 1,
        version: 1,
        ...payload("1: hi"),
        topic: "chat",
        subscribers: 1,
        result: 5,
        by: "ws",
      },
      {
        t: 3.2,
        lane: 2,
        side: "server",
        kind: "ws-send",
        requestId: 2,
        version: 1,
        ...payload("1: hi"),
        result: 5,
        via: "publish",
        topic: "chat",
      },
      clientReceive(4, 2, "1: hi"),
    ]);
    expect(model.links(1).map((l) => `${l.write.row.lane}:${l.chunk.row.lane}`)).toEqual(["1:1"]);
    expect(
      model
        .links(2)
        .map((l) => `${l.write.row.lane}:${l.chunk.row.lane}:${"text" in l.chunk.event ? l.chunk.event.text : ""}`),
    ).toEqual(["2:2:1: hi"]);
  });

  test("a socket open across a reload is not stale: Bun gives it the new version's handlers", () => {
    const model = createTimelineModel();
    model.append([
      loaded(0, 1),
      open(1, 1),
      request(2, 1, 1),
      serverOpen(3, 1, 1),
      loaded(10, 2),
      serverReceive(11, 1, 1, "after", 2),
    ]);
    const message = model.rows
      .find((row) => row.lane === 1 && row.side === "server")!
      .marks.find((mark) => mark.kind === "ws-message")!;
    expect({ stale: model.staleVersion(message), websocket: model.rows[1]!.requests[0]!.websocket }).toEqual({
      stale: undefined,
      websocket: true,
    });
  });
});
