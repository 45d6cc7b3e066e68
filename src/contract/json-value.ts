/**
 * JSON values as a type, and a check that rebuilds one from `unknown`: what a `json-line` event
 * carries, and what an expectation compares against.
 */

import { CheckProblem, type Check } from "./check.ts";

/** Any value `JSON.parse` can give back. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused: a value that deep is a mistake or an attack, not data to show. */
export const maxJsonDepth = 64;

function rebuild(value: unknown, depth: number, at: (string | number)[]): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CheckProblem("must be a finite number", at);
    return value;
  }
  if (depth >= maxJsonDepth) throw new CheckProblem(`must be nested at most ${maxJsonDepth} deep`, at);
  if (Array.isArray(value)) return value.map((item, index) => rebuild(item, depth + 1, [...at, index]));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    // Through a Map, so a key named `__proto__` stays a plain field.
    const fields = new Map<string, JsonValue>();
    for (const [key, item] of Object.entries(value)) fields.set(key, rebuild(item, depth + 1, [...at, key]));
    return Object.fromEntries(fields);
  }
  throw new CheckProblem("must be a JSON value (null, true/false, a number, a string, an array or an object)", at);
}

/** A JSON value, rebuilt. */
export const jsonValue: Check<JsonValue> = (value) => rebuild(value, 0, []);

/** Whether two JSON values are the same value (object keys in any order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const aKeys = Object.keys(a);
  const bFields = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every(
    (key) => Object.hasOwn(bFields, key) && sameJson((a as Record<string, unknown>)[key], bFields[key]),
  );
}
