/**
 * Each loaded version of a snippet is a virtual module at a path beside the snippet's own file
 * (`events.v3.snippet.ts` next to `events.ts`), so its imports resolve from the snippet's folder
 * and stack traces carry its exact lines. Nothing is written at that path.
 */

import { basename, dirname, extname, join } from "node:path";

const virtualSuffix = /\.v(\d+)\.snippet\.[cm]?[jt]sx?$/;

/** The virtual module path for one version of a snippet. */
export function virtualSnippetPath(snippetPath: string, version: number): string {
  const ext = extname(snippetPath) || ".ts";
  const name = basename(snippetPath, extname(snippetPath));
  return join(dirname(snippetPath), `${name}.v${version}.snippet${ext}`);
}

/** Matches every virtual snippet path, for the loader plugin. */
export const virtualSnippetFilter = virtualSuffix;

/** A place in the snippet's own source. */
export interface SnippetPosition {
  line: number;
  column: number;
  version: number;
}

/**
 * Where a frame is in a snippet version (`.v3.snippet.ts:12:5`), without the path before it:
 * found in one pass over a stack, where a pattern that starts with the path is tried from every
 * character (6–18 µs a stack against 0.1 µs), on a path taken per write.
 */
const framePlace = /\.v(\d+)\.snippet\.[cm]?[jt]sx?:(\d+):(\d+)/;
/**
 * The playground's own sources (the runner, and the shared code and contract it runs), whose frames a user's stack
 * leaves out.
 */
const playgroundSources = `${dirname(dirname(import.meta.path))}/`;
/** Every frame in a snippet version, with its path: what a readable stack names by the snippet's own file. */
const snippetFrames = /([^\s()]+\.v(\d+)\.snippet\.[cm]?[jt]sx?):(\d+):(\d+)/g;

/** The first stack frame that is in a snippet, as a position in its source. */
export function snippetPosition(stack: string | undefined): SnippetPosition | undefined {
  if (!stack) return undefined;
  const match = framePlace.exec(stack);
  if (!match) return undefined;
  return { version: Number(match[1]), line: Number(match[2]), column: Number(match[3]) };
}

/**
 * A stack trace as the user should read it: virtual paths become the snippet's own file name,
 * and frames inside the playground itself are dropped.
 */
export function readableStack(stack: string | undefined, snippetPath: string): string | undefined {
  if (!stack) return undefined;
  const name = basename(snippetPath);
  return stack
    .split("\n")
    .filter((line) => !/^\s+at /.test(line) || framePlace.test(line) || !line.includes(playgroundSources))
    .map((line) => line.replace(snippetFrames, (_all, _path, _v, row, col) => `${name}:${row}:${col}`))
    .join("\n");
}

/** The snippet line that called the current function's caller, from a fresh stack. */
export function callerLine(): number | undefined {
  return snippetPosition(new Error().stack)?.line;
}

/**
 * Whether the function that called the current one was the snippet's own code, not a library
 * the snippet uses (Elysia's `listen` calling `Bun.serve`, Elysia's own listener on `req.signal`).
 * Native frames between them (`new Promise`, `forEach`) are skipped: JSC's proper tail calls drop
 * an arrow like `(resolve) => signal.addEventListener("abort", resolve)` from the stack, leaving
 * the native caller of the arrow where the snippet's frame was.
 */
export function calledBySnippet(): boolean {
  const frames = (new Error().stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  // Frame 0 is this function, frame 1 the function asking, frame 2 on its callers.
  const caller = frames.slice(2).find((frame) => !/\(native[:)]|\[native code\]/.test(frame));
  return caller !== undefined && framePlace.test(caller);
}
