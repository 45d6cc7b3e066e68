/** `formatCount` writes integers as `toLocaleString("en")` does, which is its oracle; `countWithNoun` says `1 write`, never `1 writes`. */

import { describe, expect, test } from "bun:test";
import { countWithNoun, formatCount } from "../src/contract/index.ts";

describe("formatCount", () => {
  const integers = [0, 1, 9, 10, 99, 100, 999, 1_000, 1_001, 9_999, 10_000, 123_456, 999_999, 1_000_000, 1_234_567_890];
  const cases = [
    ...integers,
    ...integers.slice(1).map((n) => -n),
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    -0,
  ];

  test.each(cases)("%p is written as toLocaleString('en') writes it", (n) => {
    expect(formatCount(n)).toBe(n.toLocaleString("en"));
  });

  test("every integer below 100,000 and a sweep above it match", () => {
    const mismatches: number[] = [];
    for (let n = 0; n < 100_000; n++) if (formatCount(n) !== n.toLocaleString("en")) mismatches.push(n);
    for (let n = 100_000; n < 2 ** 50; n = Math.floor(n * 1.37) + 7)
      if (formatCount(n) !== n.toLocaleString("en")) mismatches.push(n);
    expect(mismatches).toEqual([]);
  });

  test("what is not a safe integer is left to toLocaleString", () => {
    for (const n of [1.5, 1234.5678, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY])
      expect(formatCount(n)).toBe(n.toLocaleString("en"));
  });
});

describe("countWithNoun", () => {
  test("the noun is singular for exactly one, plural for none and for more", () => {
    expect([0, 1, 2, 21].map((n) => countWithNoun(n, "write"))).toEqual([
      "0 writes",
      "1 write",
      "2 writes",
      "21 writes",
    ]);
  });

  test("a noun that does not take an s is given its plural", () => {
    expect([1, 3].map((n) => countWithNoun(n, "reply", "replies"))).toEqual(["1 reply", "3 replies"]);
  });
});
