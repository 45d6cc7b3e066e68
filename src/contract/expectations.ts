/**
 * Expectation files: what must happen in a stream, checked against a timeline by `trace --expect`,
 * by the `bun test` matchers, and saved from the page as a starting point. A file is JSON:
 *
 *     {
 *       "version": 1,
 *       "trace": { "path": "/events", "client": "eventsource", "durationMs": 3000 },
 *       "expect": [
 *         { "name": "an update soon after connecting",
 *           "happens": { "kind": "sse", "event": "update" }, "after": { "kind": "open" }, "withinMs": 200 },
 *         { "never": { "kind": "leak" } }
 *       ]
 *     }
 *
 * A pattern names fields of an event and what each must be: a plain value (the field equals it),
 * or one operator object (`match`, `includes`, `min`/`max`, `exists`, `oneOf`, `equals`, `not`).
 * A dotted key reaches inside a field: `"value.done": true` for a JSON line, `"headers.content-type"`.
 * Kinds and fields are checked against the lists in `timeline-kinds.ts`, so a typo is an error that
 * names what was meant, not an expectation that silently never matches.
 */

import {
  array,
  boolean,
  CheckProblem,
  integer,
  number,
  object,
  optional,
  partialObject,
  record,
  refine,
  string,
  type Check,
} from "./check.ts";
import { jsonProblem } from "./json-syntax.ts";
import { jsonValue, type JsonValue } from "./json-value.ts";
import type { TimelineKind } from "./timeline-events.ts";
import { commonFields, eventFields, timelineKinds } from "./timeline-kinds.ts";
import { errorMessage } from "./error-message.ts";
import { traceSettingsCheck, type TraceSettings } from "./trace-settings.ts";

/** What a field must be. A plain value means "equals"; an object is one operator. */
export type FieldMatcher =
  | Exclude<JsonValue, Record<string, JsonValue>>
  | { equals: JsonValue }
  | { match: string; flags?: string | undefined }
  | { includes: string }
  | { min?: number | undefined; max?: number | undefined }
  | { exists: boolean }
  | { oneOf: JsonValue[] }
  | { not: FieldMatcher };

/** The operators a matcher object may use; `min` and `max` may go together. */
export const matcherOperators = ["equals", "match", "includes", "min", "max", "exists", "oneOf", "not"] as const;
export type MatcherOperator = (typeof matcherOperators)[number];

/** Field (or dotted path) → what it must be. Every key must hold for an event to match. */
export type EventPattern = Record<string, FieldMatcher>;

/** How many matching events: exactly a number, or a range. */
export type Count = number | { min?: number | undefined; max?: number | undefined };

/** Fields every expectation may have. */
interface ExpectationBase {
  /** What the report calls it; a description of the check when left out. */
  name?: string | undefined;
}

/**
 * Events like `happens` occur: at least once, or `count` times. With `after`, they are looked for
 * after each event like `after`, on its lane, and within `withinMs` of it when given.
 */
export interface HappensExpectation extends ExpectationBase {
  happens: EventPattern;
  count?: Count | undefined;
  after?: EventPattern | undefined;
  withinMs?: number | undefined;
  /** Holds on each client lane separately, not just somewhere in the timeline. */
  eachLane?: boolean | undefined;
}

/** No event like `never` occurs. */
export interface NeverExpectation extends ExpectationBase {
  never: EventPattern;
  eachLane?: boolean | undefined;
}

/** Events like these occur in this order (others may come between), within `withinMs` from first to last when given. */
export interface InOrderExpectation extends ExpectationBase {
  inOrder: EventPattern[];
  withinMs?: number | undefined;
  /** The order holds within each client lane, not just across the timeline. */
  eachLane?: boolean | undefined;
}

/**
 * Every client lane got the same events like this: the same number, with the same `compare` fields in the same order.
 */
export interface SameOnEveryLaneExpectation extends ExpectationBase {
  sameOnEveryLane: EventPattern;
  /** The fields compared; every field but times and lanes when left out. */
  compare?: string[] | undefined;
}

/**
 * Every request like this (true: every request) ended (`end`, `cleanup`, `abort`, `ws-close`…) on the snippet version
 * that opened it.
 */
export interface EndsOnItsVersionExpectation extends ExpectationBase {
  endsOnItsVersion: true | EventPattern;
}

/** Events like `steady` come at most `maxGapMs` apart on each lane (a heartbeat, a ticker). */
export interface SteadyExpectation extends ExpectationBase {
  steady: EventPattern;
  maxGapMs: number;
}

/**
 * The fields of a message a lens assembled, as a `message` expectation names them: the text and
 * reasoning, the tool calls (`tool.get_weather.city` reaches a call's arguments by the tool's
 * name), the finish reason and usage, the count and rules of violations, and the timing.
 */
export const messageFields = [
  "protocol",
  "text",
  "reasoning",
  "finishReason",
  "model",
  "complete",
  "violations",
  "rules",
  "toolCalls",
  "tool",
  "usage",
  "firstTokenMs",
  "gapP50Ms",
  "gapP95Ms",
  "gapMaxMs",
  "charsPerSecond",
  "tokensPerSecond",
  "deltas",
] as const;
export type MessageField = (typeof messageFields)[number];

/**
 * Each client lane read through a protocol lens assembled a message like this (`"text": {"includes":
 * "Paris"}`, `"firstTokenMs": {"max": 500}`, `"violations": 0`, `"tool.get_weather.city": "Paris"`);
 * with `lane`, that lane's. A run whose lanes no lens could read does not hold.
 */
export interface MessageExpectation extends ExpectationBase {
  message: Record<string, FieldMatcher>;
  lane?: number | undefined;
}

export type Expectation =
  | MessageExpectation
  | HappensExpectation
  | NeverExpectation
  | InOrderExpectation
  | SameOnEveryLaneExpectation
  | EndsOnItsVersionExpectation
  | SteadyExpectation;

/** The key that says which check an expectation is: exactly one per expectation. */
export const expectationTypes = [
  "happens",
  "never",
  "inOrder",
  "sameOnEveryLane",
  "endsOnItsVersion",
  "steady",
  "message",
] as const;
export type ExpectationType = (typeof expectationTypes)[number];

export interface ExpectationFile {
  /** The format's version; 1, the only one so far. */
  version?: 1 | undefined;
  trace?: TraceSettings | undefined;
  expect: Expectation[];
}

// --- checks -----------------------------------------------------------------------------------

const kindList = timelineKinds.join(", ");
const isKind = (value: unknown): value is TimelineKind =>
  typeof value === "string" && (timelineKinds as readonly string[]).includes(value);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The regular expression a `match` operator holds, or the problem with it. */
export function compileMatch(source: string, flags = ""): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new CheckProblem(`is not a regular expression: ${errorMessage(error)}`);
  }
}

const nonNegative = refine(number, (value) => value >= 0, "must be a number, 0 or more");

const fieldMatcher: Check<FieldMatcher> = (value) => {
  if (!isPlainObject(value)) return jsonValue(value) as FieldMatcher;
  const keys = Object.keys(value);
  const unknown = keys.find((key) => !(matcherOperators as readonly string[]).includes(key) && key !== "flags");
  if (unknown !== undefined) {
    throw new CheckProblem(
      `is an object, so it must be an operator (${matcherOperators.join(", ")}); "${unknown}" is not one. To compare a whole object, write {"equals": {…}}; to test a field inside one, use a dotted key such as "value.${unknown}"`,
    );
  }
  const range = keys.every((key) => key === "min" || key === "max");
  if (range && keys.length > 0) {
    const checked = partialObject({ min: number, max: number }, "")(value);
    if (checked.min !== undefined && checked.max !== undefined && checked.min > checked.max)
      throw new CheckProblem(`has min ${checked.min} above max ${checked.max}`);
    return checked;
  }
  if (keys.includes("flags") && !keys.includes("match")) throw new CheckProblem("has flags without match");
  const operators = keys.filter((key) => key !== "flags");
  if (operators.length !== 1)
    throw new CheckProblem(
      `must have exactly one operator (min and max may go together), not ${operators.length === 0 ? "none" : operators.join(" and ")}`,
    );
  // A lone min or max went the range's way above; any other mix was refused.
  switch (operators[0] as Exclude<MatcherOperator, "min" | "max">) {
    case "equals":
      return object({ equals: jsonValue })(value);
    case "match": {
      const checked = object({
        match: string,
        flags: optional(
          refine(string, (flags) => /^[dgimsuvy]*$/.test(flags), "must be regular expression flags (such as i, m, s)"),
        ),
      })(value);
      try {
        compileMatch(checked.match, checked.flags);
      } catch (error) {
        if (error instanceof CheckProblem) throw error.within("match");
        throw error;
      }
      return checked;
    }
    case "includes":
      return object({ includes: string })(value);
    case "exists":
      return object({ exists: boolean })(value);
    case "oneOf":
      return object({ oneOf: array(jsonValue) })(value);
    case "not":
      return object({ not: fieldMatcher })(value);
  }
};

/** The kinds a pattern can match, from its `kind` key: one, some, or any. */
function patternKinds(pattern: Record<string, unknown>): TimelineKind[] {
  const kind = pattern.kind;
  if (kind === undefined) return [...timelineKinds];
  if (isKind(kind)) return [kind];
  if (isPlainObject(kind) && Array.isArray(kind.oneOf)) return kind.oneOf.filter(isKind);
  return [...timelineKinds];
}

/** A `kind` matcher names only kinds that exist: `"sse"`, `{"oneOf": [...]}`, `{"not": "log"}`. */
function checkKindMatcher(kind: FieldMatcher): void {
  if (isPlainObject(kind) && ("match" in kind || "includes" in kind || "exists" in kind)) return;
  const named =
    typeof kind === "string"
      ? [kind]
      : isPlainObject(kind) && "oneOf" in kind
        ? kind.oneOf
        : isPlainObject(kind) && "not" in kind
          ? [kind.not]
          : undefined;
  if (named === undefined)
    throw new CheckProblem(`must be a kind, or {"oneOf": [kinds]}: one of ${kindList}`, ["kind"]);
  named.forEach((name, index) => {
    if (isPlainObject(name) || isKind(name)) return;
    const at =
      typeof kind === "string"
        ? ["kind"]
        : isPlainObject(kind) && "oneOf" in kind
          ? ["kind", "oneOf", index]
          : ["kind", "not"];
    throw new CheckProblem(`${JSON.stringify(name)} is not a kind of event; the kinds are ${kindList}`, at);
  });
}

/** A pattern: its keys must be fields of the kinds it names, and its values matchers. */
export const eventPatternCheck: Check<EventPattern> = (value) => {
  const fields = record(fieldMatcher)(value);
  if (fields.kind !== undefined) checkKindMatcher(fields.kind);
  const kinds = patternKinds(fields);
  for (const key of Object.keys(fields)) {
    const field = key.split(".", 1)[0]!;
    if ((commonFields as readonly string[]).includes(field)) continue;
    if (kinds.some((kind) => (eventFields[kind] as readonly string[]).includes(field))) continue;
    const named = kinds.length === timelineKinds.length ? "no kind of event" : kinds.join(" or ");
    const known = kinds.length === 1 ? ` (its fields: ${[...commonFields, ...eventFields[kinds[0]!]].join(", ")})` : "";
    throw new CheckProblem(`is not a field of ${named}${known}`, [key]);
  }
  return fields;
};

/** A message pattern: its keys must be fields of an assembled message (their first part, for a dotted key). */
export const messagePatternCheck: Check<Record<string, FieldMatcher>> = (value) => {
  const fields = record(fieldMatcher)(value);
  if (Object.keys(fields).length === 0)
    throw new CheckProblem(`names nothing to check: give fields of the message (${messageFields.join(", ")})`);
  for (const key of Object.keys(fields)) {
    const field = key.split(".", 1)[0]!;
    if (!(messageFields as readonly string[]).includes(field))
      throw new CheckProblem(`is not a field of an assembled message (its fields: ${messageFields.join(", ")})`, [key]);
  }
  return fields;
};

const count: Check<Count> = (value) => {
  if (typeof value === "number") return integer(0)(value);
  const checked = partialObject({ min: integer(0), max: integer(0) }, "is not part of a count (min, max)")(value);
  if (checked.min !== undefined && checked.max !== undefined && checked.min > checked.max)
    throw new CheckProblem(`has min ${checked.min} above max ${checked.max}`);
  return checked;
};

const name = optional(string);
const eachLane = optional(boolean);

const expectationChecks: { [K in ExpectationType]: Check<Extract<Expectation, Record<K, unknown>>> } = {
  happens: refine(
    object({
      name,
      happens: eventPatternCheck,
      count: optional(count),
      after: optional(eventPatternCheck),
      withinMs: optional(nonNegative),
      eachLane,
    }),
    (expectation) => expectation.withinMs === undefined || expectation.after !== undefined,
    `withinMs counts from an "after" event: add one, such as "after": {"kind": "open"}`,
  ),
  never: object({ name, never: eventPatternCheck, eachLane }),
  inOrder: object({
    name,
    inOrder: refine(array(eventPatternCheck, 100), (steps) => steps.length >= 2, "must list at least two patterns"),
    withinMs: optional(nonNegative),
    eachLane,
  }),
  sameOnEveryLane: object({ name, sameOnEveryLane: eventPatternCheck, compare: optional(array(string, 50)) }),
  endsOnItsVersion: object({
    name,
    endsOnItsVersion: (value: unknown) => (value === true ? true : eventPatternCheck(value)),
  }),
  steady: object({
    name,
    steady: eventPatternCheck,
    maxGapMs: refine(number, (ms) => ms > 0, "must be a number of ms above 0"),
  }),
  message: object({ name, message: messagePatternCheck, lane: optional(integer(1)) }),
};

/** The keys each type of expectation may have. */
const allowedKeys: Record<ExpectationType, readonly string[]> = {
  happens: ["name", "happens", "count", "after", "withinMs", "eachLane"],
  never: ["name", "never", "eachLane"],
  inOrder: ["name", "inOrder", "withinMs", "eachLane"],
  sameOnEveryLane: ["name", "sameOnEveryLane", "compare"],
  endsOnItsVersion: ["name", "endsOnItsVersion"],
  steady: ["name", "steady", "maxGapMs"],
  message: ["name", "message", "lane"],
};

export const expectationCheck: Check<Expectation> = (value) => {
  if (!isPlainObject(value)) throw new CheckProblem("must be an object");
  const types = expectationTypes.filter((type) => Object.hasOwn(value, type));
  if (types.length !== 1) {
    throw new CheckProblem(
      types.length === 0
        ? `says nothing to check: give one of ${expectationTypes.join(", ")}`
        : `must check one thing, not ${types.join(" and ")}: make them separate expectations`,
    );
  }
  const type = types[0]!;
  const stray = Object.keys(value).find((key) => !allowedKeys[type].includes(key));
  if (stray !== undefined)
    throw new CheckProblem(
      `is not an option of a "${type}" expectation (its options: ${allowedKeys[type].join(", ")})`,
      [stray],
    );
  return expectationChecks[type](value);
};

export const expectationFileCheck: Check<ExpectationFile> = (value) => {
  // A bare list is a file of expectations alone.
  if (Array.isArray(value)) return expectationFileCheck({ expect: value });
  if (!isPlainObject(value)) throw new CheckProblem(`must be an object with an "expect" list`);
  const stray = Object.keys(value).find(
    (key) => key !== "version" && key !== "trace" && key !== "expect" && key !== "$schema",
  );
  if (stray !== undefined)
    throw new CheckProblem(`is not part of an expectation file (it has version, trace and expect)`, [stray]);
  const checked = object({
    version: optional(
      refine(integer(1), (version) => version === 1, "must be 1: this playground reads version 1 of the format"),
    ),
    trace: optional(traceSettingsCheck),
    expect: refine(array(expectationCheck, 1_000), (list) => list.length > 0, "must list at least one expectation"),
  })(value);
  return checked as ExpectationFile;
};

/** Reads an expectation file's text: the expectations, or a problem that says where the file is wrong. */
export function parseExpectationFile(
  text: string,
): { ok: true; file: ExpectationFile } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `it is not JSON: ${jsonProblem(text, error)}` };
  }
  try {
    return { ok: true, file: expectationFileCheck(value) };
  } catch (error) {
    if (error instanceof CheckProblem) return { ok: false, problem: error.message };
    throw error;
  }
}
