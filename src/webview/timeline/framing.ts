/**
 * What the timeline frames on its own while it follows: the latest run of requests. A run is the
 * lanes whose requests overlap in time (or follow one another within a moment), so a second
 * Connect after the first stream ended starts a new one. While a run is live the view zooms to
 * its newest connections and keeps up with them; once every lane of it has settled, it fits the
 * run, so a one-second stream fills the view instead of being a sliver of the session.
 *
 * Pure: the lanes come from the request log, the clock from the caller.
 */

import { fitRange, type TimeRange } from "./viewport.ts";

/** One lane's time on the timeline, as the request log knows it. */
export interface LaneSpan {
  readonly lane: number;
  /** Its first event (host clock, ms). */
  readonly start: number;
  /** Its latest event. */
  readonly end: number;
  /** Both sides are done: nothing more is expected of it (a cleanup or leak may still come). */
  readonly settled: boolean;
}

/** The latest lanes whose requests overlap in time. */
export interface Run {
  /** Its lanes, by start. */
  readonly lanes: readonly number[];
  readonly start: number;
  readonly end: number;
  /** Every lane of it has settled. */
  readonly settled: boolean;
  /** The first lane of the run's newest connections (those opened within a moment of the last). */
  readonly newestLane: number;
  readonly newestStart: number;
}

/** Where the axis counts from: a request's start, named as its lane's gutter names it. */
export interface AxisOrigin {
  t: number;
  /** `client 3`: the lane whose request is the zero. */
  label: string;
}

/** A range to show and the request its axis counts from. */
export interface Framing {
  range: TimeRange;
  origin: AxisOrigin;
}

/** Lanes opened this close after a run's last one ended still belong to it (one Connect of quick responses). */
const joinGapMs = 300;
/** Connections opened this close together are framed together while live (one Connect of several clients). */
const burstMs = 500;
/** A live request is shown at least this wide, so its first events do not fill the view. */
const minLiveWidthMs = 1_000;
/** A settled run is never fitted narrower than this. */
const minFitWidthMs = 2;
/** Room before the request's start and after the newest event, as fractions of the width. */
const leadFraction = 0.03;
const trailFraction = 0.04;

/** The latest run of `lanes`, or undefined when there are none. */
export function latestRun(lanes: readonly LaneSpan[]): Run | undefined {
  if (lanes.length === 0) return undefined;
  const sorted = [...lanes].sort((a, b) => a.start - b.start || a.lane - b.lane);
  let first = 0;
  let reach = -Infinity;
  sorted.forEach((lane, index) => {
    if (lane.start > reach + joinGapMs) first = index;
    reach = Math.max(reach, lane.settled ? lane.end : Infinity);
  });
  const members = sorted.slice(first);
  const newest = members.at(-1)!;
  const burst = members.find((lane) => lane.start >= newest.start - burstMs) ?? newest;
  return {
    lanes: members.map((lane) => lane.lane),
    start: members[0]!.start,
    end: Math.max(...members.map((lane) => lane.end)),
    settled: members.every((lane) => lane.settled),
    newestLane: burst.lane,
    newestStart: burst.start,
  };
}

export interface FrameRunOptions {
  /** The host clock now; undefined where there is no "now" (a recording). */
  now: number | undefined;
  /** Past this width a live run's view keeps its latest end in view rather than its start. */
  followWidthMs: number;
  /** Fit the whole run even while it is live (Fit last run), rather than following its newest connections. */
  whole?: boolean | undefined;
}

/** The view of a run: its newest connections, kept up with, while live; the whole run once settled. */
export function frameRun(run: Run, options: FrameRunOptions): Framing {
  const latest = run.settled ? run.end : Math.max(run.end, options.now ?? run.end);
  if (run.settled || options.whole)
    return { range: fitted(run.start, latest), origin: { t: run.start, label: `client ${run.lanes[0]}` } };
  const origin = { t: run.newestStart, label: `client ${run.newestLane}` };
  const width = Math.max(minLiveWidthMs, (latest - run.newestStart) * (1 + leadFraction + trailFraction));
  if (width > options.followWidthMs) {
    const to = latest + options.followWidthMs * trailFraction;
    return { range: { from: to - options.followWidthMs, to }, origin };
  }
  const from = run.newestStart - width * leadFraction;
  return { range: { from, to: from + width }, origin };
}

/** The view of one lane: from its request to its latest event (to now, while it is live). */
export function frameLane(lane: LaneSpan, now: number | undefined): Framing {
  const latest = lane.settled ? lane.end : Math.max(lane.end, now ?? lane.end);
  return { range: fitted(lane.start, latest), origin: { t: lane.start, label: `client ${lane.lane}` } };
}

function fitted(first: number, last: number): TimeRange {
  const middle = (first + last) / 2;
  const wide = Math.max(last - first, minFitWidthMs);
  return fitRange(middle - wide / 2, middle + wide / 2);
}
