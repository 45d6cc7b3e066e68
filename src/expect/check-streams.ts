/**
 * The checks about whole streams: `sameOnEveryLane` (every client got the same events),
 * `endsOnItsVersion` (each request ended on the snippet version that opened it) and `steady` (no
 * gap longer than a limit).
 */

import {
  sameJson,
  type EndsOnItsVersionExpectation,
  type SameOnEveryLaneExpectation,
  type SteadyExpectation,
  type TimelineEvent,
} from "../contract/index.ts";
import { describeEventBriefly, ordinal } from "./describe-expectation.ts";
import { fail, pass, refs, type Outcome } from "./expectation-result.ts";
import { describePattern, describeValue, fieldAt, matchesPattern } from "./match-event.ts";
import type { TimelineIndex } from "./timeline-index.ts";

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Fields that differ from lane to lane however alike the streams are: times, lanes, request numbers. */
const laneSpecificFields = new Set([
  "t",
  "lane",
  "requestId",
  "ttfbMs",
  "afterMs",
  "waitedMs",
  "delayMs",
  "since",
  "loadMs",
]);

/** What is compared of an event: the named fields, or every field but the lane-specific ones. */
function project(event: TimelineEvent, compare: readonly string[] | undefined): Record<string, unknown> {
  const fields = compare ?? Object.keys(event).filter((key) => !laneSpecificFields.has(key));
  return Object.fromEntries(fields.map((field) => [field, fieldAt(event, field)]));
}

/** Both absent, or the same JSON value. */
const sameField = (a: unknown, b: unknown) => (a === undefined ? b === undefined : b !== undefined && sameJson(a, b));

export function checkSameOnEveryLane(expectation: SameOnEveryLaneExpectation, index: TimelineIndex): Outcome {
  const pattern = expectation.sameOnEveryLane;
  const lanes = index.clientLanes.map((lane) => ({
    lane,
    events: index.lane(lane).filter((event) => matchesPattern(event, pattern)),
  }));
  if (lanes.length === 0) return fail("there are no client lanes to compare");
  const first = lanes[0]!;
  if (lanes.every(({ events }) => events.length === 0)) return fail(`no lane got any ${describePattern(pattern)}`);
  for (const other of lanes.slice(1)) {
    const shared = Math.min(first.events.length, other.events.length);
    for (let i = 0; i < shared; i++) {
      const a = project(first.events[i]!, expectation.compare);
      const b = project(other.events[i]!, expectation.compare);
      const differing = Object.keys({ ...a, ...b }).filter((key) => !sameField(a[key], b[key]));
      if (differing.length === 0) continue;
      const differences = differing.map(
        (key) => `${key}: lane ${first.lane} ${describeValue(a[key])}, lane ${other.lane} ${describeValue(b[key])}`,
      );
      return fail(
        `lane ${other.lane}'s ${ordinal(i + 1)} ${describePattern(pattern)} differs from lane ${first.lane}'s`,
        refs("offender", [first.events[i]!, other.events[i]!]),
        differences,
      );
    }
    if (first.events.length !== other.events.length) {
      const [more, fewer] = first.events.length > other.events.length ? [first, other] : [other, first];
      return fail(
        `lane ${more.lane} got ${more.events.length}, lane ${fewer.lane} only ${fewer.events.length} (the rest are alike)`,
        refs("offender", more.events.slice(fewer.events.length, fewer.events.length + 1)),
      );
    }
  }
  if (lanes.length === 1)
    return pass(
      `only lane ${first.lane} has a client: ${first.events.length} ${describePattern(pattern)}, nothing to compare them with`,
      refs("match", first.events.slice(0, 1)),
    );
  return pass(
    `${lanes.length} lanes each got the same ${first.events.length}`,
    refs(
      "match",
      lanes.map(({ events }) => events[0]!),
    ),
  );
}

/** The server events that end a request, one way or another. */
const endingKinds = new Set<TimelineEvent["kind"]>(["end", "abort", "cancel", "cleanup", "ws-close"]);

export function checkEndsOnItsVersion(expectation: EndsOnItsVersionExpectation, index: TimelineIndex): Outcome {
  const filter = expectation.endsOnItsVersion;
  const requests = index.events.filter(
    (event): event is Extract<TimelineEvent, { kind: "request" }> =>
      event.kind === "request" && (filter === true || matchesPattern(event, filter)),
  );
  if (requests.length === 0)
    return fail(filter === true ? "no request reached the server" : `no ${describePattern(filter)} reached the server`);
  let lastEnding: TimelineEvent | undefined;
  for (const request of requests) {
    // A restart begins a new range of request numbers: the request's events stop at the next one.
    const from = index.events.indexOf(request);
    const restart = index.events.findIndex((event, i) => i > from && event.kind === "restarted");
    const own = index.events
      .slice(from + 1, restart === -1 ? undefined : restart)
      .filter((event) => event.side === "server" && "requestId" in event && event.requestId === request.requestId);
    const ending = own.filter((event) => endingKinds.has(event.kind)).at(-1);
    const label = `request ${request.requestId} (${request.method} ${request.path}, opened on v${request.version})`;
    if (ending === undefined) {
      const last = own.at(-1);
      const restarted = restart === -1 ? "" : `; the runner restarted at ${ms(index.events[restart]!.t)}`;
      return fail(
        `${label} never ended: ${last === undefined ? "nothing followed it" : `its last event was ${describeEventBriefly(last)}`}${restarted}`,
        refs("offender", [request, ...(last ? [last] : [])]),
      );
    }
    const version = "version" in ending ? ending.version : undefined;
    if (version !== request.version)
      return fail(
        `${label} ended on v${version}: ${describeEventBriefly(ending)}`,
        refs("offender", [request, ending]),
      );
    lastEnding = ending;
  }
  const count = requests.length === 1 ? "the request" : `all ${requests.length} requests`;
  return pass(
    `${count} ended on the version that opened ${requests.length === 1 ? "it" : "them"} (the last: ${describeEventBriefly(lastEnding!)})`,
    refs("match", lastEnding ? [lastEnding] : []),
  );
}

export function checkSteady(expectation: SteadyExpectation, index: TimelineIndex): Outcome {
  const { steady: pattern, maxGapMs } = expectation;
  const lanes = [
    ...new Set(index.events.filter((event) => matchesPattern(event, pattern)).map((event) => event.lane)),
  ].sort((a, b) => a - b);
  if (lanes.length === 0) return fail(`no ${describePattern(pattern)} at all`);
  let widest: { gap: number; from: TimelineEvent; to: TimelineEvent } | undefined;
  for (const lane of lanes) {
    const events = index.lane(lane);
    const matches = events.filter((event) => matchesPattern(event, pattern));
    // A stream that goes quiet and is then closed has a gap before its close too.
    const close = events.find(
      (event) =>
        event.side === "client" &&
        (event.kind === "disconnect" || event.kind === "ws-close") &&
        event.t >= matches.at(-1)!.t,
    );
    const points = close === undefined ? matches : [...matches, close];
    for (let i = 1; i < points.length; i++) {
      const gap = points[i]!.t - points[i - 1]!.t;
      if (widest === undefined || gap > widest.gap) widest = { gap, from: points[i - 1]!, to: points[i]! };
    }
  }
  if (widest === undefined) return pass(`one ${describePattern(pattern)} per lane: no gaps to measure`);
  const where = `${ms(widest.gap)} on ${widest.from.lane === 0 ? "the runner's lane" : `lane ${widest.from.lane}`}, from ${widest.from.kind} at ${ms(widest.from.t)} to ${widest.to.kind} at ${ms(widest.to.t)}`;
  if (widest.gap > maxGapMs)
    return fail(`a gap of ${where} (limit ${maxGapMs} ms)`, refs("offender", [widest.from, widest.to]));
  return pass(`the widest gap: ${where}`, refs("match", [widest.from, widest.to]));
}
