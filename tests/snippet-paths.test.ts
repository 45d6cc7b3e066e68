import { describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import { readableStack, snippetPosition, virtualSnippetPath } from "../src/runner/snippet-paths.ts";

const runnerFile = join(dirname(import.meta.dir), "src", "runner", "instrument-body.ts");
const snippet = virtualSnippetPath("/home/user/streams/events.ts", 3);

/** A stack as Bun prints one: the runner's frames around the snippet's. */
const stack = [
  "Error: the rows ran out",
  `    at recordingWrite (${runnerFile}:131:27)`,
  `    at tick (${snippet}:12:5)`,
  `    at <anonymous> (${snippet}:20:3)`,
  "    at processTicksAndRejections (native:7:39)",
].join("\n");

describe("where a stack is in the snippet", () => {
  test("the first frame in a snippet version: its version, line and column", () => {
    expect(snippetPosition(stack)).toEqual({ version: 3, line: 12, column: 5 });
  });

  test("a path with spaces and parentheses before it changes nothing", () => {
    const spaced = virtualSnippetPath("/home/user/my streams (copy)/events.ts", 7);
    expect(snippetPosition(`Error\n    at tick (${spaced}:4:9)`)).toEqual({ version: 7, line: 4, column: 9 });
  });

  test("no frame in a snippet, or no stack: no position", () => {
    expect(snippetPosition(`Error\n    at recordingWrite (${runnerFile}:131:27)`)).toBeUndefined();
    expect(snippetPosition("")).toBeUndefined();
    expect(snippetPosition(undefined)).toBeUndefined();
  });

  test("a readable stack names the snippet's own file and leaves the playground's frames out", () => {
    expect(readableStack(stack, "/home/user/streams/events.ts")).toBe(
      [
        "Error: the rows ran out",
        "    at tick (events.ts:12:5)",
        "    at <anonymous> (events.ts:20:3)",
        "    at processTicksAndRejections (native:7:39)",
      ].join("\n"),
    );
  });
});
