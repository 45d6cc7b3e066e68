import { describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import { virtualSnippetPath } from "../src/shared/index.ts";
import { codeFrame, createRunnerStderr, readableStderr } from "../src/supervisor/error-print.ts";
import { createManualTimers } from "./support/manual-timers.ts";

const snippetFile = "/home/user/streams/rows.ts";
const snippet = virtualSnippetPath(snippetFile, 4);
const runnerFile = join(dirname(import.meta.dir), "src", "runner", "instrument-body.ts");
const source = [
  "export default function handler() {",
  "  async function* rows() {",
  "    for (let i = 0; i < 3; i++) yield `row ${i}\\n`;",
  "",
  "    await null;",
  '    throw new Error("the rows ran out");',
  "  }",
  "  return new Response(rows());",
  "}",
].join("\n");
const sourceOf = (version: number) => (version === 4 ? source : undefined);

/** The frame Bun 1.4 drew for that version from the module as it transpiled it. */
const transpiledFrame = [
  "3 |   async function* rows() {",
  "4 |     for (let i = 0;i < 3; i++)",
  "5 |       yield `row ${i}",
  "6 | `;",
  '7 |     throw Error("the rows ran out");',
  "                  ^",
];

/** The print plain Bun makes of the same error, from the file itself. */
const plainPrint = [
  "1 | export default function handler() {",
  "2 |   async function* rows() {",
  "3 |     for (let i = 0; i < 3; i++) yield `row ${i}\\n`;",
  "4 | ",
  "5 |     await null;",
  '6 |     throw new Error("the rows ran out");',
  "                  ^",
  "error: the rows ran out",
  `      at rows (${snippetFile}:6:15)`,
];

describe("a code frame as Bun draws one", () => {
  test("five lines above the one that threw, numbers right-aligned, the caret under the column", () => {
    const long = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(codeFrame(long, 12, 3)).toEqual([
      " 7 | line 7",
      " 8 | line 8",
      " 9 | line 9",
      "10 | line 10",
      "11 | line 11",
      "12 | line 12",
      "       ^",
    ]);
  });

  test("near the top, the lines there are; a blank line keeps its separator; CRLF sources split the same", () => {
    expect(codeFrame("a\r\n\r\nthrow x", 3, 1)).toEqual(["1 | a", "2 | ", "3 | throw x", "    ^"]);
  });

  test("a line the source does not have draws nothing", () => {
    expect(codeFrame("one line", 2, 1)).toEqual([]);
    expect(codeFrame("one line", 0, 1)).toEqual([]);
  });
});

describe("Bun's prints on the runner's stderr", () => {
  test("the transpiled frame is drawn again from the version's source, and the runner's frames go", () => {
    const printed = [
      ...transpiledFrame,
      "error: the rows ran out",
      `      at rows (${snippet}:6:15)`,
      `      at unobservedStep (${runnerFile}:221:20)`,
    ];
    expect(readableStderr(printed, sourceOf)).toEqual([plainPrint.join("\n")]);
  });

  test("a print with no frame (Bun no longer held the module's source) gets one above the error", () => {
    expect(readableStderr(["error: the rows ran out", `      at rows (${snippet}:6:15)`], sourceOf)).toEqual([
      plainPrint.join("\n"),
    ]);
  });

  test("above an error printed with its own fields and a message of two lines", () => {
    const printed = [
      "some earlier output",
      "TypeError: first line",
      "second line",
      " status: 503,",
      "",
      `      at rows (${snippet}:6:15)`,
    ];
    expect(readableStderr(printed, sourceOf)).toEqual([
      "some earlier output",
      [
        ...plainPrint.slice(0, 7),
        "TypeError: first line",
        "second line",
        " status: 503,",
        "",
        `      at rows (${snippetFile}:6:15)`,
      ].join("\n"),
    ]);
  });

  test("the builtins above the frame drawn go, as Bun leaves them out; an anonymous frame is named as Bun names it", () => {
    const printed = [
      "SyntaxError: JSON Parse error: Expected '}'",
      "      at <parse> ()",
      "      at parse (unknown:1:1)",
      `      at ${snippet}:6:15`,
      "      at map (native:1:11)",
      `      at rows (${snippet}:3:5)`,
    ];
    expect(readableStderr(printed, sourceOf)).toEqual([
      [
        ...plainPrint.slice(0, 7),
        "SyntaxError: JSON Parse error: Expected '}'",
        `      at <anonymous> (${snippetFile}:6:15)`,
        "      at map (native:1:11)",
        `      at rows (${snippetFile}:3:5)`,
      ].join("\n"),
    ]);
  });

  test("a frame drawn from a package's file is Bun's own, and stays", () => {
    const pkg = "/home/user/streams/node_modules/lib/index.js";
    const printed = [
      "1 | export function boom() { throw new Error('x') }",
      "                                ^",
      "error: x",
      `      at boom (${pkg}:1:33)`,
      `      at rows (${snippet}:6:15)`,
    ];
    expect(readableStderr(printed, sourceOf)).toEqual([
      [...printed.slice(0, 4), `      at rows (${snippetFile}:6:15)`].join("\n"),
    ]);
  });

  test("a version whose source is not known keeps Bun's print, with the snippet's file named", () => {
    const other = virtualSnippetPath(snippetFile, 9);
    expect(readableStderr(["error: x", `      at rows (${other}:6:15)`], sourceOf)).toEqual([
      `error: x\n      at rows (${snippetFile}:6:15)`,
    ]);
  });

  test("a stack the snippet wrote itself (four spaces) is read, but gets no frame", () => {
    const written = ["Error: x", `    at rows (${snippet}:6:15)`, `    at next (${runnerFile}:282:45)`];
    expect(readableStderr(written, sourceOf)).toEqual(["Error: x", `    at rows (${snippetFile}:6:15)`]);
  });

  test("two errors in one read (an error and its cause) are each drawn, each an entry of its own", () => {
    const printed = [
      "error: outer",
      `      at rows (${snippet}:6:15)`,
      "",
      ...transpiledFrame,
      "error: inner",
      `      at rows (${snippet}:6:15)`,
    ];
    const frame = plainPrint.slice(0, 7);
    const stack = plainPrint.slice(8);
    expect(readableStderr(printed, sourceOf)).toEqual([
      [...frame, "error: outer", ...stack].join("\n"),
      "",
      [...frame, "error: inner", ...stack].join("\n"),
    ]);
  });
});

describe("the runner's stderr, read by reads", () => {
  /** A reader on manual timers, and what it emitted: each entry with when its first line was read. */
  function reader(holdMs?: number) {
    const clock = createManualTimers();
    const emitted: [string, number][] = [];
    const stderr = createRunnerStderr({
      sourceOf,
      emit: (entry, readAt) => emitted.push([entry, readAt]),
      timers: clock.timers,
      holdMs,
    });
    return { clock, emitted, stderr };
  }

  test("a print split across reads is held until its stack comes, read whole, and timed by its first read", () => {
    const { clock, emitted, stderr } = reader();
    stderr.take(["a line before", ...transpiledFrame.slice(0, 3)], 100);
    expect(emitted).toEqual([["a line before", 100]]);
    stderr.take([...transpiledFrame.slice(3), "error: the rows ran out"], 101);
    expect(emitted).toEqual([["a line before", 100]]);
    stderr.take([`      at rows (${snippet}:6:15)`], 102);
    expect(emitted).toEqual([
      ["a line before", 100],
      [plainPrint.join("\n"), 100],
    ]);
    expect(clock.pending).toBe(0);
  });

  test("lines that only look like a frame's start are passed on once the hold runs out", () => {
    const { clock, emitted, stderr } = reader(50);
    stderr.take(["12 | a table row"], 7);
    clock.advance(49);
    expect(emitted).toEqual([]);
    clock.advance(1);
    expect(emitted).toEqual([["12 | a table row", 7]]);
  });

  test("a table that goes on looking like a frame is held a frame's length at most", () => {
    const { emitted, stderr } = reader();
    const rows = Array.from({ length: 40 }, (_, i) => `${i + 1} | row ${i + 1}`);
    stderr.take(rows.slice(0, 20), 1);
    stderr.take(rows.slice(20), 2);
    // Each read passes on all but the last lines that could still be the top of a frame.
    expect(emitted.length).toBeGreaterThanOrEqual(40 - 7);
    expect(emitted.map(([entry]) => entry)).toEqual(rows.slice(0, emitted.length));
  });

  test("what is held when the stream ends is passed on", () => {
    const { emitted, stderr } = reader();
    stderr.take(["3 | x", "    ^"], 5);
    stderr.end();
    expect(emitted).toEqual([
      ["3 | x", 5],
      ["    ^", 5],
    ]);
  });
});
