/**
 * Checks a list of expectations against a timeline: one result per expectation, in the file's
 * order, each with a sentence and the events it is about.
 */

import type { Expectation, TimelineEvent } from "../contract/index.ts";
import type { LensOptions } from "../lenses/index.ts";
import { checkMessage } from "./check-message.ts";
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

export interface EvaluateOptions {
  /** How each lane's stream is read through a lens: its request body, the user's rule. */
  lensOptionsFor?: ((lane: number) => LensOptions) | undefined;
}

function check(expectation: Expectation, index: TimelineIndex, options: EvaluateOptions): Outcome {
  if ("message" in expectation) return checkMessage(expectation, index, options.lensOptionsFor ?? (() => ({})));
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
  options: EvaluateOptions = {},
): Evaluation {
  const index = createTimelineIndex(events.filter((event) => event.kind !== "summary"));
  const results = expectations.map((expectation, i) => ({
    index: i,
    name: expectation.name ?? describeExpectation(expectation),
    ...check(expectation, index, options),
  }));
  return { ok: results.every((result) => result.ok), results };
}
