/** An expectation in words, for the report when it has no name of its own; and events as the report shows them. */

import { describeEvent, type Count, type Expectation, type TimelineEvent } from "../contract/index.ts";
import { describeFields, describePattern } from "./match-event.ts";

/**
 * The bounds a count sets. An expectation says something `happens`, so a count without a `min`
 * still wants one (`{"max": 3}` is 1 to 3), unless its `max` is 0.
 */
export function countBounds(count: Count | undefined): { min: number; max: number } {
  if (count === undefined) return { min: 1, max: Infinity };
  if (typeof count === "number") return { min: count, max: count };
  return { min: count.min ?? (count.max === 0 ? 0 : 1), max: count.max ?? Infinity };
}

/** `at least 3`, `exactly 2`, `from 1 to 4`; undefined for the default (at least one). */
export function describeCount(count: Count | undefined): string | undefined {
  const { min, max } = countBounds(count);
  if (min === max) return `exactly ${min}`;
  if (max === Infinity) return min === 1 ? undefined : `at least ${min}`;
  return `from ${min} to ${max}`;
}

/** The check an expectation makes, in one line. */
export function describeExpectation(expectation: Expectation): string {
  const lanes = "eachLane" in expectation && expectation.eachLane ? ", on each lane" : "";
  if ("happens" in expectation) {
    const count = describeCount(expectation.count);
    const after =
      expectation.after === undefined
        ? ""
        : expectation.withinMs === undefined
          ? ` after ${describePattern(expectation.after)}`
          : ` within ${expectation.withinMs} ms after ${describePattern(expectation.after)}`;
    return `${count === undefined ? "" : `${count} × `}${describePattern(expectation.happens)}${after}${lanes}`;
  }
  if ("never" in expectation) return `no ${describePattern(expectation.never)}${lanes}`;
  if ("inOrder" in expectation) {
    const within = expectation.withinMs === undefined ? "" : `, within ${expectation.withinMs} ms`;
    return `in order: ${expectation.inOrder.map(describePattern).join(" → ")}${within}${lanes}`;
  }
  if ("sameOnEveryLane" in expectation) {
    const fields = expectation.compare === undefined ? "" : ` (${expectation.compare.join(", ")})`;
    return `every lane got the same ${describePattern(expectation.sameOnEveryLane)}${fields}`;
  }
  if ("endsOnItsVersion" in expectation) {
    const which =
      expectation.endsOnItsVersion === true
        ? "every request"
        : `every ${describePattern(expectation.endsOnItsVersion)}`;
    return `${which} ends on the version that opened it`;
  }
  if ("message" in expectation)
    return `${expectation.lane === undefined ? "each lane's" : `lane ${expectation.lane}'s`} assembled message has ${describeFields(expectation.message)}`;
  return `${describePattern(expectation.steady)} at most ${expectation.maxGapMs} ms apart`;
}

const ms = (t: number) => `${t.toFixed(1)} ms`;

/** `sse at 24.1 ms, lane 1: connected "hello"`, on one line. */
export function describeEventBriefly(event: TimelineEvent): string {
  const detail = describeEvent(event).detail.replace(/\n\s*/g, " · ");
  const clipped = detail.length > 140 ? `${detail.slice(0, 139)}…` : detail;
  return `${event.kind} at ${ms(event.t)}${event.lane === 0 ? "" : `, lane ${event.lane}`}: ${clipped}`;
}

/** `1st`, `2nd`, `3rd`, `11th`. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
