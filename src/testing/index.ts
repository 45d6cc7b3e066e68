/**
 * Streams under test, from `bun test`: trace a snippet or any URL, and check its timeline with
 * matchers that speak expectation files' language.
 *
 *     import { expect, test } from "bun:test";
 *     import { streamMatchers, traceStream } from "stream-playground/testing";
 *     expect.extend(streamMatchers);
 *
 *     test("updates come soon", async () => {
 *       const timeline = await traceStream({ snippet: "./events.ts", path: "/events", client: "eventsource", durationMs: 2000 });
 *       expect(timeline).toHaveEvent({ kind: "sse", event: "update" }, { after: { kind: "open" }, withinMs: 200 });
 *       expect(timeline).toHaveNoEvent({ kind: "leak" });
 *     });
 */

export {
  traceStream,
  type SnippetTarget,
  type StreamTimeline,
  type StreamTraceOptions,
  type UrlTarget,
} from "./trace-stream.ts";
export { streamMatchers, type HappensOptions, type StreamMatchers, type TimelineLike } from "./stream-matchers.ts";
export { evaluateExpectations, formatReport, type Evaluation, type ExpectationResult } from "../expect/index.ts";
export type { EventPattern, Expectation, ExpectationFile, FieldMatcher, TimelineEvent } from "../contract/index.ts";
