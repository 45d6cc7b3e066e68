/**
 * Each loaded version of a snippet is a virtual module at a path beside the snippet's own file
 * (`events.v3.snippet.ts` next to `events.ts`, named in `../shared/snippet-stack.ts`), so its
 * imports resolve from the snippet's folder and stack traces carry its exact lines. Nothing is
 * written at that path. Where the snippet's code is running, read from a fresh stack.
 */

import { type SnippetPosition, snippetFrameOf, snippetFramePlace, virtualSnippetSuffix } from "../shared/index.ts";

export type { SnippetPosition };

/** Matches every virtual snippet path, for the loader plugin. */
export const virtualSnippetFilter = virtualSnippetSuffix;

/** The first stack frame that is in a snippet, as a position in its source. */
export function snippetPosition(stack: string | undefined): SnippetPosition | undefined {
  return stack ? snippetFrameOf(stack) : undefined;
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
  return caller !== undefined && snippetFramePlace.test(caller);
}
