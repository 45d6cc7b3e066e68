/**
 * What checking one expectation found: whether it holds, a sentence saying why, and the events
 * that sentence is about (what matched, or what broke it, or the nearest miss and how it differs).
 *
 * Types and the small helpers every check shares.
 */

import type { EventPattern, TimelineEvent, TimelineKind } from "../contract/index.ts";
import { describeEventBriefly } from "./describe-expectation.ts";
import { describeMatcher, describePattern, describeValue, failingKeys, fieldAt } from "./match-event.ts";

/**
 * What an event is to the result: it matched, it is what a time was counted from, it broke the expectation, or it came
 * nearest.
 */
export const eventRoles = ["match", "anchor", "offender", "nearest"] as const;
export type EventRole = (typeof eventRoles)[number];

export interface EventRef {
  role: EventRole;
  event: TimelineEvent;
}

export interface ExpectationResult {
  /** 0-based position in the file. */
  index: number;
  /** The expectation's name, or what it checks in words. */
  name: string;
  ok: boolean;
  /** One sentence: what held it, or what broke it. */
  summary: string;
  /** The events the summary is about. */
  events: EventRef[];
  /** For a near miss: each field that did not hold, and what it was instead. */
  differences: string[];
}

/** What a single check gives back; the evaluator adds the index and the name. */
export type Outcome = Omit<ExpectationResult, "index" | "name">;

export const pass = (summary: string, events: EventRef[] = []): Outcome => ({
  ok: true,
  summary,
  events,
  differences: [],
});
export const fail = (summary: string, events: EventRef[] = [], differences: string[] = []): Outcome => ({
  ok: false,
  summary,
  events,
  differences,
});

/** Events as `ref`s of one role. */
export const refs = (role: EventRole, events: readonly TimelineEvent[]): EventRef[] =>
  events.map((event) => ({ role, event }));

/**
 * How many characters a field's text and a wanted plain value have in common at their start: among misses, the one that
 * is nearly right.
 */
function sharedStart(actual: unknown, wanted: unknown): number {
  if (typeof actual !== "string" || typeof wanted !== "string") return 0;
  let shared = 0;
  while (shared < actual.length && shared < wanted.length && actual[shared] === wanted[shared]) shared++;
  return shared;
}

/**
 * Why nothing matched `pattern` among `candidates`: the event that came nearest (the fewest fields
 * wrong, the right kind first, the earliest among equals) and how it differs; or, when no event
 * of the kind is there at all, which kinds were.
 */
export function nearestMiss(pattern: EventPattern, candidates: readonly TimelineEvent[], lead: string): Outcome {
  let best: { event: TimelineEvent; failing: string[]; score: number; likeness: number } | undefined;
  for (const event of candidates) {
    const failing = failingKeys(event, pattern);
    const score = failing.length + (failing.includes("kind") ? 1_000 : 0);
    const likeness = failing.reduce((sum, key) => sum + sharedStart(fieldAt(event, key), pattern[key]), 0);
    if (best === undefined || score < best.score || (score === best.score && likeness > best.likeness))
      best = { event, failing, score, likeness };
  }
  if (best === undefined) return fail(`${lead}: there were no events to look at`);
  if (best.failing.includes("kind")) {
    const kinds = [...new Set(candidates.map((event) => event.kind))] as TimelineKind[];
    return fail(
      `${lead}: no ${describePattern({ kind: pattern.kind! })} at all (the kinds there: ${kinds.join(", ")})`,
    );
  }
  const differences = best.failing.map(
    (key) => `${key} is ${describeValue(fieldAt(best.event, key))}, wanted ${describeMatcher(pattern[key]!)}`,
  );
  return fail(
    `${lead}; nearest: ${describeEventBriefly(best.event)}`,
    [{ role: "nearest", event: best.event }],
    differences,
  );
}
