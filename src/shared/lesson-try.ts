/**
 * A lesson's try line: the request a lesson (`assets/examples/NN-name.md`) means its snippet to be
 * tried with, in an HTML comment the reader never sees, in the `trace` command's words:
 *
 *     <!-- try: --path /events --client eventsource --duration 5000 -->
 *
 * The examples menu suggests it to the client controls; for a snippet file with its lesson beside
 * it, `trace` makes it when no option names a request, and `serve` and `export` name it in their
 * try line.
 */

import { type TraceSettings, type TryRequest, tryRequestOf } from "../contract/index.ts";
import { parseTraceArgs, splitWords, type TraceArgs, traceSettingsOfArgs } from "./trace-options.ts";

/** The options of a lesson's `<!-- try: … -->` line as written, if it has one. */
function tryLineOf(markdown: string): string | undefined {
  return /<!--\s*try:(.*?)-->/s.exec(markdown)?.[1]?.trim();
}

/** The options in a lesson's `<!-- try: … -->` line, if it has one; throws for a line the `trace` command would refuse. */
export function lessonTryArgs(markdown: string): TraceArgs | undefined {
  const line = tryLineOf(markdown);
  if (line === undefined) return undefined;
  const parsed = parseTraceArgs(splitWords(line));
  if (!parsed.ok) throw new Error(`the lesson's try line is not valid: ${parsed.message}`);
  return parsed.args;
}

/** The lesson beside a snippet file: `16-llm-chat-stream.md` for `16-llm-chat-stream.ts`. */
export function lessonPathOf(snippetPath: string): string {
  return `${snippetPath.replace(/\.[cm]?[jt]sx?$/, "")}.md`;
}

/** A lesson's try line, read for the snippet beside it. */
export interface LessonTry {
  /** The lesson's file. */
  lessonPath: string;
  /** The line's options as written: `--path /events --client eventsource`. */
  words: string;
  settings: TraceSettings;
}

/**
 * The try line of the lesson beside `snippetPath`; undefined when there is no lesson, it has no
 * try line, or the line is not one the `trace` command would take.
 */
export async function lessonTryOf(snippetPath: string): Promise<LessonTry | undefined> {
  const lessonPath = lessonPathOf(snippetPath);
  const lesson = Bun.file(lessonPath);
  if (!(await lesson.exists())) return undefined;
  const words = tryLineOf(await lesson.text());
  if (words === undefined) return undefined;
  const parsed = parseTraceArgs(splitWords(words));
  return parsed.ok ? { lessonPath, words, settings: traceSettingsOfArgs(parsed.args) } : undefined;
}

/**
 * The request the lesson beside `snippetPath` is tried with, when there is a lesson with a valid
 * try line that asks the snippet's own server (not another server's URL).
 */
export async function lessonTryRequest(snippetPath: string): Promise<TryRequest | undefined> {
  const lesson = await lessonTryOf(snippetPath);
  if (lesson === undefined) return undefined;
  const { url, path } = lesson.settings;
  return url === undefined && path !== undefined ? tryRequestOf({ ...lesson.settings, path }) : undefined;
}
