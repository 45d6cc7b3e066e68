/**
 * `stream-playground serve <snippet.ts> [--port N]` (`npm run serve --` in a checkout): keeps a
 * snippet serving on a port of this machine for any client (curl -N, a browser tab, the user's
 * frontend, an SDK client), reloads it on every save of its file, and prints both sides of every
 * request as it happens, each connection on a lane of its own, until Ctrl+C. With `--expect` or
 * `--record`, the timeline is checked or written at Ctrl+C.
 */

import { parseArgs } from "node:util";
import { basename, resolve } from "node:path";
import {
  errorMessage,
  parseExpectationFile,
  rebaseEvent,
  rebaseTimeline,
  recordingFormat,
  recordingJsonLines,
  type SummaryEvent,
  timelineJsonLines,
  type ExpectationFile,
  type RecordingHeader,
  type TimelineEvent,
} from "../contract/index.ts";
import { evaluateExpectations, formatReport } from "../expect/index.ts";
import { namedPort, tryCommand } from "../export/index.ts";
import { joinNegativeValues, lessonTryRequest, watchFile } from "../shared/index.ts";
import { createEndStory, createReconnectStorms, createRunner, defaultCleanupGraceMs } from "../supervisor/index.ts";
import { formatEvent, wantsColour } from "./format-timeline.ts";
import { createLiveTimeline } from "./live-timeline.ts";
import { outputFileProblem, writeOutputFile } from "./output-file.ts";
import { createTerminalOutput, writeAll } from "./terminal-output.ts";
import { printVersion } from "./version.ts";

export const serveUsage = `usage: stream-playground serve <snippet.ts> [options]

Keeps the snippet serving on 127.0.0.1 for any client (curl -N, a browser tab, your frontend, an
SDK), reloads it on every save of the file, and prints both sides of every request as it happens,
each connection on its own lane, until Ctrl+C. A client's side is what the server saw of its
socket: when it connected, from where, and what it asked for.

  --port N                port to serve on (default: the port the snippet names, as in
                          Bun.serve({ port: 8080 }) or app.listen(8080), else 3000; 0 for any
                          free port)
  --json                  one JSON object per line instead of the readable timeline
  --expect FILE           at Ctrl+C, check the timeline against an expectation file and print a
                          report; exit 1 when an expectation does not hold
  --record FILE           at Ctrl+C, write the timeline as a recording the playground opens
                          (File → Open recording)
  --cleanup-grace MS      how long server cleanup may take before it counts as leaked (default 3000)
  --help                  this text
  --version               the version

Exit codes: 0 stopped by Ctrl+C (and every expectation held), 1 the port could not be had, an
expectation did not hold or the --record file could not be written, 2 a usage error or an
expectation file that is not valid.`;

const defaultServePort = 3000;
/** Beyond the cleanup grace, for the runner to declare a leak and answer. */
const closeMarginMs = 1_000;
/** How long stopping may wait on open requests before it says so. */
const closeNoticeMs = 500;

function fail(message: string): never {
  console.error(`${message}\n\n${serveUsage}`);
  process.exit(2);
}

function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`--port takes a port number (0 to 65535), not "${value}"`);
  return port;
}

/** Runs the command until Ctrl+C; exits the process with its exit code. */
export async function serveCommand(argv: readonly string[]): Promise<never> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: joinNegativeValues(argv, ["port", "cleanup-grace"]),
      allowPositionals: true,
      options: {
        port: { type: "string" },
        json: { type: "boolean" },
        expect: { type: "string" },
        record: { type: "string" },
        "cleanup-grace": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    }));
  } catch (error) {
    fail(errorMessage(error));
  }
  if (values.help) {
    console.log(serveUsage);
    process.exit(0);
  }
  if (values.version) await printVersion();
  if (positionals.length !== 1)
    fail(positionals.length === 0 ? "give the snippet file to serve" : "give one snippet file");
  const snippetPath = resolve(positionals[0]!);
  const file = Bun.file(snippetPath);
  if (!(await file.exists())) fail(`no such file: ${positionals[0]}`);
  const graceText = values["cleanup-grace"] as string | undefined;
  const cleanupGraceMs = graceText === undefined ? undefined : Number(graceText);
  if (cleanupGraceMs !== undefined && !(Number.isFinite(cleanupGraceMs) && cleanupGraceMs >= 0))
    fail(`--cleanup-grace takes a non-negative number, not "${graceText}"`);
  const json = values.json === true;
  const expectPath = values.expect as string | undefined;
  const recordPath = values.record as string | undefined;
  if (recordPath !== undefined) {
    const problem = await outputFileProblem(recordPath);
    if (problem !== undefined) fail(`--record ${recordPath} cannot be written: ${problem}`);
  }

  let expectations: ExpectationFile | undefined;
  if (expectPath !== undefined) {
    const expectFile = Bun.file(expectPath);
    if (!(await expectFile.exists())) fail(`no such expectation file: ${expectPath}`);
    const read = parseExpectationFile(await expectFile.text());
    if (!read.ok) {
      console.error(`${expectPath} is not a valid expectation file: ${read.problem}`);
      process.exit(2);
    }
    expectations = read.file;
  }

  let source = await file.text();
  const port =
    portOption(values.port as string | undefined) ?? (await namedPortOf(source, snippetPath)) ?? defaultServePort;

  const began = performance.now();
  const stop = Promise.withResolvers<string>();
  /**
   * A signal after stopping said it waits: stop now, without waiting for open requests' cleanup.
   * (Only then: one Ctrl+C in a terminal arrives twice, from the terminal and from the launcher.)
   */
  const stopNow = Promise.withResolvers<void>();
  let saidWaiting = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => {
      if (saidWaiting) stopNow.resolve();
      stop.resolve(signal === "SIGINT" ? "Ctrl+C" : signal);
    });
  const output = createTerminalOutput({ onReaderGone: () => stop.resolve("the reader of the output went away") });
  const colour = wantsColour(process.stdout);
  const live = createLiveTimeline({
    write: output.print,
    format: (event) => (json ? timelineJsonLines([event]).trimEnd() : formatEvent(event, colour)),
    now: () => performance.now() - began,
  });
  /** The whole timeline, kept only when something reads it at the end. */
  const kept: TimelineEvent[] | undefined = expectations !== undefined || recordPath !== undefined ? [] : undefined;
  /** What the closing summary counts, kept without the events themselves. */
  const summary: SummaryEvent = { t: 0, lane: 0, side: "runner", kind: "summary", counts: {} };
  const storms = createReconnectStorms({
    emit: (event) => {
      const rebased = rebaseEvent(event, began);
      kept?.push(rebased);
      summary.counts[rebased.kind] = (summary.counts[rebased.kind] ?? 0) + 1;
      summary.t = Math.max(summary.t, rebased.t);
      live.push(rebased);
    },
    sourceOf: (version) => versions.find((loaded) => loaded.version === version)?.source,
  });
  const story = createEndStory({ emit: storms.take });
  let lastLane = 0;
  const runner = createRunner({
    port,
    onEvent: story.take,
    cleanupGraceMs,
    outsideLane: () => ++lastLane,
  });
  const versions: RecordingHeader["versions"] = [];
  const say = (line: string) => console.error(`serve: ${line}`);

  try {
    await runner.start();
  } catch (error) {
    say(`the runner could not start: ${errorMessage(error)}`);
    await runner.stop();
    process.exit(1);
  }
  if (port !== 0 && runner.port !== port) {
    say(
      `port ${port} is taken (another server is listening there); stop it or pick another with --port (--port 0 takes any free one)`,
    );
    await runner.stop();
    process.exit(1);
  }

  /** Loads `text`; the load error's words when it did not load. */
  async function load(text: string): Promise<string | undefined> {
    const result = await runner.load(text, snippetPath);
    if (result.kind === "loaded") {
      versions.push({ version: result.version, source: text, path: snippetPath });
      return undefined;
    }
    return `${result.line === undefined ? "" : `line ${result.line}: `}${result.message}`;
  }

  const url = `http://localhost:${runner.port}/`;
  const problem = await load(source).catch((error: unknown) => errorMessage(error));
  // The request its lesson is tried with, else the route worth trying, as an exported file's header
  // names them; the root when the snippet cannot be read for one.
  const tryIt = await tryCommand({
    source,
    path: snippetPath,
    port: runner.port,
    request: await lessonTryRequest(snippetPath),
  }).catch(() => `curl -N ${url}`);
  say(
    problem === undefined
      ? `serving ${basename(snippetPath)} on ${url} (also 127.0.0.1); every save reloads it; Ctrl+C stops. Try: ${tryIt}`
      : `${basename(snippetPath)} did not load (${problem}); ${url} answers 503 until a save of the file loads; Ctrl+C stops`,
  );

  // Every save of the file loads it again; a version that does not load leaves the last good one serving.
  let reloading: Promise<void> = Promise.resolve();
  const watch = watchFile(snippetPath, () => {
    reloading = reloading.then(async () => {
      let text: string;
      try {
        text = await Bun.file(snippetPath).text();
      } catch (error) {
        say(
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? `${snippetPath} is gone (removed or renamed); the version that last loaded keeps serving, and the file loads again once it is back`
            : `could not read ${snippetPath}: ${errorMessage(error)}`,
        );
        return;
      }
      if (text === source) return;
      source = text;
      await load(text).catch((error: unknown) => say(`reloading failed: ${errorMessage(error)}`));
    });
  });

  const reason = await stop.promise;
  watch.close();
  say(`stopping (${reason})`);
  await reloading;
  // Requests still open end as a server being shut down ends them, so the timeline tells how: the
  // abort, the body's cancel, whether the cleanup ran. A cleanup that never finishes is declared
  // leaked after the grace period; a second Ctrl+C stops without waiting.
  const waitMs = (cleanupGraceMs ?? defaultCleanupGraceMs) + closeMarginMs;
  const waiting = setTimeout(() => {
    saidWaiting = true;
    say(`waiting up to ${Math.ceil(waitMs / 1_000)} s for open requests' cleanup; Ctrl+C again stops now`);
  }, closeNoticeMs);
  await Promise.race([
    runner.close(`serve was stopped (${reason}) while this request was open: Bun closed its connection`, waitMs),
    stopNow.promise,
  ]);
  clearTimeout(waiting);
  await runner.stop();
  story.flush();
  live.push(summary);
  live.finish();

  /** Why the recording could not be written: said after the report, and the run exits 1. */
  let recordProblem: string | undefined;
  if (recordPath !== undefined && kept) {
    const header: RecordingHeader = {
      format: recordingFormat,
      version: 1,
      recordedAt: new Date().toISOString(),
      by: "serve",
      title: basename(snippetPath),
      versions,
      lanes: [],
    };
    recordProblem = await writeOutputFile(recordPath, recordingJsonLines(header, rebaseTimeline(kept, 0)));
    if (recordProblem === undefined) say(`recorded the timeline in ${recordPath}`);
  }
  const sayRecordProblem = () => {
    if (recordProblem !== undefined) say(`could not write the recording to ${recordPath}: ${recordProblem}`);
  };

  if (expectations === undefined || !kept) {
    if (!output.readerGone) await writeAll(process.stdout, "");
    sayRecordProblem();
    process.exit(recordProblem === undefined ? 0 : 1);
  }
  const events = rebaseTimeline(kept, 0);
  const evaluation = evaluateExpectations(expectations.expect, events);
  const count = expectations.expect.length;
  const title = `Checking ${count} expectation${count === 1 ? "" : "s"} from ${expectPath} against ${basename(snippetPath)} (served on port ${runner.port}):\n\n`;
  const report = `${title + formatReport(evaluation, { colour: wantsColour(process.stderr) })}\n`;
  // The timeline went out live; the report follows it, beside stdout so `--json` stays clean JSON.
  await writeAll(process.stderr, `\n${report}`);
  sayRecordProblem();
  process.exit(evaluation.ok && recordProblem === undefined ? 0 : 1);
}

/** The port the snippet names, or undefined when it names none (or cannot be read). */
async function namedPortOf(source: string, path: string): Promise<number | undefined> {
  try {
    return await namedPort(source, path);
  } catch {
    return undefined;
  }
}

if (import.meta.main) await serveCommand(process.argv.slice(2));
