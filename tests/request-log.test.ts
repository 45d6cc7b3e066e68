import { describe, expect, test } from "bun:test";
import type { DisconnectEvent, TimelineEvent } from "../src/contract/index.ts";
import { createRequestLog, formatAfter, type RequestRow, requestCells } from "../src/webview/request-log.ts";

// --- one lane's events, as the host records them -------------------------------------------------

const open = (t: number, lane: number, attempt = 1): TimelineEvent => ({
  t,
  lane,
  side: "client",
  kind: "open",
  client: "eventsource",
  method: "GET",
  url: "http://127.0.0.1:4000/events?room=1",
  attempt,
});
const request = (t: number, lane: number, requestId = lane): TimelineEvent => ({
  t,
  lane,
  side: "server",
  kind: "request",
  requestId,
  version: 1,
  method: "GET",
  path: "/events?room=1",
});
const headers = (t: number, lane: number, status = 200): TimelineEvent => ({
  t,
  lane,
  side: "client",
  kind: "headers",
  status,
  headers: { "content-type": "text/event-stream" },
  ttfbMs: 12.5,
});
const chunk = (t: number, lane: number, bytes: number): TimelineEvent => ({
  t,
  lane,
  side: "client",
  kind: "chunk",
  bytes,
  text: "x".repeat(Math.min(bytes, 10)),
});
const end = (t: number, lane: number, requestId = lane): TimelineEvent => ({
  t,
  lane,
  side: "server",
  kind: "end",
  requestId,
  version: 1,
  writes: 2,
  bytes: 4300,
});
const abort = (t: number, lane: number, requestId = lane): TimelineEvent => ({
  t,
  lane,
  side: "server",
  kind: "abort",
  requestId,
  version: 1,
  cause: "client-left",
});
const disconnect = (t: number, lane: number, more: Partial<DisconnectEvent> = {}): TimelineEvent => ({
  t,
  lane,
  side: "client",
  kind: "disconnect",
  by: "server",
  bytes: 4300,
  chunks: 2,
  ...more,
});

function rowsOf(...batches: TimelineEvent[][]): readonly RequestRow[] {
  const log = createRequestLog();
  for (const batch of batches) log.append(batch);
  return log.rows;
}

describe("the request log", () => {
  test("a stream the server ended: its request, status, first byte, bytes and ending, settled once both sides are done", () => {
    const log = createRequestLog();
    log.append([open(1000, 1), request(1001, 1), headers(1013, 1), chunk(1020, 1, 300), chunk(1900, 1, 4000)]);
    expect(log.rows[0]).toMatchObject({ ending: undefined, endedAt: undefined, settled: false });
    // The client's side comes in-process, the server's over IPC: either may be first.
    log.append([disconnect(2200, 1)]);
    expect(log.rows[0]!.settled).toBe(false);
    log.append([end(2199, 1)]);
    expect(log.rows).toEqual([
      {
        lane: 1,
        client: "eventsource",
        method: "GET",
        path: "/events?room=1",
        outside: undefined,
        status: 200,
        firstByteMs: 12.5,
        start: 1000,
        end: 2200,
        endedAt: 2200,
        bytes: 4300,
        attempts: 1,
        ending: "complete",
        endingDetail: undefined,
        leaks: 0,
        settled: true,
      },
    ]);
    expect(requestCells(log.rows[0]!, 5000)).toEqual({
      lane: "#1",
      status: "200",
      request: "GET /events?room=1",
      firstByte: "+13 ms",
      duration: "1.2 s",
      received: "4.2 KiB",
      ending: "complete",
      tone: "ok",
      title: "",
    });
  });

  test("each ending is told as its disconnect says, the server side's cause first", () => {
    const endings = rowsOf(
      [open(0, 1), disconnect(10, 1, { by: "client" })],
      [open(0, 2), disconnect(10, 2, { by: "error", cause: "idle-timeout", causeDetail: "Bun's idle timeout (10 s)" })],
      [open(0, 3), disconnect(10, 3, { by: "error", cause: "runner-lost" })],
      [open(0, 4), disconnect(10, 4, { by: "drop" })],
      [
        open(0, 5),
        request(1, 5),
        { t: 5, lane: 5, side: "server", kind: "error", requestId: 5, version: 1, message: "boom", during: "body" },
        disconnect(6, 5, { by: "error", message: "socket closed" }),
      ],
      [
        open(0, 6),
        { t: 1, lane: 6, side: "client", kind: "ws-open", protocol: "", extensions: "" },
        { t: 9, lane: 6, side: "client", kind: "ws-close", code: 1006, reason: "", wasClean: false },
      ],
      [open(0, 7), disconnect(10, 7, { by: "error", cause: "server-stopped" })],
    ).map((row) => {
      const cells = requestCells(row, undefined);
      return [row.lane, row.ending, cells.ending, cells.tone];
    });
    expect(endings).toEqual([
      [1, "client-left", "client left", "ok"],
      [2, "idle-timeout", "idle timeout", "warn"],
      [3, "runner-lost", "runner lost", "error"],
      [4, "dropped", "dropped", "warn"],
      [5, "error", "error: boom", "error"],
      [6, "closed", "closed 1006", "warn"],
      [7, "server-stopped", "server stopped", "warn"],
    ]);
  });

  test("a reconnect opens the lane again, and a leak after the end is counted against it", () => {
    const log = createRequestLog();
    log.append([open(0, 1), request(1, 1, 10), disconnect(100, 1), end(99, 1, 10)]);
    expect(log.rows[0]).toMatchObject({ ending: "complete", settled: true });
    log.append([open(3100, 1, 2), request(3101, 1, 11)]);
    expect(log.rows[0]).toMatchObject({ ending: undefined, endedAt: undefined, attempts: 2, settled: false });
    expect(requestCells(log.rows[0]!, 3200)).toMatchObject({
      ending: "open (attempt 2)",
      tone: "live",
      duration: "3.2 s",
    });
    log.append([
      disconnect(3300, 1, { by: "client" }),
      abort(3300, 1, 11),
      { t: 3400, lane: 1, side: "server", kind: "leak", requestId: 11, version: 1, what: "interval", detail: "…" },
    ]);
    expect(log.rows[0]).toMatchObject({ ending: "client-left", settled: true, end: 3400, leaks: 1 });
    expect(requestCells(log.rows[0]!, undefined)).toMatchObject({ ending: "client left · 1 leak", tone: "error" });
  });

  test("an outside client is told by its server side alone, and lane 0 is not a request", () => {
    const rows = rowsOf([
      { t: 0, lane: 0, side: "runner", kind: "log", level: "log", text: "hello" },
      { ...request(5, 2), from: "127.0.0.1:50000" } as TimelineEvent,
      end(9, 2),
    ]);
    expect(rows.map((row) => [row.lane, row.outside, row.settled, requestCells(row, 100).request])).toEqual([
      [2, "127.0.0.1:50000", true, "GET /events?room=1"],
    ]);
  });

  test("an outside client's lane ends as its server side says: complete, cut by a cause, or open again for its next request", () => {
    const outside = (t: number, lane: number, requestId = lane): TimelineEvent => ({
      ...(request(t, lane, requestId) as Extract<TimelineEvent, { kind: "request" }>),
      from: `127.0.0.1:5000${lane}`,
    });
    const response: TimelineEvent = {
      t: 6,
      lane: 1,
      side: "server",
      kind: "response",
      requestId: 1,
      version: 1,
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: "stream",
    };
    const stopped: TimelineEvent = {
      ...(abort(900, 1) as Extract<TimelineEvent, { kind: "abort" }>),
      cause: "server-stopped",
      detail: "serve was stopped (Ctrl+C) while this request was open: Bun closed its connection",
    };
    const log = createRequestLog();
    log.append([outside(5, 1), response, outside(5, 2), end(9, 2), outside(20, 2, 3)]);
    // Lane 2's connection asked again after its first request completed: open again, not complete.
    expect(log.rows.map((row) => [row.lane, row.status, requestCells(row, 100).ending])).toEqual([
      [1, 200, "open"],
      [2, undefined, "open"],
    ]);
    log.append([stopped, end(30, 2, 3)]);
    expect(log.rows.map((row) => [row.lane, requestCells(row, 100)])).toEqual([
      [
        1,
        expect.objectContaining({
          status: "200",
          ending: "server stopped",
          tone: "warn",
          duration: "895 ms",
          received: "—",
        }),
      ],
      [2, expect.objectContaining({ ending: "complete", tone: "ok", duration: "25 ms", received: "—" })],
    ]);
    expect(requestCells(log.rows[0]!, undefined).title).toBe(
      "serve was stopped (Ctrl+C) while this request was open: Bun closed its connection\noutside client from 127.0.0.1:50001",
    );
  });

  test("clear forgets every row", () => {
    const log = createRequestLog();
    log.append([open(0, 1)]);
    log.clear();
    expect(log.rows).toEqual([]);
  });
});

describe("numbers as people read them", () => {
  test("times after the request", () => {
    expect([0.4, 212.4, 1234].map(formatAfter)).toEqual(["+0.4 ms", "+212 ms", "+1.2 s"]);
  });
});
