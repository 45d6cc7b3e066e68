/**
 * Checks for data that comes from another process, a page or a file: each `Check<T>` looks at an
 * `unknown` value and gives back a `T` holding only the fields it names (anything else is left
 * behind), or throws a `CheckProblem` that says which field is wrong and why. Checks are data:
 * a message's check is built from the same `as const` lists its type is derived from.
 *
 * Paths are only built when something is wrong, so a check that passes costs one walk of the
 * value. An object is copied only where something is left behind: a plain object (as `JSON.parse`
 * and structured cloning give) with no field but those named comes back as itself. In Chromium,
 * a recording's 900,000 events are checked that way in a little over half the time copying each
 * took, and no event is made twice for the collector to clear.
 */

/** What is wrong with a value, and where: `events[3].kind must be one of …`. */
export class CheckProblem extends Error {
  constructor(
    /** The problem, without its place: `must be a string`. */
    readonly problem: string,
    /** Where it is, from the outside in: `["events", 3, "kind"]`. */
    readonly at: readonly (string | number)[] = [],
  ) {
    super(describeProblem(problem, at));
    this.name = "CheckProblem";
  }

  /** The same problem, one level further out. */
  within(key: string | number): CheckProblem {
    return new CheckProblem(this.problem, [key, ...this.at]);
  }
}

function describeProblem(problem: string, at: readonly (string | number)[]): string {
  if (at.length === 0) return problem;
  const path = at.map((key, index) => (typeof key === "number" ? `[${key}]` : index === 0 ? key : `.${key}`)).join("");
  return `${path} ${problem}`;
}

/** Gives back the value as a `T`, or throws a `CheckProblem`. */
export type Check<T> = (value: unknown) => T;

/** What a check gives back. */
export type Checked<C> = C extends Check<infer T> ? T : never;

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * A plain object, as an object literal, `JSON.parse` and structured cloning make: not a class's
 * instance, whose prototype may hold getters.
 */
export function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How many fields `value` has, counted without a list of their names. */
function fieldCount(value: Fields): number {
  let count = 0;
  for (const _ in value) count++;
  return count;
}

/** A copy of the first `count` of `keys` that `value` has. */
function namedFields(value: Fields, keys: readonly string[], count: number): Fields {
  const copy: Fields = {};
  for (let i = 0; i < count; i++) {
    const field = value[keys[i]!];
    if (field !== undefined) copy[keys[i]!] = field;
  }
  return copy;
}

/** Runs `check` on a part of a value, so a problem says where it is. */
function inside<T>(key: string | number, check: Check<T>, value: unknown): T {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof CheckProblem) throw error.within(key);
    throw error;
  }
}

/** Runs a check and reports the outcome as a value instead of a throw. */
export function runCheck<T>(check: Check<T>, value: unknown): { ok: true; value: T } | { ok: false; problem: string } {
  try {
    return { ok: true, value: check(value) };
  } catch (error) {
    if (error instanceof CheckProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

export const string: Check<string> = (value) => {
  if (typeof value !== "string") throw new CheckProblem("must be a string");
  return value;
};

/** A finite number. */
export const number: Check<number> = (value) => {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new CheckProblem("must be a number");
  return value;
};

export const boolean: Check<boolean> = (value) => {
  if (typeof value !== "boolean") throw new CheckProblem("must be true or false");
  return value;
};

/** A whole number from `min` to `max`. */
export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (value) => {
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
      throw new CheckProblem(
        max === Number.MAX_SAFE_INTEGER
          ? `must be a whole number of at least ${min}`
          : `must be a whole number from ${min} to ${max}`,
      );
    }
    return value as number;
  };
}

/** One of the values of an `as const` list (the same list the type is derived from). */
export function oneOf<const T extends string | number>(allowed: readonly T[]): Check<T> {
  const problem = `must be one of ${allowed.join(", ")}`;
  return (value) => {
    if (!allowed.includes(value as T)) throw new CheckProblem(problem);
    return value as T;
  };
}

/** Exactly `expected`. */
export function literal<const T extends string | number | boolean>(expected: T): Check<T> {
  return (value) => {
    if (value !== expected) throw new CheckProblem(`must be ${JSON.stringify(expected)}`);
    return expected;
  };
}

/** `check`, or absent. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value) => (value === undefined ? undefined : check(value));
}

/** `check`, and then `accept` on what it gave; `problem` when that says no. */
export function refine<T>(check: Check<T>, accept: (value: T) => boolean, problem: string): Check<T> {
  return (value) => {
    const checked = check(value);
    if (!accept(checked)) throw new CheckProblem(problem);
    return checked;
  };
}

/** An array of `check`, with at most `max` items. */
export function array<T>(check: Check<T>, max = Number.MAX_SAFE_INTEGER): Check<T[]> {
  return (value) => {
    if (!Array.isArray(value)) throw new CheckProblem("must be an array");
    if (value.length > max) throw new CheckProblem(`must have at most ${max} items`);
    const items = new Array<T>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = inside(i, check, value[i]);
    return items;
  };
}

/** A plain object mapping names to `check`; copied through a Map, so a key named `__proto__` stays a plain field. */
export function record<T>(check: Check<T>): Check<Record<string, T>> {
  return (value) => {
    if (!isFields(value)) throw new CheckProblem("must be an object");
    const entries = new Map<string, T>();
    for (const [key, item] of Object.entries(value)) entries.set(key, inside(key, check, item));
    return Object.fromEntries(entries);
  };
}

/** The checks of an object's fields. */
export type Shape = Record<string, Check<unknown>>;

/** The object a shape's checks give back. */
export type ShapeOf<S extends Shape> = { [K in keyof S]: Checked<S[K]> };

/**
 * An object with the fields `shape` names, and no others: fields it does not name are left
 * behind, and fields that are absent stay absent. A plain object that has nothing to leave behind,
 * here or in any field, is given back as it is; anything else is a copy, its fields in `shape`'s order.
 */
export function object<S extends Shape>(shape: S): Check<ShapeOf<S>> {
  const keys = Object.keys(shape);
  const checks = keys.map((key) => shape[key]!);
  return (value) => {
    if (!isFields(value)) throw new CheckProblem("must be an object");
    let rebuilt: Fields | undefined = isPlain(value) ? undefined : {};
    let present = 0;
    let i = 0;
    try {
      for (; i < keys.length; i++) {
        const key = keys[i]!;
        const given = value[key];
        const field = checks[i]!(given);
        if (field === undefined) continue;
        present++;
        if (rebuilt === undefined) {
          if (field === given) continue;
          // The first field rebuilt inside: the copy begins with the fields before it, as accepted.
          rebuilt = namedFields(value, keys, i);
        }
        rebuilt[key] = field;
      }
    } catch (error) {
      if (error instanceof CheckProblem) throw error.within(keys[i]!);
      throw error;
    }
    if (rebuilt !== undefined) return rebuilt as ShapeOf<S>;
    // Plain, every field accepted as it is, and nothing else to leave behind: already what a copy would be.
    return (fieldCount(value) === present ? value : namedFields(value, keys, keys.length)) as ShapeOf<S>;
  };
}

/**
 * An object whose fields are each optional: present ones are checked, absent ones stay absent,
 * and a field `shape` does not name is refused with `unknownProblem`.
 */
export function partialObject<S extends Shape>(shape: S, unknownProblem: string): Check<Partial<ShapeOf<S>>> {
  return (value) => {
    if (!isFields(value)) throw new CheckProblem("must be an object");
    const rebuilt: Fields = {};
    for (const [key, field] of Object.entries(value)) {
      if (!Object.hasOwn(shape, key)) throw new CheckProblem(unknownProblem, [key]);
      if (field !== undefined) rebuilt[key] = inside(key, shape[key]!, field);
    }
    return rebuilt as Partial<ShapeOf<S>>;
  };
}

/**
 * `check`, with one sentence for whatever is wrong inside the value (a place reads better whole than by its first bad
 * coordinate).
 */
export function describedAs<T>(check: Check<T>, problem: string): Check<T> {
  return (value) => {
    try {
      return check(value);
    } catch (error) {
      if (error instanceof CheckProblem) throw new CheckProblem(problem);
      throw error;
    }
  };
}

/**
 * A union told apart by its `tag` field (a string, or a boolean such as `ok`): `checks` has one
 * check per tag value. `hasOwn`, so a tag
 * such as `toString` finds nothing on the prototype.
 */
export function tagged<C extends Record<string, Check<unknown>>>(tag: string, checks: C): Check<Checked<C[keyof C]>> {
  const problem = `must be one of ${Object.keys(checks).join(", ")}`;
  return (value) => {
    if (!isFields(value)) throw new CheckProblem("must be an object");
    // A boolean tag (`ok: true | false`) is looked up by its name.
    const kind = typeof value[tag] === "boolean" ? String(value[tag]) : value[tag];
    if (typeof kind !== "string" || !Object.hasOwn(checks, kind)) throw new CheckProblem(problem, [tag]);
    return checks[kind]!(value) as Checked<C[keyof C]>;
  };
}

/** The first of `checks` that accepts the value; the problem of the last one when none does. */
export function either<T>(...checks: Check<T>[]): Check<T> {
  return (value) => {
    let last: unknown;
    for (const check of checks) {
      try {
        return check(value);
      } catch (error) {
        if (!(error instanceof CheckProblem)) throw error;
        last = error;
      }
    }
    throw last;
  };
}
