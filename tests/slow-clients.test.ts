import { describe, expect, test } from "bun:test";
import type { ReadingEvent, TimelineEvent } from "../src/contract/index.ts";
import { createReadPacer } from "../src/clients/read-pacer.ts";
import { createManualTimers } from "./support/manual-timers.ts";
import { ofKind, traceSource } from "./support/timeline.ts";

/** Lets promise callbacks run (not a wait for time: the manual clock does not move). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function pacerWith(behaviour: Parameters<typeof createReadPacer>[0]["behaviour"]) {
  const clock = createManualTimers();
  const events: Omit<ReadingEvent, "lane" | "side" | "kind">[] = [];
  const pacer = createReadPacer({
    behaviour,
    lane: 1,
    now: clock.now,
    emit: ({ t, state, cause }) => events.push({ t, state, cause }),
    timers: clock.timers,
  });
  return { clock, events, pacer };
}

describe("the read pacer", () => {
  test("at 1000 B/s it hands over 50 B every 50 ms", async () => {
    const { clock, pacer } = pacerWith({ readBytesPerSecond: 1_000 });
    const taken: { at: number; size: number }[] = [];
    let left = 200;
    const reading = (async () => {
      while (left > 0) {
        const size = await pacer.take(left);
        taken.push({ at: clock.now(), size });
        left -= size;
      }
    })();
    for (let step = 0; step < 5; step++) {
      await settle();
      clock.advance(50);
    }
    await reading;
    expect(taken).toEqual([
      { at: 0, size: 50 },
      { at: 50, size: 50 },
      { at: 100, size: 50 },
      { at: 150, size: 50 },
    ]);
  });

  test("without a rate it hands over everything at once", async () => {
    const { pacer } = pacerWith({});
    expect(await pacer.take(1_000_000)).toBe(1_000_000);
  });

  test("a stall pauses reading at its time and resumes it after its length, each a reading event", async () => {
    const { clock, events, pacer } = pacerWith({ stallAfterMs: 100, stallMs: 300 });
    pacer.start();
    clock.advance(100);
    let ready: boolean | undefined;
    void pacer.ready().then((value) => (ready = value));
    clock.advance(299);
    await settle();
    expect({ paused: pacer.paused, ready }).toEqual({ paused: true, ready: undefined });
    clock.advance(1);
    await settle();
    expect({ events, paused: pacer.paused, ready }).toEqual({
      events: [
        { t: 100, state: "paused", cause: "stall" },
        { t: 400, state: "resumed", cause: "stall" },
      ],
      paused: false,
      ready: true,
    });
  });

  test("a stall without a length keeps reading paused until the chip resumes it", () => {
    const { clock, events, pacer } = pacerWith({ stallAfterMs: 0 });
    pacer.start();
    clock.advance(10_000);
    expect(pacer.paused).toBe(true);
    pacer.resume();
    expect(events).toEqual([
      { t: 0, state: "paused", cause: "stall" },
      { t: 10_000, state: "resumed", cause: "user" },
    ]);
  });

  test("resumed from the chip during a timed stall, it reads at once, and the stall's end changes nothing", () => {
    const { clock, events, pacer } = pacerWith({ stallAfterMs: 100, stallMs: 500 });
    pacer.start();
    clock.advance(200);
    pacer.resume();
    clock.advance(1_000);
    expect({ events, paused: pacer.paused }).toEqual({
      events: [
        { t: 100, state: "paused", cause: "stall" },
        { t: 200, state: "resumed", cause: "user" },
      ],
      paused: false,
    });
  });

  test("paused from the chip during a stall, it stays paused when the stall ends, and says so once", () => {
    const { clock, events, pacer } = pacerWith({ stallAfterMs: 100, stallMs: 100 });
    pacer.start();
    clock.advance(100);
    pacer.pause();
    clock.advance(100);
    expect(pacer.paused).toBe(true);
    clock.advance(50);
    pacer.resume();
    expect(events).toEqual([
      { t: 100, state: "paused", cause: "stall" },
      { t: 250, state: "resumed", cause: "user" },
    ]);
  });

  test("closing lets a waiting read go on, with nothing to take", async () => {
    const { pacer } = pacerWith({});
    pacer.pause();
    const taking = pacer.take(10);
    pacer.close();
    expect(await taking).toBe(0);
    expect(await pacer.ready()).toBe(false);
  });
});

const between = (events: readonly TimelineEvent[], from: number, to: number) =>
  events.filter((event) => event.t > from && event.t < to);

describe("a slow client against a snippet", () => {
  test("reading at 1 MiB/s, it takes 2 MiB in slices of a twentieth of a second's worth, over at least two seconds", async () => {
    const { events } = await traceSource(
      `export default () => new Response(async function* () {
  const part = new Uint8Array(64 * 1024).fill(97);
  for (let i = 0; i < 32; i++) yield part;
});`,
      { slow: { readBytesPerSecond: 1024 * 1024 } },
    );
    const chunks = ofKind(events, "chunk");
    const slice = Math.round((1024 * 1024) / 20);
    expect({
      bytes: chunks.reduce((sum, chunk) => sum + chunk.bytes, 0),
      largest: Math.max(...chunks.map((chunk) => chunk.bytes)) <= slice,
    }).toEqual({ bytes: 2 * 1024 * 1024, largest: true });
    // The pacer lets no more than one slice go at once: 2 MiB take at least (2 MiB − a slice) / rate.
    expect(chunks.at(-1)!.t - chunks[0]!.t).toBeGreaterThanOrEqual(
      ((2 * 1024 * 1024 - slice) / (1024 * 1024)) * 1000 - 1,
    );
    expect(ofKind(events, "open")[0]!.slow).toEqual({ readBytesPerSecond: 1024 * 1024 });
  }, 20_000);

  test("while it stalls nothing arrives, and a generator far larger than the socket's buffers waits: it ends only after reading resumes", async () => {
    const { events } = await traceSource(
      `export default () => new Response(async function* () {
  const part = new Uint8Array(1024 * 1024).fill(97);
  for (let i = 0; i < 64; i++) yield part;
});`,
      { slow: { stallAfterMs: 20, stallMs: 800 }, durationMs: 15_000 },
    );
    const [paused, resumed] = ofKind(events, "reading");
    expect([paused?.state, resumed?.state]).toEqual(["paused", "resumed"]);
    // The stall is of reading the body: the response's headers come when fetch answers, which on a
    // busy machine can be after the stall began.
    expect(
      between(events, paused!.t, resumed!.t).filter((event) => event.side === "client" && event.kind !== "headers"),
    ).toEqual([]);
    expect(ofKind(events, "end")[0]!.t).toBeGreaterThan(resumed!.t);
    // And the write that waited out the stall says so.
    expect(Math.max(...ofKind(events, "write").map((write) => write.waitedMs ?? 0))).toBeGreaterThan(0);
    expect(ofKind(events, "disconnect")[0]).toMatchObject({ by: "server", bytes: 64 * 1024 * 1024 });
  }, 30_000);

  test("dropping the connection inside an SSE event: the events before it, the cut event dropped unfinished, the server's abort and cleanup", async () => {
    const first = "event: a\ndata: one\n\n";
    const { events } = await traceSource(
      `export default (req: Request) => new Response(new ReadableStream({
  start(controller) { controller.enqueue(${JSON.stringify(`${first}event: b\ndata: two two two\n\n`)}); },
  cancel() {},
}), { headers: { "content-type": "text/event-stream" } });`,
      { slow: { dropAfterBytes: first.length + 12 } },
    );
    const client = events
      .filter((event) => event.side === "client")
      .map(({ t: _t, lane: _lane, side: _side, ...rest }) => rest);
    expect(client.slice(2)).toEqual([
      { kind: "chunk", bytes: 32, text: `${first}event: b\ndat` },
      { kind: "sse", event: "a", lastEventId: "", data: "one" },
      { kind: "sse-no-event", reason: "unfinished", block: "event: b\ndat", lastEventId: "" },
      {
        kind: "disconnect",
        by: "drop",
        message: "dropped after 32 B of the body, by the lane's setting",
        bytes: 32,
        chunks: 1,
      },
    ]);
    // (start() enqueues before the handler returns its response, but no body byte goes out before the head.)
    expect(events.filter((event) => event.side === "server").map((event) => event.kind)).toEqual([
      "request",
      "response",
      "write",
      "abort",
      "cancel",
      "cleanup",
    ]);
  });

  test("an EventSource whose connection is dropped reconnects, sending the last id it had", async () => {
    const { events } = await traceSource(
      `export default (req: Request) => {
  const from = Number(req.headers.get("last-event-id") ?? 0);
  return new Response(new ReadableStream({
    start(controller) {
      controller.enqueue("retry: 50\\n\\n");
      for (let id = from + 1; id <= from + 3; id++) controller.enqueue("id: " + id + "\\ndata: " + id + "\\n\\n");
    },
    cancel() {},
  }), { headers: { "content-type": "text/event-stream" } });
};`,
      { client: "eventsource", slow: { dropAfterBytes: 40 }, durationMs: 400 },
    );
    const reconnects = ofKind(events, "reconnect");
    expect(reconnects.length).toBeGreaterThanOrEqual(2);
    // Each connection got 1 whole event before the drop cut the 2nd: the ids keep climbing.
    expect(reconnects.slice(0, 2).map((event) => event.lastEventId)).toEqual(["1", "2"]);
    expect(
      ofKind(events, "disconnect")
        .slice(0, 3)
        .map((event) => event.by),
    ).toEqual(["drop", "drop", "drop"]);
  });
});

describe("a slow WebSocket client", () => {
  test("while it does not read, the server's ws.send returns −1; once it reads again, drain comes and every message arrives", async () => {
    const { events } = await traceSource(
      `const big = "x".repeat(256 * 1024);
const sent = new WeakMap<object, number>();
function pump(ws: { send(data: string): number }) {
  let count = sent.get(ws) ?? 0;
  while (count < 40) {
    sent.set(ws, ++count);
    if (ws.send(big) === -1) return;
  }
}
export default {
  fetch(req: Request, server: { upgrade(req: Request): boolean }) {
    if (server.upgrade(req)) return;
    return new Response("WebSockets only", { status: 400 });
  },
  websocket: { open: pump, drain: pump, message() {} },
};`,
      { client: "websocket", slow: { stallAfterMs: 0, stallMs: 1_000 }, durationMs: 6_000 },
    );
    const resumed = ofKind(events, "reading").find((event) => event.state === "resumed")!;
    const sends = ofKind(events, "ws-send").filter((event) => event.side === "server");
    const backedUp = sends.find((event) => event.result === -1);
    expect(backedUp).toBeDefined();
    expect(backedUp!.t).toBeLessThan(resumed.t);
    expect(ofKind(events, "ws-drain").some((event) => event.t > resumed.t)).toBe(true);
    const received = ofKind(events, "ws-message").filter((event) => event.side === "client");
    expect({ received: received.length, allAfterResume: received.every((event) => event.t > resumed.t) }).toEqual({
      received: 40,
      allAfterResume: true,
    });
  }, 30_000);
});
