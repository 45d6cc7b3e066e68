/**
 * The WebSocket events' checks: each kind told apart by its side, the runner allowed only the
 * server's, a page's clients only the client's, and a whole trace of a socket passing the check
 * the UI and `trace --json` readers apply.
 */

import { describe, expect, test } from "bun:test";
import { clientEventCheck, runCheck, runnerPushChecks, timelineEventCheck, type Check } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { fixture } from "./support/timeline.ts";

const problemOf = <T>(check: Check<T>, value: unknown) => {
  const result = runCheck(check, value);
  return result.ok ? "accepted" : result.problem;
};

const clientOpen = { t: 1, lane: 1, side: "client", kind: "ws-open", protocol: "chat", extensions: "" };
const serverMessage = {
  t: 2,
  lane: 1,
  side: "server",
  kind: "ws-message",
  requestId: 1,
  version: 2,
  bytes: 2,
  binary: false,
  text: "hi",
};

describe("WebSocket event checks", () => {
  test("the same kind on either side is checked against that side's fields", () => {
    expect({
      client: problemOf(timelineEventCheck, clientOpen),
      server: problemOf(timelineEventCheck, serverMessage),
      clientWithServerFields: problemOf(timelineEventCheck, { ...serverMessage, side: "client", requestId: undefined }),
      serverWithoutRequest: problemOf(timelineEventCheck, { ...serverMessage, requestId: undefined }),
      runnerSide: problemOf(timelineEventCheck, { ...clientOpen, side: "runner" }),
    }).toEqual({
      client: "accepted",
      server: "accepted",
      clientWithServerFields: "accepted",
      serverWithoutRequest: "requestId must be a whole number of at least 0",
      runnerSide: "side must be one of server, client",
    });
  });

  test("the runner may push only the server's WebSocket events, and a page only the client's", () => {
    expect({
      runnerServer: problemOf(runnerPushChecks.events, { seq: 1, events: [serverMessage] }),
      runnerClient: problemOf(runnerPushChecks.events, { seq: 1, events: [clientOpen] }),
      pageClient: problemOf(clientEventCheck, clientOpen),
      pageServer: problemOf(clientEventCheck, serverMessage),
    }).toEqual({
      runnerServer: "accepted",
      runnerClient: 'events[0].side must be "server"',
      pageClient: "accepted",
      pageServer: 'side must be "client"',
    });
  });

  test("a send's result is the bytes, −1 or 0, and a close code fits the protocol's range", () => {
    const send = {
      t: 3,
      lane: 1,
      side: "server",
      kind: "ws-send",
      requestId: 1,
      version: 1,
      bytes: 4,
      binary: true,
      text: "de ad be ef",
      result: -1,
      via: "sendBinary",
    };
    expect({
      backpressure: problemOf(timelineEventCheck, send),
      belowMinusOne: problemOf(timelineEventCheck, { ...send, result: -2 }),
      unknownVia: problemOf(timelineEventCheck, { ...send, via: "yell" }),
      closeCode: problemOf(timelineEventCheck, {
        t: 4,
        lane: 1,
        side: "client",
        kind: "ws-close",
        code: 70_000,
        reason: "",
        wasClean: true,
      }),
    }).toEqual({
      backpressure: "accepted",
      belowMinusOne: "result must be a whole number of at least -1",
      unknownVia: "via must be one of send, sendText, sendBinary, publish",
      closeCode: "code must be a whole number from 0 to 4999",
    });
  });

  test("every event of a traced socket passes the timeline's check unchanged", async () => {
    const { events } = await traceSnippet({
      snippetPath: fixture("websocket/chat.ts"),
      path: "/?name=ann",
      client: "websocket",
      clients: 2,
      send: ["hi"],
      durationMs: 500,
    });
    expect(events.filter((event) => event.kind.startsWith("ws-")).length).toBeGreaterThan(8);
    for (const event of events)
      expect(runCheck(timelineEventCheck, JSON.parse(JSON.stringify(event)))).toEqual({ ok: true, value: event });
  }, 20_000);
});
