/**
 * What Bun prints when a body throws reads in the playground as under plain Bun: the same code
 * frame, the same error, the same stack, naming the snippet's own file. The oracle is each fixture
 * served by `bun` without the playground (`fixtures/frameworks/oracle-fixture.ts`), read from its
 * stderr; the playground's side is the `stderr` log events of a runner serving the same file.
 */

import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { runnerPerTest } from "./support/test-runner.ts";

const startRunner = runnerPerTest();
const fixtures = join(import.meta.dir, "fixtures", "error-prints");
const oracleFixture = join(import.meta.dir, "fixtures", "frameworks", "oracle-fixture.ts");

/** How long a print may take to come after the request that causes it; a print is read once it has been still this long. */
const printTimeoutMs = 10_000;
const stillMs = 300;

/**
 * One line as compared: Bun names a builtin frame `(native:1:11)` when it prints a stack with no
 * frame drawn and `(1:11)` when it drew one; the playground draws the frame after Bun printed.
 */
const comparable = (line: string) => line.replace(/\(native:(\d+:\d+)\)$/, "($1)").replace(/\r$/, "");

/** Lines that have a stack frame of Bun's printed form. */
const printedFrames = (lines: readonly string[]) => lines.filter((line) => line.startsWith("      at ")).length;

/** Waits until `lines()` has a printed stack and has not changed for `stillMs`. */
async function whenStill(lines: () => readonly string[], what: string): Promise<string[]> {
  const started = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = lines();
    if (now.length !== last) {
      last = now.length;
      since = Date.now();
    } else if (printedFrames(now) > 0 && Date.now() - since >= stillMs) return [...now];
    if (Date.now() - started > printTimeoutMs)
      throw new Error(`${what} printed no stack within ${printTimeoutMs} ms: ${now.join("\n")}`);
    await Bun.sleep(20);
  }
}

/** Requests `url` and reads the answer to its end or its failure. */
async function readAll(url: string): Promise<void> {
  try {
    await (await fetch(url)).arrayBuffer();
  } catch {
    // The body threw: the connection ends early. What matters here is what the server printed.
  }
}

/** What plain Bun prints on stderr while it serves `file` and one request to it. */
async function plainPrint(file: string): Promise<string[]> {
  const child = Bun.spawn([process.execPath, oracleFixture, file], { stdout: "pipe", stderr: "pipe" });
  try {
    let stderr = "";
    void (async () => {
      for await (const chunk of child.stderr) stderr += new TextDecoder().decode(chunk);
    })();
    const reader = child.stdout.getReader();
    let announced = "";
    while (!announced.includes("\n")) {
      const read = await reader.read();
      if (read.done) throw new Error(`the oracle for ${file} exited: ${stderr}`);
      announced += new TextDecoder().decode(read.value);
    }
    const { port } = JSON.parse(announced.slice(0, announced.indexOf("\n"))) as { port: number };
    await readAll(`http://127.0.0.1:${port}/`);
    return await whenStill(() => stderr.split("\n").filter((line) => line !== ""), `plain Bun serving ${file}`);
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
}

/**
 * What the playground shows as the runner's stderr while it serves `file` and one request to it:
 * its lines, and the entries (log events) they came in.
 */
async function playgroundPrint(file: string): Promise<{ lines: string[]; entries: string[] }> {
  const { runner, log } = await startRunner();
  const loaded = await runner.load(await Bun.file(file).text(), file);
  if (loaded.kind !== "loaded") throw new Error(`${file} did not load: ${JSON.stringify(loaded)}`);
  await readAll(loaded.url);
  const entries = () =>
    log.events
      .filter(
        (event): event is Extract<TimelineEvent, { kind: "log" }> => event.kind === "log" && event.level === "stderr",
      )
      .map((event) => event.text);
  const lines = await whenStill(
    () => entries().flatMap((entry) => entry.split("\n").filter((line) => line !== "")),
    `the playground serving ${file}`,
  );
  return { lines, entries: entries() };
}

describe("Bun's print of an error a body threw, as plain Bun prints it", () => {
  const files = readdirSync(fixtures).filter((name) => name.endsWith(".ts"));

  test("every fixture is compared", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of files) {
    test(name, async () => {
      const file = join(fixtures, name);
      const plain = await plainPrint(file);
      const shown = await playgroundPrint(file);
      // The print names the snippet's file and has a frame drawn from it: not a vacuous match.
      expect(plain.some((line) => line.includes(`(${file}:`))).toBe(true);
      expect(plain.some((line) => /^ *\d+ \| /.test(line))).toBe(true);
      expect(shown.lines.map(comparable)).toEqual(plain.map(comparable));
      // Each print is one entry: its frame, its error and its stack together.
      const prints = shown.entries.filter((entry) => entry.includes("\n      at "));
      expect(prints.length).toBe(plain.filter((line) => /^ +\^$/.test(line)).length);
      for (const print of prints) expect(print).toMatch(/^ *\d+ \| [\s\S]*\n +\^\n[\s\S]*\n {6}at /);
    });
  }
});
