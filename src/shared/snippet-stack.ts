/**
 * Stacks as a user reads them. The runner loads each version of a snippet as a virtual module
 * beside its file (`events.v3.snippet.ts` next to `events.ts`), and calls the snippet's code from
 * its own: a stack it captures names the virtual path and carries the playground's frames. Read
 * here, it names the snippet's own file and leaves the playground's frames out, as the same stack
 * under plain `bun` would. The runner reads its errors and logs so; the host reads what Bun itself
 * prints on the runner's stderr so (`error-print.ts`).
 */

import { basename, dirname, extname, join } from "node:path";

/** What a virtual module path ends with: the version, then the snippet's own extension. */
export const virtualSnippetSuffix = /\.v(\d+)\.snippet(\.[cm]?[jt]sx?)$/;

/** The virtual module path for one version of a snippet. */
export function virtualSnippetPath(snippetPath: string, version: number): string {
  const ext = extname(snippetPath) || ".ts";
  const name = basename(snippetPath, extname(snippetPath));
  return join(dirname(snippetPath), `${name}.v${version}.snippet${ext}`);
}

/**
 * Where a frame is in a snippet version (`.v3.snippet.ts:12:5`), without the path before it:
 * found in one pass over a stack, where a pattern that starts with the path is tried from every
 * character (6–18 µs a stack against 0.1 µs), on a path taken per write.
 */
export const snippetFramePlace = /\.v(\d+)\.snippet\.[cm]?[jt]sx?:(\d+):(\d+)/;

/** Every place in a snippet version: the virtual part of its path, then the extension and position kept. */
const virtualPlaces = /\.v\d+\.snippet(\.[cm]?[jt]sx?:\d+:\d+)/g;

/** The playground's own sources (the runner, and the shared code and contract it runs). */
const playgroundSources = `${dirname(dirname(import.meta.path))}/`;

/** A line of a stack: Node's form (`    at f (path:1:2)`) or Bun's printed one (six spaces). */
const frameLine = /^\s+at /;

/** A frame with a file of its own, as opposed to Bun's builtins (`native`, `unknown`) and Node's modules. */
const fileFrame = /(?:\(|at )(?:\/|file:)/;

/** Whether a line is a stack frame's (`at …`), in either form. */
export function isStackFrame(line: string): boolean {
  return frameLine.test(line);
}

/** Whether a stack frame names a file (a snippet's, a package's), not a builtin. */
export function isFileFrame(line: string): boolean {
  return fileFrame.test(line);
}

/** A place in a snippet version's source. */
export interface SnippetPosition {
  version: number;
  line: number;
  column: number;
}

/** The first place in `text` (a frame, a stack) that is in a snippet version. */
export function snippetFrameOf(text: string): SnippetPosition | undefined {
  const match = snippetFramePlace.exec(text);
  return match ? { version: Number(match[1]), line: Number(match[2]), column: Number(match[3]) } : undefined;
}

function isPlaygroundFrame(line: string): boolean {
  return line.includes(playgroundSources) && !snippetFramePlace.test(line);
}

/**
 * One stack's frame lines less the playground's frames, and less the builtins those called on
 * their way to the snippet's code (a request's context entered through `node:async_hooks`, a
 * generator's native `next`): the frames the same stack has under plain `bun`.
 */
export function userFrames(frames: readonly string[]): string[] {
  const kept: string[] = [];
  /** Builtin frames seen since the last frame with a file: dropped if a playground frame called them. */
  let builtins: string[] = [];
  for (const frame of frames) {
    if (isPlaygroundFrame(frame)) {
      builtins = [];
      continue;
    }
    if (isFileFrame(frame)) {
      kept.push(...builtins, frame);
      builtins = [];
    } else builtins.push(frame);
  }
  kept.push(...builtins);
  return kept;
}

/** One stack's frame lines as a user reads them: `userFrames`, each naming the snippet's own file. */
export function readableFrames(frames: readonly string[]): string[] {
  return userFrames(frames).map(snippetFileNamed);
}

/** Each place in a snippet version named by the snippet's own file (`events.v3.snippet.ts:4:9` → `events.ts:4:9`). */
export function snippetFileNamed(text: string): string {
  return text.replace(virtualPlaces, "$1");
}

/** A stack, or any text holding stacks (a logged error), as a user reads it: see `readableFrames`. */
export function readableText(text: string): string {
  if (!snippetFramePlace.test(text) && !text.includes(playgroundSources)) return text;
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!frameLine.test(lines[i]!)) {
      out.push(snippetFileNamed(lines[i]!));
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && frameLine.test(lines[i]!)) i++;
    out.push(...readableFrames(lines.slice(start, i)));
  }
  return out.join("\n");
}

/** A stack as the timeline's error events show it: frames name the snippet's file by its name alone. */
export function readableStack(stack: string | undefined, snippetPath: string): string | undefined {
  if (!stack) return undefined;
  return readableText(stack).replaceAll(snippetPath, basename(snippetPath));
}
