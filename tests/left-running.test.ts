import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { createLeftRunningTracker, describeLeftRunning } from "../src/webview/left-running.ts";

const leak = (version: number, t: number) =>
  ({ t, lane: 1, side: "server", kind: "leak", requestId: t, version, what: "interval", detail: "" }) as TimelineEvent;
const restarted = (t: number) => ({ t, lane: 0, side: "runner", kind: "restarted" }) as unknown as TimelineEvent;

describe("what older versions left running", () => {
  test("counts the leaks of versions before the one serving, until the runner restarts", () => {
    const tracker = createLeftRunningTracker();
    tracker.take([leak(1, 1), leak(1, 2), leak(2, 3), leak(3, 4)]);
    const before = [tracker.before(1), tracker.before(3), tracker.before(4)].map(describeLeftRunning);
    tracker.take([restarted(5), leak(4, 6)]);
    expect({ before, afterRestart: [tracker.before(5), tracker.before(4)].map(describeLeftRunning) }).toEqual({
      before: [undefined, "v1 and v2 left 3 things running", "v1, v2 and v3 left 4 things running"],
      afterRestart: ["v4 left 1 thing running", undefined],
    });
  });
});
