/**
 * Expectations checked against a timeline: evaluating them, the readable report, and the
 * expectations a timeline already meets (a starting point the page saves). Pure: it imports only
 * the contract and the lenses, so the trace command, the `bun test` matchers and the page share it.
 */

export { type EvaluateOptions, evaluateExpectations, type Evaluation } from "./evaluate.ts";
export { eventRoles, type EventRef, type EventRole, type ExpectationResult } from "./expectation-result.ts";
export { describeExpectation, describeEventBriefly } from "./describe-expectation.ts";
export { describeMatcher, describePattern, fieldAt, matchesField, matchesPattern } from "./match-event.ts";
export { formatReport, type ReportOptions } from "./report.ts";
export { deriveExpectations, type DeriveOptions } from "./derive.ts";
export { traceSettingsOf } from "./trace-settings-of.ts";
