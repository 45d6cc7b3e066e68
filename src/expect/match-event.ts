/**
 * Does an event match a pattern, field by field; and when it does not, which fields fail and what
 * they hold instead (for the report's "nearest miss").
 */

import { compileMatch, sameJson, type EventPattern, type FieldMatcher, type TimelineEvent } from "../contract/index.ts";

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The value at `path` in an event: a field (`data`), or a dotted path into one (`value.done`,
 * `headers.content-type`). A key that itself contains dots is found too: at each level the whole
 * rest of the path is tried as a key before its first part.
 */
export function fieldAt(event: TimelineEvent, path: string): unknown {
  let current: unknown = event;
  let rest = path;
  while (rest !== "") {
    if (!isPlainObject(current)) return undefined;
    if (Object.hasOwn(current, rest)) return current[rest];
    const dot = rest.indexOf(".");
    const key = dot === -1 ? rest : rest.slice(0, dot);
    if (!Object.hasOwn(current, key)) return undefined;
    current = current[key];
    rest = dot === -1 ? "" : rest.slice(dot + 1);
  }
  return current;
}

const patterns = new Map<string, RegExp>();

function regexFor(source: string, flags: string | undefined): RegExp {
  const key = `${flags ?? ""}/${source}`;
  let found = patterns.get(key);
  if (found === undefined) {
    // `g` and `y` make `test` remember where it stopped; a matcher must give the same answer every time.
    found = compileMatch(source, (flags ?? "").replace(/[gy]/g, ""));
    patterns.set(key, found);
  }
  return found;
}

/** A value as text for `match` and `includes`: strings as they are, anything else as JSON. */
function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Whether `actual` (undefined when the field is absent) is what `matcher` asks for. */
export function matchesField(actual: unknown, matcher: FieldMatcher): boolean {
  if (!isPlainObject(matcher)) return actual !== undefined && sameJson(actual, matcher);
  if ("equals" in matcher) return actual !== undefined && sameJson(actual, matcher.equals);
  if ("match" in matcher) {
    const text = asText(actual);
    return text !== undefined && regexFor(matcher.match, matcher.flags).test(text);
  }
  if ("includes" in matcher) return asText(actual)?.includes(matcher.includes) ?? false;
  if ("exists" in matcher) return (actual !== undefined) === matcher.exists;
  if ("oneOf" in matcher) return actual !== undefined && matcher.oneOf.some((value) => sameJson(actual, value));
  if ("not" in matcher) return !matchesField(actual, matcher.not);
  if (typeof actual !== "number") return false;
  return (matcher.min === undefined || actual >= matcher.min) && (matcher.max === undefined || actual <= matcher.max);
}

/** Whether every key of `pattern` holds for `event`. */
export function matchesPattern(event: TimelineEvent, pattern: EventPattern): boolean {
  for (const key in pattern) if (!matchesField(fieldAt(event, key), pattern[key]!)) return false;
  return true;
}

/** The keys of `pattern` that do not hold for `event`. */
export function failingKeys(event: TimelineEvent, pattern: EventPattern): string[] {
  return Object.keys(pattern).filter((key) => !matchesField(fieldAt(event, key), pattern[key]!));
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value for the report: JSON, clipped; `absent` for a field the event does not have. */
export function describeValue(value: unknown): string {
  return value === undefined ? "absent" : clip(JSON.stringify(value));
}

/** What a matcher asks for, in words: `"update"`, `matching /done/`, `at least 3`. */
export function describeMatcher(matcher: FieldMatcher): string {
  if (!isPlainObject(matcher)) return describeValue(matcher);
  if ("equals" in matcher) return `equal to ${describeValue(matcher.equals)}`;
  if ("match" in matcher) return `matching /${matcher.match}/${matcher.flags ?? ""}`;
  if ("includes" in matcher) return `containing ${describeValue(matcher.includes)}`;
  if ("exists" in matcher) return matcher.exists ? "present" : "absent";
  if ("oneOf" in matcher) return `one of ${matcher.oneOf.map(describeValue).join(", ")}`;
  if ("not" in matcher) return `not ${describeMatcher(matcher.not)}`;
  if (matcher.min !== undefined && matcher.max !== undefined) return `from ${matcher.min} to ${matcher.max}`;
  return matcher.min !== undefined ? `at least ${matcher.min}` : `at most ${matcher.max}`;
}

/** A pattern in words: `sse with event "update"`, `any event with lane 2`, `leak`. */
export function describePattern(pattern: EventPattern): string {
  const kind = pattern.kind;
  const kindText =
    kind === undefined
      ? "any event"
      : typeof kind === "string"
        ? kind
        : isPlainObject(kind) && "oneOf" in kind
          ? kind.oneOf.map(String).join(" or ")
          : `an event whose kind is ${describeMatcher(kind)}`;
  const rest = Object.keys(pattern).filter((key) => key !== "kind");
  return rest.length === 0
    ? kindText
    : `${kindText} with ${rest.map((key) => `${key} ${describeMatcher(pattern[key]!)}`).join(", ")}`;
}

/** A pattern's fields alone, without a kind: `text includes "Paris", firstTokenMs at most 500`. */
export function describeFields(pattern: EventPattern): string {
  return Object.keys(pattern)
    .map((key) => `${key} ${describeMatcher(pattern[key]!)}`)
    .join(", ");
}
