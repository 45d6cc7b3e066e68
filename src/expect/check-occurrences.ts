/**
 * The checks about which events happen and when: `happens` (with a count, and after another event
 * within a time), `never`, and `inOrder`.
 */

import type {
  Count,
  EventPattern,
  HappensExpectation,
  InOrderExpectation,
  NeverExpectation,
  TimelineEvent,
} from "../contract/index.ts";
import { countWithNoun } from "../contract/index.ts";
import { countBounds, describeCount, describeEventBriefly } from "./describe-expectation.ts";
import { fail, nearestMiss, pass, refs, type Outcome } from "./expectation-result.ts";
import { describePattern, matchesPattern } from "./match-event.ts";
import type { Scope, TimelineIndex } from "./timeline-index.ts";

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The outcome for each scope, combined: the first failure, or a pass that speaks for all of them. */
function acrossScopes(scopes: readonly Scope[], check: (scope: Scope) => Outcome): Outcome {
  const outcomes = scopes.map((scope) => ({ scope, outcome: check(scope) }));
  const failed = outcomes.find(({ outcome }) => !outcome.ok);
  if (failed) return { ...failed.outcome, summary: `${failed.scope.label}${failed.outcome.summary}` };
  if (outcomes.length === 1) return outcomes[0]!.outcome;
  // Each lane's summary names its lane already (its events do).
  return pass(
    `on each of ${outcomes.length} lanes: ${outcomes.map(({ outcome }) => outcome.summary).join("; ")}`,
    outcomes.flatMap(({ outcome }) => outcome.events.slice(0, 1)),
  );
}

function counted(
  matches: readonly TimelineEvent[],
  count: Count | undefined,
  pattern: EventPattern,
  candidates: readonly TimelineEvent[],
  where: string,
): Outcome {
  const { min, max } = countBounds(count);
  const wanted = describeCount(count) ?? "at least 1";
  if (matches.length === 0 && min > 0)
    return nearestMiss(pattern, candidates, `no ${describePattern(pattern)}${where}`);
  if (matches.length < min)
    return fail(`only ${matches.length} matched${where}, wanted ${wanted}`, refs("match", matches.slice(0, 5)));
  if (matches.length > max)
    return fail(`${matches.length} matched${where}, wanted ${wanted}`, refs("offender", matches.slice(max, max + 5)));
  if (matches.length === 0) return pass(`none${where}, as wanted`);
  const first = describeEventBriefly(matches[0]!);
  return pass(
    matches.length === 1 ? first : `${matches.length} matched; the first: ${first}`,
    refs("match", matches.slice(0, 3)),
  );
}

export function checkHappens(expectation: HappensExpectation, index: TimelineIndex): Outcome {
  const scopes = index.scopes(expectation.eachLane === true);
  if (scopes.length === 0) return fail("there are no client lanes to look at");
  const { happens: pattern, after, withinMs, count } = expectation;
  if (after === undefined)
    return acrossScopes(scopes, (scope) =>
      counted(
        scope.events.filter((event) => matchesPattern(event, pattern)),
        count,
        pattern,
        scope.events,
        "",
      ),
    );
  return acrossScopes(scopes, (scope) => {
    const anchors = scope.events.filter((event) => matchesPattern(event, after));
    if (anchors.length === 0)
      return nearestMiss(after, scope.events, `nothing to count from: no ${describePattern(after)}`);
    let first: Outcome | undefined;
    for (const anchor of anchors) {
      const later = index.after(anchor, scope);
      const until = withinMs === undefined ? Infinity : anchor.t + withinMs;
      const inTime = later.filter((event) => event.t <= until && matchesPattern(event, pattern));
      const where =
        withinMs === undefined
          ? ` after ${anchor.kind} at ${ms(anchor.t)}`
          : ` within ${withinMs} ms after ${anchor.kind} at ${ms(anchor.t)}`;
      const outcome = counted(inTime, count, pattern, later, where);
      if (!outcome.ok) {
        const late = inTime.length === 0 ? later.find((event) => matchesPattern(event, pattern)) : undefined;
        if (late !== undefined && withinMs !== undefined) {
          return fail(
            `the first ${describePattern(pattern)} came ${ms(late.t - anchor.t)} after ${anchor.kind} at ${ms(anchor.t)}, past the limit of ${withinMs} ms: ${describeEventBriefly(late)}`,
            [
              { role: "anchor", event: anchor },
              { role: "offender", event: late },
            ],
          );
        }
        return { ...outcome, events: [{ role: "anchor", event: anchor }, ...outcome.events] };
      }
      const earliest = inTime[0];
      first ??=
        earliest === undefined
          ? outcome
          : pass(
              `${describeEventBriefly(earliest)}, ${ms(earliest.t - anchor.t)} after ${anchor.kind} at ${ms(anchor.t)}${anchors.length > 1 ? ` (and likewise after ${anchors.length - 1} more)` : ""}`,
              [{ role: "anchor", event: anchor }, ...refs("match", inTime.slice(0, 3))],
            );
    }
    return first!;
  });
}

export function checkNever(expectation: NeverExpectation, index: TimelineIndex): Outcome {
  const scopes = index.scopes(expectation.eachLane === true);
  return acrossScopes(scopes, (scope) => {
    const offenders = scope.events.filter((event) => matchesPattern(event, expectation.never));
    if (offenders.length === 0) return pass(`none among ${countWithNoun(scope.events.length, "event")}`);
    // More than one is listed under the summary by the report.
    return fail(
      offenders.length === 1
        ? `it happened: ${describeEventBriefly(offenders[0]!)}`
        : `it happened ${offenders.length} times${offenders.length > 5 ? ", the first 5:" : ":"}`,
      refs("offender", offenders.slice(0, 5)),
    );
  });
}

/** Steps matched from each start, greedily: the first chain that completes in time, or the longest partial one. */
function findOrder(events: readonly TimelineEvent[], steps: readonly EventPattern[], withinMs: number | undefined) {
  let best: { matched: TimelineEvent[]; nextFrom: number } = { matched: [], nextFrom: 0 };
  let slow: TimelineEvent[] | undefined;
  for (let start = 0; start < events.length; start++) {
    if (!matchesPattern(events[start]!, steps[0]!)) continue;
    const matched = [events[start]!];
    let at = start + 1;
    for (let step = 1; step < steps.length && at < events.length; at++) {
      if (matchesPattern(events[at]!, steps[step]!)) {
        matched.push(events[at]!);
        step++;
      }
    }
    if (matched.length === steps.length) {
      if (withinMs === undefined || matched.at(-1)!.t - matched[0]!.t <= withinMs) return { complete: matched };
      slow ??= matched;
    } else if (matched.length > best.matched.length) {
      best = { matched, nextFrom: events.indexOf(matched.at(-1)!) + 1 };
    }
  }
  return { partial: best, slow };
}

export function checkInOrder(expectation: InOrderExpectation, index: TimelineIndex): Outcome {
  const scopes = index.scopes(expectation.eachLane === true);
  if (scopes.length === 0) return fail("there are no client lanes to look at");
  const steps = expectation.inOrder;
  return acrossScopes(scopes, (scope) => {
    const found = findOrder(scope.events, steps, expectation.withinMs);
    if (found.complete) {
      const span = found.complete.at(-1)!.t - found.complete[0]!.t;
      return pass(
        `${found.complete.map((event) => `${event.kind} at ${ms(event.t)}`).join(" → ")} (${ms(span)} from first to last)`,
        refs("match", found.complete),
      );
    }
    if (found.slow) {
      const span = found.slow.at(-1)!.t - found.slow[0]!.t;
      return fail(
        `in order, but over ${ms(span)} from first to last (limit ${expectation.withinMs} ms)`,
        refs("offender", found.slow),
      );
    }
    const { matched, nextFrom } = found.partial;
    if (matched.length === 0)
      return nearestMiss(steps[0]!, scope.events, `the first step never happened: no ${describePattern(steps[0]!)}`);
    const held = matched.map((event) => `${event.kind} at ${ms(event.t)}`).join(" → ");
    const missing = steps[matched.length]!;
    const miss = nearestMiss(
      missing,
      scope.events.slice(nextFrom),
      `${held}, then no ${describePattern(missing)} after ${ms(matched.at(-1)!.t)}`,
    );
    return { ...miss, events: [...refs("match", matched), ...miss.events] };
  });
}
