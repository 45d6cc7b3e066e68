/**
 * Where a text stops being JSON, as a person fixing the file needs it: the line and column, and
 * what JSON allows there. `JSON.parse` says what it did not expect but not where (Bun 1.4.5), so a
 * file someone wrote by hand (an expectation file, the settings) is read once more, by the grammar
 * of RFC 8259, only after `JSON.parse` refused it; `JSON.parse` stays the judge of what is JSON
 * (`tests/json-syntax.test.ts` holds the two to the same answer on thousands of texts). Written
 * here rather than taken from a library: the contract runs in the page, the runner and the
 * commands alike and imports nothing, and the grammar is small and fixed.
 */

import { errorMessage } from "./error-message.ts";

/** The first place a text is not JSON: 1-based line and column (in UTF-16 code units). */
export interface JsonSyntaxError {
  line: number;
  column: number;
  /** What JSON allows there: `',' or ']'`, `a property name in double quotes`, … */
  expected: string;
}

/**
 * Why `JSON.parse` refused `text`, for the person who wrote it: `line 5, column 5: expected ',' or
 * ']'`, or the parser's own message where the place cannot be said.
 */
export function jsonProblem(text: string, error: unknown): string {
  const at = jsonSyntaxError(text);
  return at === undefined ? errorMessage(error) : `line ${at.line}, column ${at.column}: expected ${at.expected}`;
}

class Stop {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const hex4 = /^[0-9a-fA-F]{4}$/;
const escapes = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/** The first place `text` is not JSON, or undefined when it is JSON (or too deeply nested to say). */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const stop = (expected: string): never => {
    throw new Stop(i, expected);
  };
  const space = () => {
    for (let c = text[i]; c === " " || c === "\t" || c === "\n" || c === "\r"; c = text[++i]);
  };

  function string(): void {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) stop("the string's closing quote");
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code < 0x20) stop("no control character in a string (write it as an escape, such as \\n)");
      if (code !== 0x5c) {
        i++;
        continue;
      }
      i++; // the backslash
      const escaped = text[i];
      if (escaped === "u") {
        if (!hex4.test(text.slice(i + 1, i + 5))) stop("four hex digits after \\u");
        i += 5;
      } else if (escaped !== undefined && escapes.has(escaped)) i++;
      else stop('an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
    }
  }

  /** An object's or an array's items, from its opening bracket to `close`, separated by commas. */
  function items(close: "}" | "]", item: () => void): void {
    i++; // the opening bracket
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ",") stop(`',' or '${close}'`);
      i++;
    }
  }

  function member(): void {
    space();
    if (text[i] !== '"') stop("a property name in double quotes");
    string();
    space();
    if (text[i] !== ":") stop("':'");
    i++;
    value();
  }

  function value(): void {
    space();
    const c = text[i];
    if (c === "{" || c === "[") {
      items(c === "{" ? "}" : "]", c === "{" ? member : value);
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      number.lastIndex = i;
      if (!number.test(text)) stop("a digit");
      i = number.lastIndex;
      return;
    }
    for (const word of ["true", "false", "null"])
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    stop(
      i >= text.length
        ? "a value, where the file ends"
        : "a value (a string in double quotes, a number, true, false, null, an object or an array)",
    );
  }

  try {
    value();
    space();
    if (i < text.length) stop("the end of the file");
    return undefined;
  } catch (error) {
    // Nesting deep enough to exhaust the stack: the place is not worth a second error.
    if (!(error instanceof Stop)) return undefined;
    const before = text.slice(0, error.at);
    const lineStart = before.lastIndexOf("\n") + 1;
    return { line: before.split("\n").length, column: error.at - lineStart + 1, expected: error.expected };
  }
}
