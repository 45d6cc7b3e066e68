/**
 * A lesson's try line: the request a lesson (`assets/examples/NN-name.md`) means its snippet to be
 * tried with, in an HTML comment the reader never sees, in the `trace` command's words:
 *
 *     <!-- try: --path /events --client eventsource --duration 5000 -->
 *
 * The examples menu suggests it to the client controls; `serve` and `export` name it in their try
 * line when the snippet file has its lesson beside it.
 */

import type { TryRequest } from "../contract/index.ts";
import { parseTraceArgs, splitWords, type TraceArgs, traceSettingsOfArgs } from "./trace-options.ts";

/** The options in a lesson's `<!-- try: … -->` line, if it has one; throws for a line the `trace` command would refuse. */
export function lessonTryArgs(markdown: string): TraceArgs | undefined {
  const line = /<!--\s*try:(.*?)-->/s.exec(markdown)?.[1];
  if (line === undefined) return undefined;
  const parsed = parseTraceArgs(splitWords(line.trim()));
  if (!parsed.ok) throw new Error(`the lesson's try line is not valid: ${parsed.message}`);
  return parsed.args;
}

/** The lesson beside a snippet file: `16-llm-chat-stream.md` for `16-llm-chat-stream.ts`. */
export function lessonPathOf(snippetPath: string): string {
  return snippetPath.replace(/\.[cm]?[jt]sx?$/, "") + ".md";
}

/**
 * The request the lesson beside `snippetPath` is tried with, when there is a lesson with a valid
 * try line that asks the snippet's own server (not another server's URL).
 */
export async function lessonTryRequest(snippetPath: string): Promise<TryRequest | undefined> {
  const lesson = Bun.file(lessonPathOf(snippetPath));
  if (!(await lesson.exists())) return undefined;
  let args: TraceArgs | undefined;
  try {
    args = lessonTryArgs(await lesson.text());
  } catch {
    return undefined;
  }
  if (args === undefined) return undefined;
  const { url, path, method, headers, body } = traceSettingsOfArgs(args);
  if (url !== undefined || path === undefined) return undefined;
  return {
    path,
    ...(method === undefined || method.toUpperCase() === "GET" ? {} : { method }),
    ...(headers && Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body === undefined ? {} : { body }),
  };
}
