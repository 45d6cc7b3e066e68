/**
 * A page's WebSocket clients through the host: `connect` opens them with their messages and
 * protocols, `ws-send` sends text or hex as binary on a lane, `ws-close` closes with a code and a
 * reason, and what cannot be done is refused with a reason.
 */

import { describe, expect, test } from "bun:test";
import type { ClientRequest, PageRequests, TimelineEvent } from "../src/contract/index.ts";
import { openPage } from "./support/page-socket.ts";
import { letIn, startTestHost } from "./support/test-host.ts";
import { ofKind } from "./support/timeline.ts";

const echo = `export default {
  fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no", { status: 426 })),
  websocket: {
    message: (ws, message) => ws.send(typeof message === "string" ? "echo: " + message : message),
    close: (ws, code, reason) => console.log("closed", code, reason),
  },
};`;

const websocketClient = (more: Partial<ClientRequest> = {}): PageRequests["connect"]["request"] => ({
  request: { client: "websocket", path: "/", method: "GET", headers: {}, clients: 1, ...more },
});

const clientMessage =
  (lane: number, text: string) =>
  (event: TimelineEvent): event is Extract<TimelineEvent, { kind: "ws-message" }> =>
    event.kind === "ws-message" && event.side === "client" && event.lane === lane && event.text === text;

describe("websocket clients through the host", () => {
  test("connect sends the request's messages; ws-send sends text and hex; ws-close closes with its code and reason", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: echo });
    const connected = await page.request("connect", websocketClient({ send: ["first"], protocols: ["chat"] }));
    expect(connected.lanes.map((l) => l.lane)).toEqual([1]);
    await page.event(clientMessage(1, "echo: first"));
    expect(host.session.status().clients).toEqual([{ lane: 1, client: "websocket", method: "GET", path: "/" }]);

    await page.request("ws-send", { lane: 1, text: "typed" });
    await page.event(clientMessage(1, "echo: typed"));
    await page.request("ws-send", { lane: 1, hex: "ca fe" });
    await page.event(clientMessage(1, "ca fe"));
    await page.request("ws-close", { lane: 1, code: 4000, reason: "done here" });
    await page.event((e): e is TimelineEvent => e.kind === "ws-close" && e.side === "client");
    await page.event((e): e is TimelineEvent => e.kind === "log" && e.lane === 1);

    const close = (side: "server" | "client") => ofKind(page.events, "ws-close").find((e) => e.side === side);
    expect({ server: close("server"), client: close("client") }).toMatchObject({
      server: { code: 4000, reason: "done here" },
      client: { code: 4000, reason: "done here", wasClean: true, by: "client" },
    });
    expect(ofKind(page.events, "ws-open").find((e) => e.side === "client")).toMatchObject({ protocol: "chat" });
    expect(
      ofKind(page.events, "ws-send")
        .filter((e) => e.side === "client")
        .map((e) => ({ text: e.text, binary: e.binary })),
    ).toEqual([
      { text: "first", binary: false },
      { text: "typed", binary: false },
      { text: "ca fe", binary: true },
    ]);
    // The lane's chip goes once its socket has closed.
    await page.until(() => (host.session.status().clients.length === 0 ? true : undefined));
  });

  test("what cannot be sent is refused with a reason, and nothing reaches the runner", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    // Plain requests get a body that never ends, so lane 1 is still an open stream client when
    // the WebSocket requests name it.
    const echoOrOpenStream = echo.replace(
      'new Response("no", { status: 426 })',
      "new Response(new ReadableStream({ pull: () => new Promise(() => {}) }))",
    );
    expect(echoOrOpenStream).not.toBe(echo);
    await page.request("load", { source: echoOrOpenStream });
    await page.request("connect", { request: { client: "stream", path: "/", method: "GET", headers: {}, clients: 1 } });
    await page.until(() => (host.session.status().clients.some((c) => c.lane === 1) ? true : undefined));
    const outcomes = {
      notSocket: await page.outcome("ws-send", { lane: 1, text: "x" }),
      noLane: await page.outcome("ws-send", { lane: 9, text: "x" }),
      badHex: await page.outcome("ws-send", { lane: 1, hex: "abc" }),
      both: await page.outcome("ws-send", { lane: 1, text: "x", hex: "00" }),
      badCode: await page.outcome("ws-close", { lane: 1, code: 999 }),
    };
    expect(outcomes).toEqual({
      notSocket: { error: { kind: "failed", message: "ws-send: lane 1 is a stream client, not a WebSocket" } },
      noLane: { error: { kind: "failed", message: "ws-send: lane 9 has no open client" } },
      badHex: {
        error: { kind: "malformed", message: "malformed message: ws-send.hex must be hex, two digits per byte" },
      },
      both: {
        error: { kind: "malformed", message: "malformed message: ws-send.must carry either text or hex, not both" },
      },
      badCode: {
        error: {
          kind: "malformed",
          message: "malformed message: ws-close.code must be a whole number from 1000 to 4999",
        },
      },
    });
  });
});
