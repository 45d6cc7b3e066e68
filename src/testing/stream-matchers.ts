/**
 * Matchers for `bun test`, each one expectation of an expectation file:
 *
 *     import { expect } from "bun:test";
 *     import { streamMatchers } from "stream-playground/testing";
 *     expect.extend(streamMatchers);
 *
 *     expect(timeline).toHaveEvent({ kind: "sse", event: "update" }, { after: { kind: "open" }, withinMs: 200 });
 *
 * A failure's message is the report's: what was wanted, and what matched it or came nearest.
 */

import type { MatcherResult } from "bun:test";
import { readFileSync } from "node:fs";
import {
  parseExpectationFile,
  type Count,
  type EventPattern,
  type Expectation,
  type ExpectationFile,
  type TimelineEvent,
} from "../contract/index.ts";
import { describeExpectation, evaluateExpectations, formatReport } from "../expect/index.ts";

/** What the matchers take: a traced stream, or its events. */
export type TimelineLike = { events: readonly TimelineEvent[] } | readonly TimelineEvent[];

export interface HappensOptions {
  count?: Count | undefined;
  after?: EventPattern | undefined;
  withinMs?: number | undefined;
  eachLane?: boolean | undefined;
}

export interface StreamMatchers {
  /** An event like `pattern` happens (once, `count` times, after another within a time). */
  toHaveEvent(pattern: EventPattern, options?: HappensOptions): void;
  /** No event like `pattern` happens. */
  toHaveNoEvent(pattern: EventPattern, options?: { eachLane?: boolean | undefined }): void;
  /** Events like these happen in this order. */
  toHaveEventsInOrder(
    patterns: EventPattern[],
    options?: { withinMs?: number | undefined; eachLane?: boolean | undefined },
  ): void;
  /** Every client lane got the same events like `pattern`. */
  toHaveSameEventsOnEveryLane(pattern: EventPattern, options?: { compare?: string[] | undefined }): void;
  /** Every request (like `pattern`) ended on the snippet version that opened it. */
  toEndOnItsVersion(pattern?: EventPattern): void;
  /** Events like `pattern` come at most `maxGapMs` apart on each lane. */
  toHaveEventsAtMostApart(pattern: EventPattern, maxGapMs: number): void;
  /** Every expectation holds: a list, a file's contents, or the path of an expectation file. */
  toMeetExpectations(expectations: readonly Expectation[] | ExpectationFile | string): void;
}

declare module "bun:test" {
  interface Matchers<T> extends StreamMatchers {}
}

function eventsOf(received: unknown): readonly TimelineEvent[] {
  if (Array.isArray(received)) return received as TimelineEvent[];
  if (received !== null && typeof received === "object" && "events" in received && Array.isArray(received.events))
    return received.events as TimelineEvent[];
  throw new TypeError("a stream matcher takes what traceStream gave back, or its events");
}

function expectationsFrom(value: readonly Expectation[] | ExpectationFile | string): readonly Expectation[] {
  if (typeof value !== "string") return Array.isArray(value) ? value : (value as ExpectationFile).expect;
  const read = parseExpectationFile(readFileSync(value, "utf8"));
  if (!read.ok) throw new Error(`${value} is not a valid expectation file: ${read.problem}`);
  return read.file.expect;
}

/** Checks expectations, and says why in the report's words either way. */
function check(received: unknown, expectations: readonly Expectation[], isNot: boolean): MatcherResult {
  const evaluation = evaluateExpectations(expectations, eventsOf(received));
  return {
    pass: evaluation.ok,
    message: () => {
      const what =
        expectations.length === 1 ? describeExpectation(expectations[0]!) : `${expectations.length} expectations`;
      return `${isNot ? "expected this not to hold" : "expected"}: ${what}\n\n${formatReport(evaluation)}`;
    },
  };
}

type MatcherThis = { isNot: boolean };

export const streamMatchers = {
  toHaveEvent(this: MatcherThis, received: unknown, pattern: EventPattern, options: HappensOptions = {}) {
    return check(received, [{ happens: pattern, ...options }], this.isNot);
  },
  toHaveNoEvent(
    this: MatcherThis,
    received: unknown,
    pattern: EventPattern,
    options: { eachLane?: boolean | undefined } = {},
  ) {
    return check(received, [{ never: pattern, ...options }], this.isNot);
  },
  toHaveEventsInOrder(
    this: MatcherThis,
    received: unknown,
    patterns: EventPattern[],
    options: { withinMs?: number | undefined; eachLane?: boolean | undefined } = {},
  ) {
    return check(received, [{ inOrder: patterns, ...options }], this.isNot);
  },
  toHaveSameEventsOnEveryLane(
    this: MatcherThis,
    received: unknown,
    pattern: EventPattern,
    options: { compare?: string[] | undefined } = {},
  ) {
    return check(received, [{ sameOnEveryLane: pattern, ...options }], this.isNot);
  },
  toEndOnItsVersion(this: MatcherThis, received: unknown, pattern?: EventPattern) {
    return check(received, [{ endsOnItsVersion: pattern ?? true }], this.isNot);
  },
  toHaveEventsAtMostApart(this: MatcherThis, received: unknown, pattern: EventPattern, maxGapMs: number) {
    return check(received, [{ steady: pattern, maxGapMs }], this.isNot);
  },
  toMeetExpectations(
    this: MatcherThis,
    received: unknown,
    expectations: readonly Expectation[] | ExpectationFile | string,
  ) {
    return check(received, expectationsFrom(expectations), this.isNot);
  },
};
