/**
 * Where a text stops being JSON. `JSON.parse` is the oracle for whether a text is JSON: the locator
 * must agree with it on every text, and name the place where a person would fix the file.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { jsonSyntaxError, parseExpectationFile } from "../src/contract/index.ts";
import { defaultSettings, loadSettings } from "../src/main/files/index.ts";
import { createTempDir } from "./support/temp-dir.ts";

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** A small deterministic generator, so a failure can be run again. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function someJson(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.round((next() - 0.5) * 10 ** Math.floor(next() * 8)) / (next() < 0.3 ? 1000 : 1);
    case 3:
      return ["", "tick", 'a "quoted" \\ word', "line\nbreak\ttab", "é ✓ 🙂", "\u0001"][Math.floor(next() * 6)];
    case 4:
      return next() * 1e21;
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => someJson(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, (_, i) => [`k${i}`, someJson(next, depth + 1)]),
      );
  }
}

describe("where a text stops being JSON", () => {
  test("agrees with JSON.parse on every text: valid ones, and each with one character cut, doubled or replaced", () => {
    const next = random(7);
    const replacements = [",", "]", "}", '"', ":", "x", " ", "\n", "0", "-", ".", "e", "\\", "u", "\u0000"];
    let checked = 0;
    for (let n = 0; n < 300; n++) {
      const text = JSON.stringify(someJson(next), null, next() < 0.5 ? 2 : undefined) ?? "null";
      const variants = [text];
      for (let k = 0; k < 6; k++) {
        const at = Math.floor(next() * text.length);
        const other = replacements[Math.floor(next() * replacements.length)]!;
        variants.push(text.slice(0, at) + text.slice(at + 1));
        variants.push(text.slice(0, at) + text[at] + text.slice(at));
        variants.push(text.slice(0, at) + other + text.slice(at + 1));
      }
      for (const variant of variants) {
        expect({ variant, located: jsonSyntaxError(variant) !== undefined }).toEqual({
          variant,
          located: !isJson(variant),
        });
        checked++;
      }
    }
    expect(checked).toBe(300 * 19);
  });

  test("names the line and column a person would fix, and what belongs there", () => {
    const missingComma = `{
  "version": 1,
  "expect": [
    { "name": "first", "happens": { "kind": "sse" } }
    { "name": "second", "never": { "kind": "leak" } }
  ]
}`;
    expect(jsonSyntaxError(missingComma)).toEqual({ line: 5, column: 5, expected: "',' or ']'" });
    expect(jsonSyntaxError('{"a": 1,}')).toEqual({ line: 1, column: 9, expected: "a property name in double quotes" });
    expect(jsonSyntaxError("{'a': 1}")).toEqual({ line: 1, column: 2, expected: "a property name in double quotes" });
    expect(jsonSyntaxError('{"a" 1}')).toEqual({ line: 1, column: 6, expected: "':'" });
    expect(jsonSyntaxError('{"a": 1}\n// done')).toEqual({ line: 2, column: 1, expected: "the end of the file" });
    expect(jsonSyntaxError('["a\\q"]')).toMatchObject({
      line: 1,
      column: 5,
      expected: expect.stringMatching(/^an escape/),
    });
    expect(jsonSyntaxError("[01]")).toEqual({ line: 1, column: 3, expected: "',' or ']'" });
    expect(jsonSyntaxError('{"a": ')).toEqual({ line: 1, column: 7, expected: "a value, where the file ends" });
    expect(jsonSyntaxError('{"a": "open')).toEqual({ line: 1, column: 12, expected: "the string's closing quote" });
    expect(jsonSyntaxError('{"a": [1, 2]}')).toBeUndefined();
  });

  test("an expectation file that is not JSON says where", () => {
    const read = parseExpectationFile(
      '{\n  "version": 1,\n  "expect": [\n    { "never": { "kind": "leak" } },\n  ]\n}\n',
    );
    expect(read).toEqual({
      ok: false,
      problem:
        "it is not JSON: line 5, column 3: expected a value (a string in double quotes, a number, true, false, null, an object or an array)",
    });
  });

  test("a settings file edited by hand into something that is not JSON is ignored, saying where", async () => {
    await using workspace = await createTempDir("json-syntax-ws-");
    const file = join(workspace.dir, "settings.json");
    await Bun.write(file, '{\n  "theme": "dark"\n  "folders": {}\n}\n');
    expect(await loadSettings(workspace.dir)).toEqual({
      settings: defaultSettings,
      warning: `${file} is not JSON (line 3, column 3: expected ',' or '}'); it was ignored.`,
    });
  });
});
