/**
 * `npm test`: every test file under tests/ (unit, integration, browser and desktop) with `bun test`,
 * then one closing line that says how it went: `tests: N passed, N failed`. A run that leaves a
 * process behind fails, naming it. Why each failed test failed is said again just before that
 * line, so the end of a long log (all a CI summary may show) still says it.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endLeftovers } from "./leftover-processes.ts";

// Nothing a test starts may touch the user's real workspace (drafts, settings, recent files).
const home = mkdtempSync(join(tmpdir(), "stream-playground-tests-"));
// Inherited by everything the tests start: what still carries it afterwards was left behind.
const runMarker = `STREAM_PLAYGROUND_TEST_RUN=${crypto.randomUUID()}`;

/**
 * Unit and integration files mostly wait (on sockets, timers, child processes, Bun's 10 s idle
 * timeout): three of them at once kept the machine's two cores half busy (154 s); five keep them
 * 73% busy and end in 100 s. With another program keeping one core busy, as on a loaded machine,
 * three took 172 s and five 118 s (six, 113 s). Then the window tests, which drive the desktop app
 * under Xvfb and type into it, one at a time and alone: beside browser tests, keys typed into the
 * window were lost. Then the browser files that only wait for what they check: one file alone kept
 * the two cores 71% busy, so they run in two lines side by side, one file at a time in each. Last,
 * the browser files whose assertions or pauses depend on the clock (`clockWatching`), away from the
 * others, in two lines of their own (one line took 119 s, two take 84 s with the cores 82% busy),
 * and then, alone, the file that holds the playground's reconnect delays to Chromium's own: with
 * another program keeping one core busy beside the two lines, a delay of 44 ms was measured
 * against Chromium's several hundred. A run of named files (`npm test -- tests/x.test.ts`) runs
 * them in order. Each phase says how long it took.
 */
const parallelWorkers = 5;
/**
 * How long each unit and integration file took, so the workers start the slowest first rather than
 * find one of them at the end (`bun test --timings`). `npm test -- --update-timings` measures them again.
 */
const timingsFile = "tests/file-timings.json";
/**
 * Files that check wall-clock gaps tight enough (a tick every 500 ms, none later than 800 ms) that
 * the unit and integration files' load breaks them: they run with the clock-watching files.
 */
const timingStrict = new Set(["tests/trace-expect.test.ts"]);
/**
 * Browser files whose assertions or pauses depend on the clock (a stall, a draft's 400 ms, a
 * layout's settling, chunks a set time apart).
 */
const clockWatching = [
  "tests/browser/byte-views.test.ts",
  "tests/browser/events-table.test.ts",
  "tests/browser/layout.test.ts",
  "tests/browser/message-view.test.ts",
  "tests/browser/six-connections.test.ts",
  "tests/browser/streams-under-test.test.ts",
  "tests/browser/truthful-status.test.ts",
  "tests/browser/two-windows.test.ts",
];
/** Of those, the ones in their second line, chosen so their two lines take about as long as each other. */
const clockWatchingSecondLine = [
  "tests/browser/message-view.test.ts",
  "tests/browser/truthful-status.test.ts",
  "tests/browser/six-connections.test.ts",
];
/** The browser file that holds reconnect delays to Chromium's own: alone, after the others. */
const reconnectOracle = "tests/browser/sse-oracle.test.ts";
/**
 * Of the other browser files, those in the second of the two lines, chosen so the lines take about
 * as long as each other.
 */
const secondLine = [
  "tests/browser/editor-types.test.ts",
  "tests/browser/lessons-ux.test.ts",
  "tests/browser/content-security.test.ts",
  "tests/browser/wire-truth.test.ts",
  "tests/browser/cross-site.test.ts",
  "tests/browser/page-start.test.ts",
  "tests/browser/requests-panel.test.ts",
];

interface Run {
  args: string[];
  /** Its report is held and printed whole after its phase, so it does not interleave with another run's. */
  held?: boolean;
}

/** `bun test` runs that go at once; the phases go one after the other. */
interface Phase {
  /** Said with how long it took, so a slow run shows where its time went. */
  name: string;
  runs: Run[];
}

function phases(args: string[]): Phase[] {
  const updateTimings = args.includes("--update-timings");
  const named = args.filter((arg) => arg !== "--update-timings");
  if (named.length > 0) return [{ name: "the named files", runs: [{ args: named }] }];
  const all = [...new Bun.Glob("tests/**/*.test.ts").scanSync({ cwd: root })].sort();
  const inBrowser = (file: string) => file.startsWith("tests/browser/");
  const inWindow = (file: string) => file.startsWith("tests/desktop-");
  const inLines = (file: string) => inBrowser(file) && !clockWatching.includes(file) && file !== reconnectOracle;
  const present = (files: string[]) => files.filter((file) => all.includes(file));
  const paths = (files: string[]) => files.map((file) => `./${file}`);
  return [
    {
      name: "the unit and integration files",
      runs: [
        {
          args: [
            `--parallel=${parallelWorkers}`,
            `--timings=${timingsFile}`,
            ...(updateTimings ? ["--update-timings"] : []),
            ...paths(all.filter((file) => !inBrowser(file) && !inWindow(file) && !timingStrict.has(file))),
          ],
        },
      ],
    },
    { name: "the window files", runs: [{ args: paths(all.filter(inWindow)) }] },
    {
      name: "the browser files in two lines",
      runs: [
        { args: paths(all.filter((file) => inLines(file) && !secondLine.includes(file))) },
        { args: paths(present(secondLine)), held: true },
      ],
    },
    {
      name: "the clock-watching files",
      runs: [
        { args: paths(present(clockWatching.filter((file) => !clockWatchingSecondLine.includes(file)))) },
        {
          args: paths([...present(clockWatchingSecondLine), ...all.filter((file) => timingStrict.has(file))]),
          held: true,
        },
      ],
    },
    { name: "the reconnect oracle", runs: [{ args: paths(present([reconnectOracle])) }] },
  ];
}

const root = new URL("..", import.meta.url).pathname;
const count = (tail: string, word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(tail)?.[1] ?? 0);

/** How much of one failure's report is said again at the end: its error, not its whole source excerpt. */
const failureLines = 12;
const failureLineChars = 1_500;

/**
 * Collects, from `bun test`'s report, line by line, each failed test's name with the error printed
 * before it (bun prints a failure's error, then its `(fail)` line).
 */
function createFailureCollector() {
  const failures: string[] = [];
  let since: string[] = [];
  /** Past bun's own summary (`N tests failed:`), which lists the failed tests again. */
  let inSummary = false;
  return {
    failures,
    line(line: string) {
      if (/^\d+ tests? failed:$/.test(line.trim())) inSummary = true;
      if (inSummary) return;
      if (line.startsWith("(fail) ")) {
        const errorAt = since.findIndex((text) => /^(error|\w*Error)\b/.test(text));
        const why = (errorAt === -1 ? since : since.slice(errorAt))
          .filter((text) => text.trim() !== "")
          .slice(0, failureLines)
          .map((text) => `    ${text.length > failureLineChars ? `${text.slice(0, failureLineChars)}…` : text}`);
        failures.push([line, ...why].join("\n"));
        since = [];
      } else if (/^\((pass|skip|todo)\) /.test(line) || /^\S.*\.test\.ts:$/.test(line)) since = [];
      else since.push(line);
    },
  };
}

/** Runs one `bun test`, passing its report through, and returns its exit code, counts and failures. */
async function runTests(
  run: Run,
): Promise<{ code: number; passed: number; failed: number; failures: string[]; held: string }> {
  const child = Bun.spawn([process.execPath, "test", "--timeout", "30000", ...run.args], {
    cwd: root,
    stdout: "inherit",
    stderr: "pipe",
    env: {
      ...process.env,
      STREAM_PLAYGROUND_HOME: home,
      STREAM_PLAYGROUND_TEST_RUN: runMarker.split("=")[1],
      FORCE_COLOR: process.stdout.isTTY ? "1" : "0",
    },
  });
  // bun test reports on stderr; pass it through and keep the counts.
  let tail = "";
  let partial = "";
  let held = "";
  const collector = createFailureCollector();
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    const text = decoder.decode(chunk, { stream: true });
    if (run.held) held += text;
    else process.stderr.write(text);
    tail = (tail + text).slice(-4_000);
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) collector.line(line);
  }
  const code = await child.exited;
  return { code, passed: count(tail, "pass"), failed: count(tail, "fail"), failures: collector.failures, held };
}

let code = 0;
let passed = 0;
let failed = 0;
const failures: string[] = [];
for (const phase of phases(process.argv.slice(2))) {
  const started = performance.now();
  const results = await Promise.all(phase.runs.map(runTests));
  for (const result of results) {
    code ||= result.code;
    passed += result.passed;
    failed += result.failed;
    failures.push(...result.failures);
    if (result.held !== "") process.stderr.write(`\n${result.held}`);
  }
  console.error(`\ntests: ${phase.name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const leftovers = await endLeftovers(runMarker, 5_000);
rmSync(home, { recursive: true, force: true });
if (leftovers.length > 0) {
  console.error(
    `\nThe tests left ${leftovers.length} process(es) running (now killed):\n${leftovers.map((p) => `  ${p.pid} ${p.command.slice(0, 160)}`).join("\n")}`,
  );
}
if (failures.length > 0) console.error(`\nWhy the failed tests failed:\n${failures.join("\n")}`);
const ok = code === 0 && failed === 0 && passed > 0 && leftovers.length === 0;
console.log(`\n${ok ? "PASS" : "FAIL"} tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
