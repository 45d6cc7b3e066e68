import { describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import { snippetPosition } from "../src/runner/snippet-paths.ts";
import { readableStack, readableText, userFrames, virtualSnippetPath } from "../src/shared/index.ts";

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

  test("a generator's first step: the builtins the runner called on the way to it go with the runner's frame", () => {
    // As Bun prints a body that threw in its first step: the runner entered the request's context
    // (node:async_hooks) and called the generator's native next() from its own wrapper.
    const printed = [
      `      at body (${snippet}:3:15)`,
      "      at next (unknown:1:1)",
      "      at node:async_hooks:125:25",
      `      at next (${runnerFile}:282:45)`,
    ];
    expect(userFrames(printed)).toEqual([`      at body (${snippet}:3:15)`]);
  });

  test("a builtin the snippet called stays, and so does one that called the snippet's code", () => {
    const frames = [
      `      at ${snippet}:6:30`,
      "      at map (native:1:11)",
      `      at body (${snippet}:5:12)`,
      "      at processTicksAndRejections (native:7:39)",
    ];
    expect(userFrames(frames)).toEqual(frames);
  });

  test("a package's frames between the snippet's and the runner's stay; the context the runner entered goes", () => {
    const frames = [
      `    at handler (${snippet}:2:21)`,
      "    at dispatch (/home/user/streams/node_modules/hono/dist/hono-base.js:188:37)",
      "    at run (node:async_hooks:144:29)",
      `    at respond (${runnerFile}:64:37)`,
    ];
    expect(userFrames(frames)).toEqual(frames.slice(0, 2));
  });

  test("a logged error reads as plain Bun formats it: the snippet's file, none of the playground's frames", () => {
    const logged = [
      "caught Error: boom",
      `    at handler (${snippet}:2:21)`,
      "    at run (node:async_hooks:144:29)",
      `    at respond (${runnerFile}:64:37)`,
      "and then some text",
    ].join("\n");
    expect(readableText(logged)).toBe(
      ["caught Error: boom", "    at handler (/home/user/streams/events.ts:2:21)", "and then some text"].join("\n"),
    );
    expect(readableText("no stack at all")).toBe("no stack at all");
  });

  test("a path with spaces and parentheses keeps its folder when its version is named away", () => {
    const spaced = virtualSnippetPath("/home/user/my streams (copy)/events.ts", 7);
    expect(readableText(`Error\n    at tick (${spaced}:4:9)`)).toBe(
      "Error\n    at tick (/home/user/my streams (copy)/events.ts:4:9)",
    );
  });
});
