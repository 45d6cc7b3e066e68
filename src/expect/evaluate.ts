/**
 * Checks a list of expectations against a timeline: one result per expectation, in the file's
 * order, each with a sentence and the events it is about.
 */

import type { Expectation, TimelineEvent } from "../contract/index.ts";
import { checkInOrder, checkHappens, checkNever } from "./check-occurrences.ts";
import { checkEndsOnItsVersion, checkSameOnEveryLane, checkSteady } from "./check-streams.ts";
import { describeExpectation } from "./describe-expectation.ts";
import type { ExpectationResult, Outcome } from "./expectation-result.ts";
import { createTimelineIndex, type TimelineIndex } from "./timeline-index.ts";

export interface Evaluation {
  /** True when every expectation holds. */
  ok: boolean;
  results: ExpectationResult[];
}

function check(expectation: Expectation, index: TimelineIndex): Outcome {
  if ("happens" in expectation) return checkHappens(expectation, index);
  if ("never" in expectation) return checkNever(expectation, index);
  if ("inOrder" in expectation) return checkInOrder(expectation, index);
  if ("sameOnEveryLane" in expectation) return checkSameOnEveryLane(expectation, index);
  if ("endsOnItsVersion" in expectation) return checkEndsOnItsVersion(expectation, index);
  if ("steady" in expectation) return checkSteady(expectation, index);
  const _never: never = expectation;
  throw new Error(`an expectation of no known type: ${JSON.stringify(_never)}`);
}

/** Checks each expectation against `events` (any order; they are sorted by time first). */
export function evaluateExpectations(
  expectations: readonly Expectation[],
  events: readonly TimelineEvent[],
): Evaluation {
  const index = createTimelineIndex(events.filter((event) => event.kind !== "summary"));
  const results = expectations.map((expectation, i) => ({
    index: i,
    name: expectation.name ?? describeExpectation(expectation),
    ...check(expectation, index),
  }));
  return { ok: results.every((result) => result.ok), results };
}
