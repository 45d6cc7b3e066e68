import { describe, expect, test } from "bun:test";
import {
  createEndpoint,
  RequestError,
  runnerPushChecks,
  runnerRequestChecks,
  syncClock,
  type Handlers,
  type LoadResult,
  type NoPushes,
  type NoRequests,
  type PushPayload,
  type RunnerPushes,
  type RunnerRequests,
} from "../src/contract/index.ts";
import { createManualTimers } from "./support/manual-timers.ts";

const loaded: LoadResult = { ok: true, form: "default-function", notices: [], loadMs: 1.5 };

/** Handlers that answer at once; a test replaces the ones it is about. */
function handlers(overrides: Partial<Handlers<RunnerRequests>> = {}): Handlers<RunnerRequests> {
  return {
    load: () => loaded,
    "clock-ping": () => ({ now: 0 }),
    "clock-set": () => ({}),
    configure: () => ({}),
    settle: () => ({ open: 0 }),
    close: () => ({ open: 0 }),
    ...overrides,
  };
}

/**
 * The host's end and the runner's end of one connection, as the supervisor and the runner make
 * them. Messages cross as JSON, a turn of the event loop later, and every one is kept in `wire`.
 */
function connect(
  options: { answer?: Partial<Handlers<RunnerRequests>>; timeouts?: { default: number; load?: number } } = {},
) {
  const manual = createManualTimers();
  const wire: { from: "host" | "runner"; message: Record<string, unknown> }[] = [];
  const problems: string[] = [];
  const pushes: PushPayload<RunnerPushes>[] = [];
  const cross = (from: "host" | "runner", deliver: (value: unknown) => void) => (message: unknown) => {
    const text = JSON.stringify(message);
    wire.push({ from, message: JSON.parse(text) as Record<string, unknown> });
    queueMicrotask(() => deliver(JSON.parse(text)));
  };
  const host = createEndpoint<RunnerRequests, NoRequests, NoPushes, RunnerPushes>({
    peer: "the runner",
    send: cross("host", (value) => runner.receive(value)),
    sends: runnerRequestChecks,
    timeouts: options.timeouts ?? { default: 1_000 },
    pushes: { checks: runnerPushChecks, onPush: (push) => pushes.push(push) },
    onProblem: (problem) => problems.push(`host: ${problem}`),
    timers: manual.timers,
  });
  const runner = createEndpoint<NoRequests, RunnerRequests, RunnerPushes>({
    peer: "the host",
    send: cross("runner", (value) => host.receive(value)),
    answers: { checks: runnerRequestChecks, handlers: handlers(options.answer) },
    onProblem: (problem) => problems.push(`runner: ${problem}`),
    timers: manual.timers,
  });
  const replies = () =>
    wire.filter((w) => w.from === "runner" && w.message.replyId !== undefined).map((w) => w.message.replyId);
  return { host, runner, manual, wire, problems, pushes, replies };
}

/** What a promise settled with, as a value to compare. */
async function settled<T>(
  promise: Promise<T>,
): Promise<{ reply: T } | { error: { kind: string; type: string; message: string } }> {
  try {
    return { reply: await promise };
  } catch (error) {
    if (error instanceof RequestError) return { error: { kind: error.kind, type: error.type, message: error.message } };
    throw error;
  }
}

/** Lets queued messages cross. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("requests and replies", () => {
  test("a request resolves with its own type's reply, checked and rebuilt", async () => {
    const { host, wire } = connect({ answer: { settle: () => ({ open: 2, extra: "dropped" }) as { open: number } } });
    const result: LoadResult = await host.request("load", { version: 3, source: "x", path: "/s.ts" });
    const open = (await host.request("settle", { timeoutMs: 10 })).open;
    expect({ result, open, firstRequest: wire[0]!.message }).toEqual({
      result: loaded,
      open: 2,
      firstRequest: { id: 1, payload: { version: 3, source: "x", path: "/s.ts", type: "load" } },
    });
  });

  test("replies that arrive out of order reach the request each answers", async () => {
    const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    let call = 0;
    const { host } = connect({
      answer: {
        settle: async (request) => {
          await gates[call++]!.promise;
          return { open: request.timeoutMs };
        },
      },
    });
    const first = host.request("settle", { timeoutMs: 1 });
    const second = host.request("settle", { timeoutMs: 2 });
    await turn();
    gates[1]!.resolve();
    await turn();
    gates[0]!.resolve();
    expect(await Promise.all([first, second])).toEqual([{ open: 1 }, { open: 2 }]);
  });

  test("a handler that throws or rejects is answered with an error the caller gets as a RequestError", async () => {
    const { host } = connect({
      answer: {
        load: () => {
          throw new TypeError("server.reload refused it");
        },
        settle: () => Promise.reject(new Error("settling failed")),
      },
    });
    expect([
      await settled(host.request("load", { version: 1, source: "", path: "/s.ts" })),
      await settled(host.request("settle", { timeoutMs: 1 })),
    ]).toEqual([
      { error: { kind: "failed", type: "load", message: "server.reload refused it" } },
      { error: { kind: "failed", type: "settle", message: "settling failed" } },
    ]);
  });

  test("a malformed request is answered with what is wrong, and its handler never runs", async () => {
    let ran = false;
    const { host } = connect({
      answer: {
        load: () => {
          ran = true;
          return loaded;
        },
      },
    });
    const malformed = await settled(host.request("load", { version: 0, source: "", path: "/s.ts" }));
    expect({ malformed, ran }).toEqual({
      malformed: {
        error: {
          kind: "malformed",
          type: "load",
          message: "malformed message: load.version must be a whole number of at least 1",
        },
      },
      ran: false,
    });
  });

  test("every request gets exactly one reply, whatever its handler does", async () => {
    const { host, replies } = connect({
      answer: {
        load: (request) => {
          if (request.version === 2) throw new Error("no");
          return loaded;
        },
      },
    });
    const outcomes = await Promise.all(
      [1, 2, 0, 4].map((version) => settled(host.request("load", { version, source: "", path: "/s.ts" }))),
    );
    await turn();
    // Each id once; the order follows how soon each handler finished.
    expect({ kinds: outcomes.map((o) => ("error" in o ? o.error.kind : "reply")), replies: replies().sort() }).toEqual({
      kinds: ["reply", "failed", "malformed", "reply"],
      replies: [1, 2, 3, 4],
    });
  });

  test("a reply that does not match its request's type is refused", async () => {
    const { host } = connect({ answer: { settle: () => ({ open: -1 }) } });
    expect(await settled(host.request("settle", { timeoutMs: 1 }))).toEqual({
      error: {
        kind: "malformed",
        type: "settle",
        message: `the runner sent a malformed reply to "settle": reply.open must be a whole number of at least 0`,
      },
    });
  });
});

describe("time limits", () => {
  test("a request with no reply rejects after its type's time limit; a late reply is ignored", async () => {
    const late = Promise.withResolvers<LoadResult>();
    const { host, manual, problems } = connect({
      answer: { load: () => late.promise },
      timeouts: { default: 100, load: 5_000 },
    });
    const load = settled(host.request("load", { version: 1, source: "", path: "/s.ts" }));
    const settle = settled(host.request("settle", { timeoutMs: 1 }));
    await turn();
    manual.advance(4_999);
    const pendingBefore = host.pending;
    manual.advance(1);
    late.resolve(loaded);
    await turn();
    expect({
      pendingBefore,
      load: await load,
      settle: await settle,
      pendingAfter: host.pending,
      problems,
      timers: manual.pending,
    }).toEqual({
      pendingBefore: 1,
      load: { error: { kind: "timeout", type: "load", message: `the runner did not answer "load" within 5000 ms` } },
      settle: { reply: { open: 0 } },
      pendingAfter: 0,
      problems: [],
      timers: 0,
    });
  });

  test("a request can set its own time limit", async () => {
    const { host, manual } = connect({ answer: { settle: () => new Promise(() => {}) }, timeouts: { default: 100 } });
    const settle = settled(host.request("settle", { timeoutMs: 1_000 }, { timeoutMs: 1_500 }));
    manual.advance(1_000);
    expect(host.pending).toBe(1);
    manual.advance(500);
    expect(await settle).toEqual({
      error: { kind: "timeout", type: "settle", message: `the runner did not answer "settle" within 1500 ms` },
    });
  });
});

describe("the connection going away", () => {
  test("close rejects every waiting request, and every later one, with its reason", async () => {
    const { host, manual } = connect({ answer: { settle: () => new Promise(() => {}) } });
    const waiting = settled(host.request("settle", { timeoutMs: 1 }));
    host.close(new Error("the runner exited with code 1"));
    const later = host.request("settle", { timeoutMs: 1 });
    await expect(later).rejects.toThrow("the runner exited with code 1");
    await expect(waiting).rejects.toThrow("the runner exited with code 1");
    expect({
      pending: host.pending,
      timers: manual.pending,
      pushed: host.push("clock-set" as never, {} as never),
    }).toEqual({ pending: 0, timers: 0, pushed: false });
  });

  test("a transport that throws on send fails the request at once", async () => {
    const manual = createManualTimers();
    const host = createEndpoint<RunnerRequests, NoRequests, NoPushes, RunnerPushes>({
      peer: "the runner",
      send: () => {
        throw new Error("Channel closed");
      },
      sends: runnerRequestChecks,
      timers: manual.timers,
    });
    expect(await settled(host.request("settle", { timeoutMs: 1 }))).toEqual({
      error: { kind: "closed", type: "settle", message: `could not send "settle" to the runner: Channel closed` },
    });
    expect(manual.pending).toBe(0);
  });
});

describe("what arrives unasked", () => {
  test("pushes are checked: good ones are delivered with their type, bad ones reported", async () => {
    const { host, runner, pushes, problems } = connect();
    runner.push("heartbeat", { inFlight: 2 });
    runner.push("ready", { port: 70_000, pid: 1 });
    await turn();
    expect({ pushes, problems }).toEqual({
      pushes: [{ type: "heartbeat", inFlight: 2 }],
      problems: ["host: malformed message: ready.port must be a whole number from 0 to 65535"],
    });
    expect(host.pending).toBe(0);
  });

  test("an unknown type is answered with an error when it has an id, and reported when it cannot be answered", async () => {
    const { runner, wire, problems } = connect();
    runner.receive({ id: 7, payload: { type: "toString" } });
    runner.receive({ payload: { type: "load" } });
    runner.receive({ id: 8, replyId: 99, reply: {} });
    await turn();
    expect({ answers: wire.map((w) => w.message), problems }).toEqual({
      answers: [
        {
          id: 1,
          replyId: 7,
          error: { kind: "malformed", message: `malformed message: unknown message type "toString"` },
        },
      ],
      problems: [
        "runner: malformed message: a message must be an object with a numeric id",
        "runner: the host answered request 99, which was not waiting for a reply",
        // The runner's answer reaches the host's end, which never sent request 7 either.
        "host: the runner answered request 7, which was not waiting for a reply",
      ],
    });
  });
});

describe("clock sync", () => {
  test("the offset is taken from the shortest of the round trips", async () => {
    // Each ping: how long the trip took, and the remote clock at its midpoint (remote = local + 1000).
    const trips = [8, 2, 5];
    let local = 0;
    const peer = {
      async request() {
        const trip = trips.shift()!;
        local += trip / 2;
        // A slow trip's reading is skewed by up to half its length: here, by all of it.
        const reading = { now: local + 1_000 + (trip === 2 ? 0 : trip / 2) };
        local += trip / 2;
        return reading;
      },
    };
    expect(await syncClock(peer, { samples: 3, now: () => local })).toEqual({ offsetMs: 1_000, roundTripMs: 2 });
  });
});
