import { describe, expect, test } from "bun:test";
import type {
  AbortEvent,
  CancelEvent,
  ChunkEvent,
  CleanupEvent,
  DisconnectEvent,
  EndCause,
  FoldedEvent,
  LeakEvent,
  LoadedEvent,
  LogEvent,
  OpenEvent,
  RequestEvent,
  SseEvent,
  TimelineEvent,
  WriteEvent,
} from "../src/contract/index.ts";
import {
  createTimelineModel,
  markNear,
  markRoles,
  visibleMarks,
  type TimelineModel,
} from "../src/webview/timeline/index.ts";

// --- event builders ----------------------------------------------------------------------------

const loaded = (t: number, version: number): LoadedEvent => ({
  t,
  lane: 0,
  side: "runner",
  kind: "loaded",
  version,
  form: "default-function",
  notices: [],
  loadMs: 1,
  url: "http://127.0.0.1:1/",
});
const open = (t: number, lane: number, attempt = 1): OpenEvent => ({
  t,
  lane,
  side: "client",
  kind: "open",
  client: "stream",
  method: "GET",
  url: "http://127.0.0.1:1/",
  attempt,
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
const write = (t: number, lane: number, requestId: number, bytes: number, version = 1): WriteEvent => ({
  t,
  lane,
  side: "server",
  kind: "write",
  requestId,
  version,
  bytes,
  text: "x".repeat(bytes),
  via: "yield",
});
const chunk = (t: number, lane: number, bytes: number): ChunkEvent => ({
  t,
  lane,
  side: "client",
  kind: "chunk",
  bytes,
  text: "x".repeat(bytes),
});
const sse = (t: number, lane: number, event: string): SseEvent => ({
  t,
  lane,
  side: "client",
  kind: "sse",
  event,
  lastEventId: "",
  data: "hi",
});
const log = (t: number, lane: number, text: string, requestId?: number): LogEvent => ({
  t,
  lane,
  side: "runner",
  kind: "log",
  level: "log",
  text,
  requestId,
  line: 8,
});
const abort = (t: number, lane: number, requestId: number): AbortEvent => ({
  t,
  lane,
  side: "server",
  kind: "abort",
  requestId,
  version: 1,
});
const cancel = (t: number, lane: number, requestId: number): CancelEvent => ({
  t,
  lane,
  side: "server",
  kind: "cancel",
  requestId,
  version: 1,
  reason: "the client went away",
});
const cleanup = (t: number, lane: number, requestId: number, afterMs: number): CleanupEvent => ({
  t,
  lane,
  side: "server",
  kind: "cleanup",
  requestId,
  version: 1,
  afterMs,
  via: "generator-finally",
});
const leak = (t: number, lane: number, requestId: number, what: LeakEvent["what"], line: number): LeakEvent => ({
  t,
  lane,
  side: "server",
  kind: "leak",
  requestId,
  version: 1,
  what,
  line,
  detail: `${what} still running`,
});
const folded = (
  t: number,
  lane: number,
  side: "server" | "client",
  of: FoldedEvent["of"],
  count: number,
  bytes: number,
  since: number,
  requestId?: number,
): FoldedEvent => ({
  t,
  lane,
  side,
  kind: "folded",
  of,
  count,
  bytes,
  since,
  requestId,
});

// --- projections, so whole-object assertions stay readable ------------------------------------

function modelOf(...batches: TimelineEvent[][]): TimelineModel {
  const model = createTimelineModel(0);
  for (const batch of batches) model.append(batch);
  return model;
}

const rowsOf = (model: TimelineModel) =>
  model.rows.map((row) => ({
    index: row.index,
    label: row.label,
    marks: row.marks.map((mark) => `${mark.kind}@${mark.t}`),
  }));

const linksOf = (model: TimelineModel, lane?: number) => model.links(lane).map((link) => [link.write.t, link.chunk.t]);

const spansOf = (model: TimelineModel) =>
  model.spans().map((span) => ({
    lane: span.lane,
    requestId: span.requestId,
    start: span.start,
    abort: span.abort,
    cancel: span.cancel,
    end: span.end,
    outcome: span.outcome,
    label: span.label,
  }));

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 100 writes of 10 B (t = 100..199) and four chunks of 95, 305, 350 and 250 B. */
function coalesced(lane = 1): { server: TimelineEvent[]; client: TimelineEvent[] } {
  const server: TimelineEvent[] = [request(10, lane, lane)];
  for (let i = 0; i < 100; i++) server.push(write(100 + i, lane, lane, 10));
  const client: TimelineEvent[] = [
    open(5, lane),
    chunk(150.5, lane, 95),
    chunk(170.5, lane, 305),
    chunk(190.5, lane, 350),
    chunk(220, lane, 250),
  ];
  return { server, client };
}

/** Which chunk (0..3) each of the 100 writes of `coalesced` must link to. */
const coalescedTargets = [
  ...Array<number>(9).fill(150.5),
  ...Array<number>(31).fill(170.5),
  ...Array<number>(35).fill(190.5),
  ...Array<number>(25).fill(220),
];

// --- tests -------------------------------------------------------------------------------------

describe("rows", () => {
  test("a client from outside the playground is named as one, its client row saying what is known of it", () => {
    const model = modelOf([
      open(1, 1),
      { ...open(2, 2), outside: "127.0.0.1:50123" },
      { ...request(3, 2, 1), from: "127.0.0.1:50123" },
    ]);
    expect(rowsOf(model).map((row) => row.label)).toEqual([
      "runner",
      "client 1 · server",
      "client 1 · client",
      "outside 2 · server",
      "outside 2 · client",
    ]);
    expect(model.rows.map((row) => row.note)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      "outside client from 127.0.0.1:50123: its side is what the server saw of its socket",
    ]);
  });

  test("the runner row exists before any event", () => {
    expect(rowsOf(createTimelineModel(0))).toEqual([{ index: 0, label: "runner", marks: [] }]);
  });

  test("each client lane gets a server row above a client row, in lane order", () => {
    const model = modelOf([
      loaded(1, 1),
      open(2, 3),
      request(3, 3, 1),
      log(4, 3, "hello", 1),
      chunk(5, 1, 4),
      sse(6, 1, "greeting"),
    ]);
    expect(rowsOf(model)).toEqual([
      { index: 0, label: "runner", marks: ["loaded@1"] },
      { index: 1, label: "client 1 · server", marks: [] },
      { index: 2, label: "client 1 · client", marks: ["chunk@5", "sse@6"] },
      { index: 3, label: "client 3 · server", marks: ["request@3", "log@4"] },
      { index: 4, label: "client 3 · client", marks: ["open@2"] },
    ]);
  });

  test("server events of requests no client made get a lane 0 server row", () => {
    const model = modelOf([request(1, 0, 1), write(2, 0, 1, 3)]);
    expect(rowsOf(model)).toEqual([
      { index: 0, label: "runner", marks: [] },
      { index: 1, label: "no client · server", marks: ["request@1", "write@2"] },
    ]);
  });

  test("marks carry role, size, label and request", () => {
    const model = modelOf([
      request(1, 1, 7),
      write(2, 1, 7, 1),
      write(3, 1, 7, 1024 * 1024),
      open(0.5, 1),
      sse(4, 1, "greeting"),
      leak(5, 1, 7, "interval", 4),
    ]);
    const looks = [...model.rows[1]!.marks, ...model.rows[2]!.marks].map((mark) => ({
      kind: mark.kind,
      role: mark.role,
      size: mark.size,
      label: mark.label,
      requestId: mark.requestId,
    }));
    expect(looks).toEqual([
      { kind: "request", role: "lifecycle", size: 0.9, label: "GET / → v1", requestId: 7 },
      { kind: "write", role: "write", size: 0.25, label: "1 B", requestId: 7 },
      { kind: "write", role: "write", size: 1, label: "1.0 MiB", requestId: 7 },
      { kind: "leak", role: "leak", size: 1, label: "leak: interval, line 4", requestId: 7 },
      { kind: "open", role: "lifecycle", size: 0.9, label: "open", requestId: 7 },
      { kind: "sse", role: "sse", size: 0.55, label: "greeting", requestId: 7 },
    ]);
  });

  test("clear forgets everything and moves the axis's zero", () => {
    const model = modelOf([loaded(1, 1), open(2, 1), request(3, 1, 1)]);
    model.clear(500);
    expect({ start: model.timelineStart, count: model.eventCount, rows: rowsOf(model), links: linksOf(model) }).toEqual(
      {
        start: 500,
        count: 0,
        rows: [{ index: 0, label: "runner", marks: [] }],
        links: [],
      },
    );
  });
});

describe("write → chunk links", () => {
  test("100 writes coalesced into 4 chunks give 100 links fanning into the right chunks", () => {
    const { server, client } = coalesced();
    const model = modelOf([...client, ...server].sort((a, b) => a.t - b.t));
    expect(linksOf(model)).toEqual(coalescedTargets.map((chunkT, i) => [100 + i, chunkT]));
    expect(model.rows[2]!.marks.filter((mark) => mark.kind === "chunk").map((mark) => mark.linkCount)).toEqual([
      9, 31, 35, 25,
    ]);
  });

  test("links do not depend on which side's batch arrives first", () => {
    const { server, client } = coalesced();
    expect(linksOf(modelOf(client, server))).toEqual(linksOf(modelOf(server, client)));
    expect(linksOf(modelOf(client, server))).toHaveLength(100);
  });

  test("a reconnect pairs the second request with the second open, counting bytes from zero", () => {
    const model = modelOf([
      open(1, 1, 1),
      request(2, 1, 1),
      write(3, 1, 1, 5),
      chunk(4, 1, 5),
      { t: 5, lane: 1, side: "client", kind: "disconnect", by: "server", bytes: 5, chunks: 1 },
      { t: 6, lane: 1, side: "client", kind: "reconnect", delayMs: 1 },
      open(7, 1, 2),
      request(8, 1, 2),
      write(9, 1, 2, 3),
      write(10, 1, 2, 3),
      chunk(11, 1, 6),
    ]);
    expect(linksOf(model)).toEqual([
      [3, 4],
      [9, 11],
      [10, 11],
    ]);
    expect(model.rows[2]!.marks.map((mark) => [mark.kind, mark.requestId])).toEqual([
      ["open", 1],
      ["chunk", 1],
      ["disconnect", 1],
      ["reconnect", 1],
      ["open", 2],
      ["chunk", 2],
    ]);
  });

  test("lanes pair their own requests even when request ids interleave across lanes", () => {
    const model = modelOf([
      open(1, 1),
      open(1.5, 2),
      request(2, 2, 1),
      request(3, 1, 2),
      write(4, 1, 2, 4),
      write(5, 2, 1, 2),
      chunk(6, 2, 2),
      chunk(7, 1, 4),
    ]);
    expect({ one: linksOf(model, 1), two: linksOf(model, 2) }).toEqual({ one: [[4, 7]], two: [[5, 6]] });
  });

  test("folded writes and chunks advance the byte offsets without links of their own", () => {
    const model = modelOf([
      open(1, 1),
      request(2, 1, 1),
      ...[3, 4, 5, 6, 7].map((t) => write(t, 1, 1, 10)),
      chunk(8, 1, 50),
      folded(20, 1, "server", "write", 100, 1000, 10, 1),
      folded(21, 1, "client", "chunk", 90, 1000, 11),
      write(30, 1, 1, 10),
      write(31, 1, 1, 10),
      chunk(32, 1, 20),
    ]);
    expect(linksOf(model)).toEqual([
      [3, 8],
      [4, 8],
      [5, 8],
      [6, 8],
      [7, 8],
      [30, 32],
      [31, 32],
    ]);
  });

  test("writes that are not the wire's (upstream of a transform, unsent after the client left) link to no chunk", () => {
    const model = modelOf([
      open(1, 1),
      request(2, 1, 1),
      // The handler's plain text into its own stream, which the body gzips: 100 B upstream, 20 B on the wire.
      { ...write(3, 1, 1, 100), upstream: true },
      { ...folded(4, 1, "server", "write", 5, 500, 3.5, 1), upstream: true },
      write(5, 1, 1, 20),
      chunk(6, 1, 20),
      write(7, 1, 1, 10),
      chunk(8, 1, 10),
      { ...write(9, 1, 1, 10), unsent: true },
    ]);
    expect(linksOf(model)).toEqual([
      [5, 6],
      [7, 8],
    ]);
  });

  test("a write after a folded run links to the chunk holding its last byte", () => {
    const chunks = Array.from({ length: 10 }, (_, i) => chunk(50 + i, 1, 101));
    const model = modelOf([
      open(1, 1),
      request(2, 1, 1),
      folded(20, 1, "server", "write", 100, 1000, 10, 1),
      write(30, 1, 1, 10),
      ...chunks,
    ]);
    expect(linksOf(model)).toEqual([[30, 59]]);
  });

  test("the row's link reach covers its longest link", () => {
    const { server, client } = coalesced();
    // The write at 109 arrived in the chunk at 170.5.
    expect(modelOf(server, client).rows[1]!.linkReach).toBe(61.5);
  });
});

describe("spans", () => {
  test("abort → cancel → cleanup is one span ending at the cleanup", () => {
    const model = modelOf([
      open(1, 1),
      request(2, 1, 1),
      abort(177, 1, 1),
      cancel(177.5, 1, 1),
      cleanup(1029, 1, 1, 852),
    ]);
    expect(spansOf(model)).toEqual([
      {
        lane: 1,
        requestId: 1,
        start: 177,
        abort: 177,
        cancel: 177.5,
        end: 1029,
        outcome: "cleanup",
        label: "cleanup after 852 ms",
      },
    ]);
  });

  test("without a cleanup the span ends at the last leak, and names every leak", () => {
    const model = modelOf([
      request(28, 1, 1),
      abort(128, 1, 1),
      cancel(129, 1, 1),
      leak(130, 1, 1, "stream", 6),
      leak(229, 1, 1, "interval", 4),
    ]);
    expect(spansOf(model)).toEqual([
      {
        lane: 1,
        requestId: 1,
        start: 128,
        abort: 128,
        cancel: 129,
        end: 229,
        outcome: "leak",
        label: "leak: stream, line 6; leak: interval, line 4",
      },
    ]);
  });

  test("an abort with nothing after it yet is a pending span", () => {
    const model = modelOf([request(1, 2, 4), abort(10, 2, 4)]);
    expect(spansOf(model)).toEqual([
      {
        lane: 2,
        requestId: 4,
        start: 10,
        abort: 10,
        cancel: undefined,
        end: undefined,
        outcome: "pending",
        label: "waiting for cleanup",
      },
    ]);
  });

  test("a leak after a normal end starts its span at the end", () => {
    const end: TimelineEvent = {
      t: 50,
      lane: 1,
      side: "server",
      kind: "end",
      requestId: 1,
      version: 1,
      writes: 0,
      bytes: 0,
    };
    const model = modelOf([request(1, 1, 1), end, leak(3050, 1, 1, "interval", 4)]);
    expect(spansOf(model).map((span) => [span.start, span.end, span.outcome])).toEqual([[50, 3050, "leak"]]);
  });
});

describe("mark labels", () => {
  test("an end counts its writes in words: 1 write, 2 writes", () => {
    const end = (t: number, requestId: number, writes: number): TimelineEvent => ({
      t,
      lane: requestId,
      side: "server",
      kind: "end",
      requestId,
      version: 1,
      writes,
      bytes: writes * 3,
    });
    const events = [request(1, 1, 1), end(10, 1, 1), request(2, 2, 1), end(20, 2, 2)];
    const model = modelOf(events);
    expect([events[1]!, events[3]!].map((event) => model.markOf(event)?.label)).toEqual([
      "end, 1 write",
      "end, 2 writes",
    ]);
  });
  test("a log is labelled by its text; a print of Bun's by its error, not by the code frame above it", () => {
    const print = [
      "5 |     await null;",
      '6 |     throw new Error("the rows ran out");',
      "                  ^",
      "error: the rows ran out",
      "      at rows (/home/user/rows.ts:6:15)",
    ].join("\n");
    const events = [log(1, 0, "listening on 3000"), log(2, 0, print), log(3, 0, "12 | a table row")];
    const model = modelOf(events);
    const [plain, printed, tableRow] = events.map((event) => model.markOf(event)?.label);
    expect(plain).toBe("listening on 3000");
    expect(printed).toStartWith("error: the rows ran out at rows (");
    // A line that only looks like a frame's, alone, is the label itself.
    expect(tableRow).toBe("12 | a table row");
  });
});

describe("stale versions", () => {
  const events = (): TimelineEvent[] => [
    loaded(0, 1),
    open(5, 1),
    request(10, 1, 1, 1),
    write(20, 1, 1, 3, 1),
    chunk(21, 1, 3),
    loaded(50, 2),
    write(60, 1, 1, 3, 1),
    chunk(61, 1, 3),
    open(65, 2),
    request(70, 2, 2, 2),
    write(80, 2, 2, 3, 2),
  ];

  test("a request's marks are stale from the moment a newer version loaded", () => {
    const model = modelOf(events());
    const staleness = model.rows.flatMap((row) =>
      row.marks.map((mark) => `${mark.kind}@${mark.t}:${model.staleVersion(mark) ?? "-"}`),
    );
    expect(staleness).toEqual([
      "loaded@0:-",
      "loaded@50:-",
      "request@10:-",
      "write@20:-",
      "write@60:1",
      "open@5:-",
      "chunk@21:-",
      "chunk@61:1",
      "request@70:-",
      "write@80:-",
      "open@65:-",
    ]);
    expect([model.staleFrom(1), model.staleFrom(2)]).toEqual([50, undefined]);
  });

  test("a load that arrives after the request's events still makes them stale", () => {
    const all = events();
    const model = modelOf(
      all.filter((event) => event.kind !== "loaded"),
      all.filter((event) => event.kind === "loaded"),
    );
    const write60 = model.rows[1]!.marks.find((mark) => mark.t === 60)!;
    expect(model.staleVersion(write60)).toBe(1);
  });

  test("requests list their version and extent per server row", () => {
    const model = modelOf(events());
    const requests = model.rows.flatMap((row) =>
      row.requests.map((r) => ({
        lane: r.lane,
        requestId: r.requestId,
        version: r.version,
        start: r.start,
        end: r.end,
      })),
    );
    expect(requests).toEqual([
      { lane: 1, requestId: 1, version: 1, start: 10, end: 60 },
      { lane: 2, requestId: 2, version: 2, start: 70, end: 80 },
    ]);
  });
});

describe("out-of-order append", () => {
  /** Two lanes, reconnects, folded runs, spans: every t distinct. */
  function scenario(): TimelineEvent[] {
    const events: TimelineEvent[] = [loaded(0.1, 1)];
    let t = 1;
    /** The next time, 0.37 ms on. */
    const next = (): number => {
      t += 0.37;
      return t;
    };
    let requestId = 1;
    for (let attempt = 1; attempt <= 3; attempt++) {
      for (const lane of [1, 2]) {
        const id = requestId++;
        events.push(open(next(), lane, attempt), request(next(), lane, id));
        for (let i = 0; i < 20; i++) events.push(write(next(), lane, id, 3 + (i % 4)));
        events.push(folded(next(), lane, "server", "write", 10, 40, t - 0.2, id));
        for (let i = 0; i < 7; i++) events.push(chunk(next(), lane, 8));
        events.push(folded(next(), lane, "client", "chunk", 5, 40 + 90 - 56, t - 0.2));
        events.push(write(next(), lane, id, 5), chunk(next(), lane, 5));
        events.push(abort(next(), lane, id), cancel(next(), lane, id), cleanup(next(), lane, id, 0.7));
      }
      events.push(loaded(next(), attempt + 1));
    }
    return events;
  }

  const snapshot = (model: TimelineModel) => ({
    rows: rowsOf(model),
    links: linksOf(model),
    spans: spansOf(model),
    requests: model.rows.flatMap((row) => row.marks.map((mark) => mark.requestId)),
    linkCounts: model.rows.flatMap((row) => row.marks.map((mark) => mark.linkCount)),
  });

  test("the in-order scenario links the writes whose last byte reached an unfolded chunk", () => {
    // Per request: the 12 writes ending within the first 56 B (7 chunks of 8 B), and the last one.
    expect(linksOf(modelOf(scenario()))).toHaveLength(6 * 13);
  });

  test("shuffled batches give the same model as in-order ones", () => {
    const expected = snapshot(modelOf(scenario()));
    for (let seed = 1; seed <= 30; seed++) {
      const next = random(seed);
      const events = scenario();
      // Swap neighbours within a small window, then cut into random batches.
      for (let i = 0; i < events.length * 2; i++) {
        const a = Math.floor(next() * events.length);
        const b = Math.min(events.length - 1, a + 1 + Math.floor(next() * (seed % 5 === 0 ? 60 : 6)));
        [events[a], events[b]] = [events[b]!, events[a]!];
      }
      const batches: TimelineEvent[][] = [];
      for (let i = 0; i < events.length; ) {
        const size = 1 + Math.floor(next() * 40);
        batches.push(events.slice(i, i + size));
        i += size;
      }
      expect(snapshot(modelOf(...batches))).toEqual(expected);
    }
  });

  test("a late event lands in time order among the row's marks", () => {
    const model = modelOf(
      [write(1, 1, 1, 1), write(3, 1, 1, 1), write(5, 1, 1, 1)],
      [write(4, 1, 1, 1), write(2, 1, 1, 1)],
      [write(0.5, 1, 1, 1)],
    );
    expect(model.rows[1]!.marks.map((mark) => mark.t)).toEqual([0.5, 1, 2, 3, 4, 5]);
  });
});

describe("queries", () => {
  function randomModel(seed: number): TimelineModel {
    const next = random(seed);
    const events: TimelineEvent[] = [];
    for (let i = 0; i < 3000; i++) {
      const t = Math.round(next() * 10_000) / 10;
      const lane = 1 + Math.floor(next() * 3);
      if (next() < 0.05) events.push(folded(t, lane, "client", "chunk", 10, 100, t - next() * 50));
      else events.push(chunk(t, lane, 1 + Math.floor(next() * 100)));
    }
    const model = createTimelineModel(0);
    for (let i = 0; i < events.length; i += 100) model.append(events.slice(i, i + 100));
    return model;
  }

  test("visible marks match a brute-force filter on random data", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const model = randomModel(seed);
      const next = random(seed * 7);
      for (let q = 0; q < 200; q++) {
        const from = next() * 1100 - 50;
        const to = from + next() * (q % 2 === 0 ? 5 : 400);
        for (const row of model.rows) {
          const brute = row.marks.filter((mark) => mark.t >= from && mark.start <= to);
          expect(visibleMarks(row, from, to)).toEqual(brute);
        }
      }
    }
  });

  test("rows stay sorted by time", () => {
    const model = randomModel(9);
    for (const row of model.rows)
      expect(row.marks.every((mark, i) => i === 0 || row.marks[i - 1]!.t <= mark.t)).toBe(true);
  });

  test("markNear finds the nearest point mark, and folded spans when no point is near", () => {
    const model = modelOf([chunk(10, 1, 1), chunk(12, 1, 1), folded(40, 1, "client", "chunk", 9, 90, 20)]);
    const row = model.rows[2]!;
    expect([
      markNear(row, 11.2, 1)?.t,
      markNear(row, 30, 1)?.kind,
      markNear(row, 15, 1)?.t,
      markNear(row, 50, 1)?.t,
    ]).toEqual([12, "folded", undefined, undefined]);
  });

  test("markOf finds the mark of an appended event, or of an equal copy of it", () => {
    const event = chunk(3, 1, 1);
    const log8 = log(3, 1, "hi", 1);
    const model = modelOf([chunk(2, 1, 1), event, sse(3, 1, "x"), log8]);
    expect([
      model.markOf(event)?.event,
      model.markOf(structuredClone(event))?.event,
      model.markOf(structuredClone(log8))?.event,
      model.markOf(chunk(4, 1, 1)),
    ]).toEqual([event, event, log8, undefined]);
  });

  test("the typed columns mirror the marks after late merges", () => {
    const model = modelOf(
      [chunk(5, 1, 1), chunk(9, 1, 1000)],
      [folded(7, 1, "client", "chunk", 3, 30, 6), sse(1, 1, "x")],
    );
    const row = model.rows[2]!;
    const columns = row.marks.map((_, i) => [row.times[i], row.starts[i], markRoles[row.roleIds[i]!], row.sizes[i]]);
    expect(columns).toEqual(row.marks.map((mark) => [mark.t, mark.start, mark.role, Math.fround(mark.size)]));
    expect(markRoles.map((role, i) => [role, row.roleCounts[i]]).filter(([, count]) => count !== 0)).toEqual([
      ["folded", 1],
      ["chunk", 2],
      ["sse", 1],
    ]);
  });

  test("the typed columns mirror the marks when batches follow the row, in their order or not", () => {
    const model = modelOf(
      // In order, after nothing: a folded run starts before its time, chunk sizes differ.
      [chunk(1, 1, 10), folded(4, 1, "client", "chunk", 3, 30, 2), sse(5, 1, "x"), chunk(6, 1, 5000)],
      // In order, after the row's last mark.
      [chunk(7, 1, 1), sse(8, 1, "y")],
      // After the row's last mark, but out of order within the batch.
      [chunk(12, 1, 700), folded(11, 1, "client", "chunk", 2, 20, 9), sse(10, 1, "z")],
    );
    const row = model.rows[2]!;
    expect(row.marks.map((mark) => mark.t)).toEqual([1, 4, 5, 6, 7, 8, 10, 11, 12]);
    const columns = row.marks.map((_, i) => [row.times[i], row.starts[i], markRoles[row.roleIds[i]!], row.sizes[i]]);
    expect(columns).toEqual(row.marks.map((mark) => [mark.t, mark.start, mark.role, Math.fround(mark.size)]));
    expect(row.starts[1]).toBe(2);
    expect(row.starts[7]).toBe(9);
  });
});

describe("an abort's mark", () => {
  test("says why the request ended, and only a fault is drawn as an error", () => {
    const model = createTimelineModel(0);
    const aborted = (t: number, fields: Partial<AbortEvent>): AbortEvent => ({
      t,
      lane: 1,
      side: "server",
      kind: "abort",
      requestId: t,
      version: 1,
      ...fields,
    });
    model.append([
      aborted(1, { cause: "client-left" }),
      aborted(2, { cause: "server-stopped", detail: "serve was stopped (Ctrl+C) while this request was open" }),
      aborted(3, { cause: "runner-lost", detail: "the runner serving it went away" }),
      aborted(4, { cause: "idle-timeout", idleTimeout: { seconds: 10, source: "default" }, quietMs: 10_000 }),
      aborted(5, {}),
    ]);
    const marks = model.rows.flatMap((row) => row.marks).map((mark) => [mark.label, mark.role]);
    expect(marks).toEqual([
      ["abort", "abort"],
      ["server stopped", "abort"],
      ["runner lost", "error"],
      ["idle timeout (10 s)", "error"],
      ["abort", "abort"],
    ]);
  });

  test("a client's reset names the server side's cause", () => {
    const model = createTimelineModel(0);
    const reset = (t: number, cause?: Exclude<EndCause, "client-left">): DisconnectEvent => ({
      t,
      lane: 1,
      side: "client",
      kind: "disconnect",
      by: "error",
      bytes: 0,
      chunks: 0,
      ...(cause ? { cause } : {}),
    });
    model.append([reset(1), reset(2, "idle-timeout"), reset(3, "runner-lost"), reset(4, "server-stopped")]);
    expect(model.rows.flatMap((row) => row.marks).map((mark) => mark.label)).toEqual([
      "disconnect by error",
      "disconnect by error: idle timeout",
      "disconnect by error: runner lost",
      "disconnect by error: server stopped",
    ]);
  });
});
