import { describe, expect, test } from "bun:test";
import { frameLane, frameRun, type LaneSpan, latestRun } from "../src/webview/timeline/index.ts";

const lane = (number: number, start: number, end: number, settled = true): LaneSpan => ({
  lane: number,
  start,
  end,
  settled,
});
const rounded = ({ from, to }: { from: number; to: number }) => ({ from: Math.round(from), to: Math.round(to) });

describe("the latest run", () => {
  test("is the lanes that overlap the newest one, or follow the last within a moment", () => {
    expect(latestRun([])).toBeUndefined();
    // Two Connects two seconds apart; the second opened three clients, the last a moment after the second ended.
    const run = latestRun([lane(1, 0, 1000), lane(2, 3000, 4000), lane(3, 3001, 3500), lane(4, 4100, 4200)]);
    expect(run).toEqual({
      lanes: [2, 3, 4],
      start: 3000,
      end: 4200,
      settled: true,
      newestLane: 4,
      newestStart: 4100,
    });
  });

  test("a lane still live holds every later one in its run, and the run is live", () => {
    const run = latestRun([lane(2, 5000, 6000), lane(1, 0, 1000, false), lane(3, 9000, 9100)]);
    expect(run).toMatchObject({ lanes: [1, 2, 3], start: 0, settled: false, newestLane: 3 });
  });

  test("connections opened together are the newest ones together", () => {
    const run = latestRun([lane(1, 1000, 1200, false), lane(2, 1003, 1200, false), lane(3, 1010, 1200, false)]);
    expect(run).toMatchObject({ newestLane: 1, newestStart: 1000 });
  });
});

describe("framing", () => {
  test("a live run is zoomed to its newest connections, a second wide at first, then kept up with", () => {
    const run = latestRun([lane(1, 0, 500), lane(2, 10_000, 10_050, false)])!;
    const early = frameRun(run, { now: 10_100, followWidthMs: 10_000 });
    expect({ ...early, range: rounded(early.range) }).toEqual({
      range: { from: 9970, to: 10_970 },
      origin: { t: 10_000, label: "client 2" },
    });
    const later = frameRun(run, { now: 12_000, followWidthMs: 10_000 });
    expect(rounded(later.range)).toEqual({ from: 9936, to: 12_076 });
    // Past the follow window, its latest end stays in view.
    const long = frameRun(run, { now: 40_000, followWidthMs: 10_000 });
    expect(rounded(long.range)).toEqual({ from: 30_400, to: 40_400 });
  });

  test("a settled run is fitted, counted from its first request, not the session", () => {
    const run = latestRun([lane(1, 0, 500), lane(2, 10_000, 11_000), lane(3, 10_002, 10_800)])!;
    const framed = frameRun(run, { now: 60_000, followWidthMs: 10_000 });
    expect({ ...framed, range: rounded(framed.range) }).toEqual({
      range: { from: 9970, to: 11_030 },
      origin: { t: 10_000, label: "client 2" },
    });
  });

  test("Fit last run fits a live run whole, to now", () => {
    const run = latestRun([lane(1, 0, 1000, false), lane(2, 5000, 5100, false)])!;
    expect(rounded(frameRun(run, { now: 9000, followWidthMs: 10_000, whole: true }).range)).toEqual({
      from: -270,
      to: 9270,
    });
  });

  test("one lane is framed from its request to its latest event, or to now while live", () => {
    expect(frameLane(lane(3, 2000, 3000), 9000)).toEqual({
      range: { from: 1970, to: 3030 },
      origin: { t: 2000, label: "client 3" },
    });
    expect(rounded(frameLane(lane(3, 2000, 2500, false), 4000).range)).toEqual({ from: 1940, to: 4060 });
    // A request over in a millisecond is still shown a little wide.
    expect(
      frameLane(lane(4, 100, 100.5), undefined).range.to - frameLane(lane(4, 100, 100.5), undefined).range.from,
    ).toBeCloseTo(2.12);
  });
});
