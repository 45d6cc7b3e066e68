/** The expectations a timeline meets, as the page saves them: they hold for the timeline they came from. */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseExpectationFile, type LaneRequest, type TimelineEvent } from "../src/contract/index.ts";
import { deriveExpectations, evaluateExpectations, traceSettingsOf } from "../src/expect/index.ts";
import { examplesDir } from "../src/main/examples.ts";
import { traceSnippet, type TraceOptions } from "../src/supervisor/trace.ts";
import { fixture } from "./support/timeline.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { openSocket } from "./support/websocket-clients.ts";

const startRunner = runnerPerTest();

/** Lessons traced as a person would try them, each a different kind of stream. */
const lessons: { id: string; options: Omit<TraceOptions, "snippetPath"> }[] = [
  { id: "01-generator-body", options: {} },
  {
    id: "04-sse-readable-stream",
    options: { path: "/events", client: "eventsource", clients: 2, disconnectAfterMs: 1_100 },
  },
  { id: "10-errors", options: { path: "/export" } },
  { id: "15-websocket-chat", options: { client: "websocket", path: "/chat?name=ada", send: ["hi"], durationMs: 600 } },
];

describe("expectations derived from a timeline", () => {
  for (const { id, options } of lessons) {
    test(`${id}: every one derived holds, and the file reads back as it was written`, async () => {
      const { events } = await traceSnippet({ snippetPath: join(examplesDir, `${id}.ts`), ...options });
      const file = deriveExpectations(events);
      expect(file.expect.length).toBeGreaterThan(2);
      const evaluation = evaluateExpectations(file.expect, events);
      expect(evaluation.results.filter((result) => !result.ok)).toEqual([]);
      expect(parseExpectationFile(JSON.stringify(file))).toEqual({ ok: true, file });
    }, 20_000);
  }

  test("what a two-lane SSE stream with a client that leaves gets", async () => {
    const { events } = await traceSnippet({
      snippetPath: join(examplesDir, "04-sse-readable-stream.ts"),
      path: "/events",
      client: "eventsource",
      clients: 2,
      disconnectAfterMs: 1_100,
    });
    expect(deriveExpectations(events).expect.map((expectation) => expectation.name)).toEqual([
      "nothing went wrong",
      "each stream opens, answers, sends its data and ends",
      "the first sse comes soon after the client opens",
      'at least 1 "connected" event on each lane',
      'at least 2 "message" events on each lane',
      "every lane got the same SSE events",
      "SSE events keep coming",
      "cleanup runs soon after the client leaves",
      "every request ends on the version that opened it",
    ]);
  }, 20_000);

  test("a lesson whose handler throws gets no 'nothing went wrong' for errors, but keeps the rest", async () => {
    const { events } = await traceSnippet({ snippetPath: join(examplesDir, "10-errors.ts"), path: "/export" });
    const never = deriveExpectations(events).expect.find((expectation) => "never" in expectation);
    expect(never).toEqual({
      name: "nothing went wrong",
      never: { kind: { oneOf: ["uncaught", "leak", "load-error", "restarted", "sse-invalid", "ws-error"] } },
    });
  }, 20_000);
});

describe("a WebSocket's close in a derived file", () => {
  const closeCodes = fixture("websocket/close-codes.ts");
  /** A session's timeline: one socket, ended by `end` once it said hello and heard it back. */
  async function session(end: (socket: Awaited<ReturnType<typeof openSocket>>) => void) {
    const { runner, log } = await startRunner();
    await runner.load(await Bun.file(closeCodes).text(), closeCodes);
    const socket = await openSocket(log, runner.url, 1);
    socket.messages.send("hello");
    await log.next((event) => event.kind === "ws-message" && event.side === "client");
    end(socket);
    await socket.done;
    return log.events;
  }
  const closeStep = (events: Parameters<typeof deriveExpectations>[0]) =>
    deriveExpectations(events)
      .expect.flatMap((expectation) => ("inOrder" in expectation ? expectation.inOrder : []))
      .find((step) => step.kind === "ws-close");

  test("closed by hand with a code of its own: the file asks that the client closed it, which a trace of its settings does", async () => {
    const byHand = await session((socket) => socket.messages.close(4000, "done here"));
    expect(closeStep(byHand)).toEqual({ kind: "ws-close", side: "client", by: "client" });
    const file = deriveExpectations(byHand);
    // The same expectations against a trace that ends the lane itself, as `trace --expect` runs the file.
    const { events } = await traceSnippet({
      snippetPath: closeCodes,
      client: "websocket",
      send: ["hello"],
      durationMs: 600,
    });
    expect(evaluateExpectations(file.expect, events).results.filter((result) => !result.ok)).toEqual([]);
  }, 20_000);

  test("a reply to a message typed by hand is left out when the file's settings do not send it, so a trace of them meets the file", async () => {
    const byHand = await session((socket) => socket.messages.close(1000));
    const settings = { client: "websocket" as const, durationMs: 600 };
    const file = deriveExpectations(byHand, { trace: settings });
    const asked = JSON.stringify(file.expect);
    expect(asked).not.toContain("ws-message");
    expect(asked).toContain('"ws-open"');
    const { events } = await traceSnippet({ snippetPath: closeCodes, ...settings });
    expect(evaluateExpectations(file.expect, events).results.filter((result) => !result.ok)).toEqual([]);
    // Settings that send the same message: the reply is the stream's, and asked for.
    const scripted = deriveExpectations(byHand, { trace: { ...settings, send: ["hello"] } });
    expect(JSON.stringify(scripted.expect)).toContain("ws-message");
  }, 20_000);

  test("closed by the server: the file asks for the server's code", async () => {
    const byServer = await session((socket) => socket.messages.send("close-me"));
    expect(closeStep(byServer)).toEqual({ kind: "ws-close", side: "client", code: 4002 });
  }, 20_000);
});

describe("the times a file allows", () => {
  /** One lane of an SSE stream as a warm runner on an idle machine serves it: first data 4 ms after the open. */
  const quick: TimelineEvent[] = [
    { t: 10, lane: 1, side: "client", kind: "open", client: "stream", method: "GET", url: "/", attempt: 1 },
    { t: 11, lane: 1, side: "server", kind: "request", requestId: 1, version: 1, method: "GET", path: "/" },
    { t: 13, lane: 1, side: "client", kind: "headers", status: 200, headers: {}, ttfbMs: 3 },
    ...[14, 54, 94, 136].map(
      (t, i): TimelineEvent => ({
        t,
        lane: 1,
        side: "client",
        kind: "sse",
        event: "message",
        lastEventId: "",
        data: `${i}`,
      }),
    ),
    { t: 150, lane: 1, side: "client", kind: "disconnect", by: "client", bytes: 40, chunks: 4 },
    { t: 151, lane: 1, side: "server", kind: "abort", requestId: 1, version: 1 },
    { t: 152, lane: 1, side: "server", kind: "cleanup", requestId: 1, version: 1, afterMs: 1, via: "stream-cancel" },
  ];
  const allowed = (events: readonly TimelineEvent[]) =>
    Object.fromEntries(
      deriveExpectations(events).expect.flatMap((expectation) => {
        if ("maxGapMs" in expectation) return [[expectation.name, expectation.maxGapMs]];
        return "withinMs" in expectation ? [[expectation.name, expectation.withinMs]] : [];
      }),
    );

  test("twice what was seen and a quarter second more, rounded up: room for a cold runner on a busy machine", () => {
    expect(allowed(quick)).toEqual({
      "the first sse comes soon after the client opens": 260, // 4 ms seen: 2 × 4 + 250 = 258
      "SSE events keep coming": 320, // the widest gap 42 ms: 1.5 × 42 + 250 = 313
      "cleanup runs soon after the client leaves": 260, // 2 ms: 2 × 2 + 250 = 254
    });
  });

  test("a re-run whose first data and every gap come 200 ms later still meets the file; 300 ms later, it does not", () => {
    const file = deriveExpectations(quick);
    /** The same timeline with the first event `by` ms later, each gap between events `by` ms wider. */
    const later = (by: number) =>
      quick.map((event, i) => ({ ...event, t: event.t + (event.kind === "sse" ? by * (i - 2) : i > 6 ? by * 5 : 0) }));
    const failed = (events: TimelineEvent[]) =>
      evaluateExpectations(file.expect, events).results.flatMap((result, i) =>
        result.ok ? [] : [file.expect[i]!.name],
      );
    expect(failed(later(0))).toEqual([]);
    expect(failed(later(200))).toEqual([]);
    expect(failed(later(300))).toEqual(["the first sse comes soon after the client opens", "SSE events keep coming"]);
  });
});

describe("trace settings from the lanes' requests", () => {
  test("the first lane's request, for as many clients as there were lanes, with a duration that covers the recording", () => {
    const request = {
      client: "browser" as const,
      path: "/events",
      method: "GET",
      headers: { accept: "text/event-stream" },
      clients: 2,
      disconnectAfterMs: 900,
    };
    const lanes: LaneRequest[] = [
      { lane: 1, request },
      { lane: 2, request },
    ];
    const events = [
      {
        t: 10,
        lane: 1,
        side: "client",
        kind: "open",
        client: "browser",
        method: "GET",
        url: "/lane/1/events",
        attempt: 1,
      },
      { t: 1_234, lane: 2, side: "client", kind: "disconnect", by: "client", bytes: 0, chunks: 0 },
    ] as const;
    expect(traceSettingsOf(lanes, [...events])).toEqual({
      path: "/events",
      client: "eventsource",
      clients: 2,
      headers: { accept: "text/event-stream" },
      durationMs: 1_800,
      disconnectAfterMs: 900,
    });
    expect(
      traceSettingsOf(
        [
          {
            lane: 1,
            request: {
              ...request,
              client: "stream",
              path: "http://localhost:8080/x",
              method: "POST",
              body: "hi",
              slow: { dropAfterBytes: 10 },
            },
          },
        ],
        [],
      ),
    ).toEqual({
      url: "http://localhost:8080/x",
      client: "stream",
      method: "POST",
      headers: { accept: "text/event-stream" },
      body: "hi",
      disconnectAfterMs: 900,
      slow: { dropAfterBytes: 10 },
    });
    expect(traceSettingsOf([], [])).toBeUndefined();
  });
});
