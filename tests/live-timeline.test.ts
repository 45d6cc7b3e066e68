/** The trace command's live output: events printed once a moment old, in time order, nothing held back at the end. */

import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { createLiveTimeline } from "../src/cli/live-timeline.ts";

function live() {
  let now = 0;
  let tick: (() => void) | undefined;
  const lines: string[] = [];
  const timeline = createLiveTimeline({
    write: (text) => lines.push(...text.trimEnd().split("\n")),
    format: (event) => `${event.t} ${event.kind}`,
    now: () => now,
    holdMs: 100,
    setInterval: (run) => {
      tick = run;
      return 1;
    },
    clearInterval: () => {
      tick = undefined;
    },
  });
  const at = (ms: number) => {
    now = ms;
    tick?.();
  };
  return { timeline, lines, at, ticking: () => tick !== undefined };
}

const event = (t: number, kind: "chunk" | "write" | "disconnect"): TimelineEvent =>
  kind === "write"
    ? { t, lane: 1, side: "server", kind, requestId: 1, version: 1, bytes: 1, text: "a", via: "yield" }
    : kind === "chunk"
      ? { t, lane: 1, side: "client", kind, bytes: 1, text: "a" }
      : { t, lane: 1, side: "client", kind, by: "server", bytes: 1, chunks: 1 };

describe("the live timeline", () => {
  test("an event is printed once it is holdMs old, and events that arrived out of order come out in order", () => {
    const { timeline, lines, at } = live();
    timeline.push(event(12, "chunk"));
    timeline.push(event(10, "write"));
    at(109);
    expect(lines).toEqual([]);
    at(112);
    expect(lines).toEqual(["10 write", "12 chunk"]);
  });

  test("an event older than what is out already is printed at once, and finish prints the rest and stops", () => {
    const { timeline, lines, at, ticking } = live();
    timeline.push(event(50, "chunk"));
    at(200);
    timeline.push(event(40, "disconnect"));
    timeline.push(event(190, "chunk"));
    expect(lines).toEqual(["50 chunk", "40 disconnect"]);
    timeline.finish();
    expect(lines).toEqual(["50 chunk", "40 disconnect", "190 chunk"]);
    expect(ticking()).toBe(false);
  });
});
