/**
 * A client's reset and the server's abort of the same lane tell one story: the disconnect carries
 * the server side's cause, whichever of the two arrives first, and nothing is held for long.
 */

import { describe, expect, test } from "bun:test";
import {
  type AbortEvent,
  type CleanupEvent,
  type DisconnectEvent,
  describeEvent,
  type TimelineEvent,
} from "../src/contract/index.ts";
import { abortCauseOf } from "../src/runner/request-tracker.ts";
import { createEndStory } from "../src/supervisor/end-story.ts";
import { createManualTimers } from "./support/manual-timers.ts";

function story() {
  const clock = createManualTimers();
  const emitted: TimelineEvent[] = [];
  const end = createEndStory({
    emit: (event) => emitted.push(event),
    holdMs: 500,
    setTimer: (run, ms) => clock.timers.setTimeout(run, ms),
    clearTimer: (timer) => clock.timers.clearTimeout(timer as number),
  });
  return { end, emitted, clock };
}

const reset = (t: number, lane = 1): DisconnectEvent => ({
  t,
  lane,
  side: "client",
  kind: "disconnect",
  by: "error",
  message: "ECONNRESET: The socket connection was closed unexpectedly.",
  bytes: 13,
  chunks: 1,
});

const idleAbort = (t: number, lane = 1): AbortEvent => ({
  t,
  lane,
  side: "server",
  kind: "abort",
  requestId: 1,
  version: 1,
  cause: "idle-timeout",
  detail: "Bun's idle timeout closed the connection",
  idleTimeout: { seconds: 2, source: "request" },
  quietMs: 4_012,
});

const linked = {
  cause: "idle-timeout" as const,
  causeDetail: "Bun's idle timeout (server.timeout(req, 2)) closed it after 4.0 s without a write",
};

describe("the end story", () => {
  test("a reset that comes first waits for the server's abort, and then carries its cause", () => {
    const { end, emitted } = story();
    end.take(reset(4_010));
    expect(emitted).toEqual([]);
    end.take(idleAbort(4_020));
    expect(emitted).toEqual([{ ...reset(4_010), ...linked }, idleAbort(4_020)]);
  });

  test("a reset that comes after the abort carries its cause at once", () => {
    const { end, emitted } = story();
    end.take(idleAbort(4_000));
    end.take(reset(4_030));
    expect(emitted).toEqual([idleAbort(4_000), { ...reset(4_030), ...linked }]);
  });

  test("with no cause on its way, the reset goes as it is when the hold runs out", () => {
    const { end, emitted, clock } = story();
    end.take(reset(100));
    clock.advance(499);
    expect(emitted).toEqual([]);
    clock.advance(1);
    expect(emitted).toEqual([reset(100)]);
    expect(clock.pending).toBe(0);
  });

  test("an abort long before the reset, or on another lane, is not its cause", () => {
    const { end, emitted, clock } = story();
    end.take(idleAbort(1_000));
    end.take(idleAbort(5_000, 2));
    end.take(reset(5_000));
    clock.advance(500);
    expect(emitted).toEqual([idleAbort(1_000), idleAbort(5_000, 2), reset(5_000)]);
  });

  test("the lane's next event lets a held reset go first, and a flush lets every one go", () => {
    const { end, emitted } = story();
    end.take(reset(10));
    end.take(reset(10, 2));
    const reconnect: TimelineEvent = { t: 20, lane: 1, side: "client", kind: "reconnect", delayMs: 3_000 };
    end.take(reconnect);
    expect(emitted).toEqual([reset(10), reconnect]);
    end.flush();
    expect(emitted).toEqual([reset(10), reconnect, reset(10, 2)]);
  });

  test("a disconnect the client asked for, or a drop, is never held", () => {
    const { end, emitted } = story();
    const left: DisconnectEvent = { ...reset(10), by: "client", message: undefined };
    const dropped: DisconnectEvent = { ...reset(10, 2), by: "drop" };
    end.take(left);
    end.take(dropped);
    expect(emitted).toEqual([left, dropped]);
  });
});

describe("why a request's signal aborted", () => {
  const at = (seconds: number, lastActivityAt: number) => ({
    idleTimeout: { seconds, source: "default" as const },
    lastActivityAt,
  });

  // Bun closes idle connections on a sweep every 4 s: a limit of L s closes a quiet connection
  // (ceil(L / 4) − 1) × 4 s to ceil(L / 4) × 4 s after its last write (request-tracker.ts).
  test("quiet for as long as the sweeps before a limit's last one: Bun's idle timeout", () => {
    expect(abortCauseOf(at(10, 1_000), 13_000)).toBe("idle-timeout");
    expect(abortCauseOf(at(10, 5_000), 13_000)).toBe("idle-timeout");
    expect(abortCauseOf(at(8, 0), 3_950)).toBe("idle-timeout");
    // Under a limit of 4 s or less the first sweep may come any time after the last write.
    expect(abortCauseOf(at(2, 0), 2_000)).toBe("idle-timeout");
    expect(abortCauseOf(at(2, 0), 10)).toBe("idle-timeout");
  });

  test("quiet for less, or no limit at all: the client left", () => {
    expect(abortCauseOf(at(10, 5_200), 13_000)).toBe("client-left");
    expect(abortCauseOf(at(8, 0), 3_800)).toBe("client-left");
    expect(abortCauseOf(at(0, 0), 600_000)).toBe("client-left");
  });
});

describe("the client's own disconnect has the last word", () => {
  test("an abort the runner took for an idle timeout, just after the client left by itself, is the client leaving", () => {
    const { end, emitted } = story();
    const left: DisconnectEvent = { ...reset(9_500), by: "client", message: undefined };
    const cancel: TimelineEvent = {
      t: 9_502,
      lane: 1,
      side: "server",
      kind: "cancel",
      requestId: 1,
      version: 1,
      reason: "Bun's idle timeout closed the connection; Bun called return() on the body",
    };
    const server = { lane: 1, side: "server", requestId: 1, version: 1 } as const;
    const unsent: TimelineEvent = {
      ...server,
      t: 9_502,
      kind: "write",
      bytes: 3,
      text: "hi\n",
      via: "yield",
      unsent: true,
      cause: "idle-timeout",
    };
    const leak: TimelineEvent = {
      ...server,
      t: 9_600,
      kind: "leak",
      what: "interval",
      detail: "an interval (every 50 ms) was created 99 ms after Bun's idle timeout closed the connection: …",
    };
    const cleanup: CleanupEvent = {
      ...server,
      t: 9_700,
      kind: "cleanup",
      afterMs: 199,
      via: "generator-finally",
      cause: "idle-timeout",
    };
    // Another request's cleanup after a real idle timeout keeps its cause.
    const otherCleanup: CleanupEvent = { ...cleanup, lane: 2, requestId: 2 };
    end.take(left);
    end.take(idleAbort(9_501));
    end.take(cancel);
    end.take(unsent);
    end.take(leak);
    end.take(cleanup);
    end.take(otherCleanup);
    expect(emitted).toEqual([
      left,
      { t: 9_501, lane: 1, side: "server", kind: "abort", requestId: 1, version: 1, cause: "client-left" },
      { ...cancel, reason: "the client went away; Bun called return() on the body" },
      { ...unsent, cause: undefined },
      { ...leak, detail: "an interval (every 50 ms) was created 99 ms after the client left: …" },
      { ...cleanup, cause: undefined },
      otherCleanup,
    ]);
    expect(describeEvent(emitted[5]!).detail).toBe("generator-finally finished 199.0 ms after the client left");
    expect(describeEvent(otherCleanup).detail).toBe(
      "generator-finally finished 199.0 ms after Bun's idle timeout closed the connection",
    );
  });
});

describe("a reset, as it reads", () => {
  test("in one sentence: the error's own full stop goes, and one chunk is a chunk", () => {
    expect([describeEvent(reset(10)), describeEvent({ ...reset(10), chunks: 0, bytes: 0 })]).toEqual([
      {
        detail: "by error: ECONNRESET: The socket connection was closed unexpectedly after 1 chunk, 13 B",
        colour: "red",
      },
      {
        detail: "by error: ECONNRESET: The socket connection was closed unexpectedly after 0 chunks, 0 B",
        colour: "red",
      },
    ]);
  });
});
