/**
 * `message`: what each client lane's protocol lens assembled (the text, tool calls, timing and
 * violations) matches a pattern. A lane no lens could read is not a message; a run with none
 * does not hold, and says how to give the lens a rule.
 */

import type { EventPattern, MessageExpectation, TimelineEvent } from "../contract/index.ts";
import { type LensOptions, type LensReading, lensSummary, readLanes } from "../lenses/index.ts";
import { fail, type Outcome, pass, refs } from "./expectation-result.ts";
import { describeFields, describeMatcher, describeValue, failingKeys, fieldAt } from "./match-event.ts";
import type { TimelineIndex } from "./timeline-index.ts";

export function checkMessage(
  expectation: MessageExpectation,
  index: TimelineIndex,
  lensOptionsFor: (lane: number) => LensOptions,
): Outcome {
  const readings = readLanes(index.events, lensOptionsFor);
  const lanes = (expectation.lane === undefined ? index.clientLanes : [expectation.lane]).filter((lane) =>
    readings.has(lane),
  );
  if (lanes.length === 0)
    return fail(
      expectation.lane === undefined
        ? "no lane's stream was recognised as an LLM or agent protocol, so there is no message to check (for another JSON stream, give the lane a lens rule such as $.choices[0].delta.content)"
        : `lane ${expectation.lane}'s stream was not recognised as an LLM or agent protocol`,
    );
  const pattern = expectation.message as EventPattern;
  const lastOf = (lane: number): TimelineEvent[] => {
    const last = index.lane(lane).findLast((event) => event.side === "client");
    return last ? [last] : [];
  };
  for (const lane of lanes) {
    const reading = readings.get(lane) as LensReading;
    const summary = lensSummary(reading) as unknown as TimelineEvent;
    const failing = failingKeys(summary, pattern);
    if (failing.length > 0)
      return fail(
        `lane ${lane}'s message (${reading.protocol}) does not match`,
        refs("offender", lastOf(lane)),
        failing.map(
          (key) => `${key}: wanted ${describeMatcher(pattern[key]!)}, was ${describeValue(fieldAt(summary, key))}`,
        ),
      );
  }
  const which = lanes.length === 1 ? `lane ${lanes[0]}'s message` : `the messages of ${lanes.length} lanes`;
  return pass(
    `${which} ${lanes.length === 1 ? "matches" : "match"} ${describeFields(pattern)}`,
    refs("match", lanes.flatMap(lastOf)),
  );
}
