/**
 * `stream-playground trace <snippet.ts> [options]` (or `--url URL`; `npm run trace --` in a
 * checkout): trace a snippet, or any server, from the terminal and print its timeline as it
 * happens; with `--expect FILE`, check the timeline against an expectation file and print a
 * report. Exits 0 when the snippet loaded (and every expectation held), 1 when not (or when the
 * `--record` file could not be written), 2 on a usage error or an expectation file that is not valid.
 */

import { basename } from "node:path";
import {
  parseExpectationFile,
  rebaseEvent,
  recordingFormat,
  recordingJsonLines,
  type ExpectationFile,
  type RecordingHeader,
  type TimelineEvent,
  timelineJsonLines,
  unusedTraceSetting,
} from "../contract/index.ts";
import { evaluateExpectations, formatReport } from "../expect/index.ts";
import { formatEvent, wantsColour } from "./format-timeline.ts";
import { createLensFormat, lensRuleProblem } from "./lane-lenses.ts";
import { createLiveTimeline } from "./live-timeline.ts";
import { outputFileProblem, writeOutputFile } from "./output-file.ts";
import { createTerminalOutput, writeAll } from "./terminal-output.ts";
import { printVersion } from "./version.ts";
import { lessonTryOf, parseTraceArgs, traceOptionName } from "../shared/index.ts";
import { describeRun, laneRequestsOf, mergeTraceSettings, namesARequest } from "./trace-settings.ts";
import { traceSnippet, reachedServer, traceUrl, urlProblem } from "../supervisor/index.ts";

export const traceUsage = `usage: stream-playground trace <snippet.ts> [options]
       stream-playground trace --url http://localhost:8080/events [options]

Loads the snippet into a fresh runner, points clients at it and prints both sides of every request
as it happens, then what leaked. Exit codes: 0 the snippet loaded (and every expectation held),
1 it did not (or an expectation failed, or the --record file could not be written), 2 a usage
error or an expectation file that is not valid.

  --path /events          path (and query) the clients request (default /; for a snippet with its
                          lesson beside it, name.md, and no option naming a request: the
                          request the lesson tries)
  --url URL               trace another server instead of a snippet (http:, https:, ws:, wss:):
                          only the client side is seen
  --client stream|eventsource|websocket
                          fetch and read the body (default), behave like an EventSource, or open
                          a WebSocket (ws://) and trace its messages both ways
  --clients N             how many clients, each on its own lane (1 to 100, default 1)
  --method POST           request method (stream client)
  --header K:V            request header, repeatable
  --body TEXT             request body (stream client)
  --send TEXT             websocket: a text message to send once open, repeatable (in order)
  --send-every MS         websocket: send one message every MS ms, round and round, instead of
                          all at once
  --protocol NAME         websocket: a subprotocol to offer, repeatable
  --duration MS           end the trace MS after its runner is serving (the playground's own
                          start is not counted), whatever the snippet does: a load still running
                          is given up, clients are disconnected, and the server's
                          cleanup then gets the cleanup grace (default: 5000 for eventsource
                          clients, 2000 for websocket clients, which then close with code 1000;
                          stream clients: when their streams end)
  --disconnect-after MS   disconnect each client MS after it opened
  --cleanup-grace MS      how long server cleanup may take before it counts as leaked (default 3000)

 slow and flaky clients:
  --read-rate RATE        read at most RATE bytes a second (65536, 64KiB, 1MB): the server waits
  --stall-after MS        stop reading MS after the client opens...
  --stall-for MS          ...for MS (left out: for good, until the trace ends)
  --drop-after-bytes N    drop the connection after N bytes of the body, as a broken network
                          would (an EventSource reconnects)

 LLM and agent streams (OpenAI, Anthropic, Gemini, the AI SDK, MCP, Ollama are recognised):
  --lens RULE             where the text is in each JSON payload of another stream, such as
                          '$.choices[0].delta.content'; the lane is read through it

 output:
  --json                  one JSON object per line instead of the readable timeline (a lane read
                          through a lens ends with a "lens" object: its message, timing, violations)
  --expect FILE           check the timeline against an expectation file and print a report;
                          exit 1 when an expectation does not hold
  --record FILE           also write the timeline as a recording the playground opens
                          (File → Open recording)
  --help                  this text
  --version               the version`;

function fail(message: string): never {
  console.error(`${message}\n\n${traceUsage}`);
  process.exit(2);
}

/** Runs the command; exits the process with its exit code. */
export async function traceCommand(argv: readonly string[]): Promise<never> {
  const parsed = parseTraceArgs([...argv]);
  if (!parsed.ok) fail(parsed.message);
  const { args } = parsed;
  if (args.help) {
    console.log(traceUsage);
    process.exit(0);
  }
  if (args.version) await printVersion();

  let expectations: ExpectationFile | undefined;
  if (args.expectPath !== undefined) {
    const file = Bun.file(args.expectPath);
    if (!(await file.exists())) fail(`no such expectation file: ${args.expectPath}`);
    const read = parseExpectationFile(await file.text());
    if (!read.ok) {
      console.error(`${args.expectPath} is not a valid expectation file: ${read.problem}`);
      process.exit(2);
    }
    expectations = read.file;
  }

  // A lesson's snippet traced with no request of the command line's or the file's makes the lesson's.
  const lesson =
    args.snippetPath !== undefined && expectations?.trace === undefined && !namesARequest(args)
      ? await lessonTryOf(args.snippetPath)
      : undefined;
  const run = mergeTraceSettings(expectations?.trace ?? lesson?.settings, args);
  // A setting the client would not use is refused, by the name it was given: an option, or the file's `trace` field.
  const onCommandLine = (field: keyof typeof run) => args[field] !== undefined;
  const inFile = (field: keyof typeof run) => !onCommandLine(field) && expectations?.trace?.[field] !== undefined;
  const unused = unusedTraceSetting(run, (field) => (inFile(field) ? `trace.${field}` : traceOptionName(field)));
  if (unused !== undefined) {
    if (onCommandLine(unused.field)) fail(`${traceOptionName(unused.field)} ${unused.problem}`);
    console.error(`${args.expectPath}: trace.${unused.field} ${unused.problem}`);
    process.exit(2);
  }
  const lensProblem = run.lens === undefined ? undefined : lensRuleProblem(run.lens);
  if (lensProblem !== undefined) {
    if (args.lens !== undefined) fail(`--lens ${JSON.stringify(args.lens)} is not a lens rule: ${lensProblem}`);
    console.error(`${args.expectPath} is not a valid expectation file: trace.lens ${lensProblem}`);
    process.exit(2);
  }
  if (run.url === undefined && !args.snippetPath) fail("give a snippet file, or --url for another server");
  if (run.url !== undefined && args.snippetPath) fail("give a snippet file or --url, not both");
  if (run.url !== undefined) {
    const problem = urlProblem(run.url);
    if (problem !== undefined) fail(`--url: ${problem}`);
  }
  if (args.snippetPath && !(await Bun.file(args.snippetPath).exists())) fail(`no such file: ${args.snippetPath}`);
  if (args.recordPath !== undefined) {
    const problem = await outputFileProblem(args.recordPath);
    if (problem !== undefined) fail(`--record ${args.recordPath} cannot be written: ${problem}`);
  }

  if (lesson !== undefined)
    console.error(
      `trace: the request ${basename(lesson.lessonPath)} tries: ${lesson.words} (any option naming a request makes yours instead)`,
    );

  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop.abort());

  // Without --expect the timeline is printed as it happens, a line per event, flushed as it goes
  // (so `| jq` and `| grep --line-buffered` see each at once). With --expect it is printed at the
  // end, before the report, and only when an expectation fails.
  const began = performance.now();
  const lensFormat = () =>
    createLensFormat({
      optionsFor: () => ({ requestBody: run.body, rule: run.lens }),
      json: args.json,
      colour: wantsColour(process.stdout),
      formatEvent: (event) =>
        args.json ? timelineJsonLines([event]).trimEnd() : formatEvent(event, wantsColour(process.stdout)),
    });
  // A reader of stdout that has gone (`| head -5`) ends the trace, as Ctrl+C does.
  const output = createTerminalOutput({ onReaderGone: () => stop.abort() });
  const live =
    expectations === undefined
      ? createLiveTimeline({
          write: output.print,
          format: lensFormat(),
          now: () => performance.now() - began,
        })
      : undefined;
  const liveRun = live ? { began, onEvent: (event: TimelineEvent) => live.push(rebaseEvent(event, began)) } : {};

  let events: TimelineEvent[];
  /** Whether the trace itself worked: the snippet loaded, or the server answered. */
  let traced: boolean;
  const versions: RecordingHeader["versions"] = [];
  if (run.url !== undefined) {
    ({ events } = await traceUrl({ ...run, ...liveRun, url: run.url, stop: stop.signal }));
    traced = reachedServer(events);
  } else {
    const snippetPath = args.snippetPath!;
    const source = await Bun.file(snippetPath).text();
    const result = await traceSnippet({
      ...run,
      ...liveRun,
      snippetPath,
      source,
      stop: stop.signal,
      onSettling: ({ open, waitMs }) =>
        console.error(
          `trace: the clients are done; ${open === 1 ? "1 request is" : `${open} requests are`} still running on the server (timers or cleanup pending): waiting up to ${waitMs} ms for it before reporting what leaked (--cleanup-grace sets this)`,
        ),
    });
    events = result.events;
    traced = result.load.kind === "loaded";
    versions.push({ version: result.load.version, source, path: snippetPath });
  }

  /** Why the recording could not be written, said last so the run's own output comes first. */
  let recordProblem: string | undefined;
  if (args.recordPath !== undefined) {
    const header: RecordingHeader = {
      format: recordingFormat,
      version: 1,
      recordedAt: new Date().toISOString(),
      by: "trace",
      title: run.url ?? basename(args.snippetPath!),
      versions,
      lanes: laneRequestsOf(run),
    };
    recordProblem = await writeOutputFile(args.recordPath, recordingJsonLines(header, events));
  }
  const sayRecordProblem = () => {
    if (recordProblem !== undefined)
      console.error(`trace: could not write the recording to ${args.recordPath}: ${recordProblem}`);
  };

  const timeline = () => {
    const format = lensFormat();
    return `${events.map(format).join("\n")}\n`;
  };

  if (expectations === undefined) {
    // The summary is made from the whole timeline, once it is over.
    const summary = events.at(-1);
    if (summary?.kind === "summary") live?.push(summary);
    live?.finish();
    if (!output.readerGone) await writeAll(process.stdout, "");
    sayRecordProblem();
    process.exit(traced && recordProblem === undefined ? 0 : 1);
  }

  const evaluation = evaluateExpectations(expectations.expect, events, {
    lensOptionsFor: () => ({ requestBody: run.body, rule: run.lens }),
  });
  const target = run.url ?? basename(args.snippetPath!);
  const count = expectations.expect.length;
  const title = `Checking ${count} expectation${count === 1 ? "" : "s"} from ${args.expectPath} against ${target} (${describeRun(run)}):\n\n`;
  const report = `${title + formatReport(evaluation, { colour: wantsColour(args.json ? process.stderr : process.stdout) })}\n`;
  if (args.json) {
    // The timeline stays clean JSON on stdout; the report goes beside it.
    await writeAll(process.stdout, timeline());
    await writeAll(process.stderr, report);
  } else {
    // A run that holds says so briefly; one that does not shows the timeline it was checked against.
    await writeAll(process.stdout, (evaluation.ok ? "" : `${timeline()}\n`) + report);
  }
  sayRecordProblem();
  process.exit(traced && evaluation.ok && recordProblem === undefined ? 0 : 1);
}

if (import.meta.main) await traceCommand(process.argv.slice(2));
