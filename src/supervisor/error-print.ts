/**
 * What Bun prints on the runner's stderr, read as the same print under plain `bun` reads.
 *
 * Bun prints an error a body threw (and any other it reports itself) with a code frame: the lines
 * before the one that threw, a caret under the column, the error, then its stack. For a snippet it
 * cannot take that frame from the file, as plain Bun does: the snippet runs as a virtual module,
 * so the frame is the module as Bun transpiled it (other lines, other numbers) or missing, the
 * stack names the virtual path, and the runner's own frames sit under the snippet's. Here the
 * frame is drawn again from the version's source, in Bun's own layout, and the stack is read as
 * `readableFrames` reads one; everything else passes as it was written.
 */

import { codeFrameCaret, codeFrameSourceLine, type EndpointTimers, isCodeFrameLine } from "../contract/index.ts";
import {
  isFileFrame,
  isStackFrame,
  readableFrames,
  snippetFileNamed,
  snippetFrameOf,
  userFrames,
} from "../shared/index.ts";

/** Bun's printed stack: six spaces, where a stack in a message or a snippet's own output has four. */
const printedFrame = /^ {6}at /;
/** The first line of a printed error: `error: message` for an Error, `TypeError: message`, a class's name. */
const errorHead = /^(error|[A-Z][\w$]*)(: |$)/;
/** How far above a stack its error's first line may be (an error's own fields are printed between). */
const headReach = 16;
/** Lines Bun shows above the one that threw. */
const linesAbove = 5;

/** The source of a version the host loaded, while it remembers it. */
export type SourceOf = (version: number) => string | undefined;

/** The lines of `source` around `line`, and a caret under `column`, as Bun draws a code frame. */
export function codeFrame(source: string, line: number, column: number): string[] {
  const lines = source.split(/\r\n|\r|\n/);
  if (line < 1 || line > lines.length) return [];
  const width = String(line).length;
  const frame: string[] = [];
  for (let at = Math.max(1, line - linesAbove); at <= line; at++)
    frame.push(`${String(at).padStart(width)} | ${lines[at - 1]}`);
  frame.push(`${" ".repeat(width + 3 + Math.max(0, column - 1))}^`);
  return frame;
}

/**
 * Lines the runner wrote to stderr, read together, as a user reads them: each stack read by
 * `readableFrames`, and each of Bun's prints whose frame is the snippet's drawn from its source.
 * A print of Bun's (its frame, the error and its stack) is one entry of several lines; any other
 * line is an entry of its own.
 */
export function readableStderr(lines: readonly string[], sourceOf: SourceOf): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!isStackFrame(lines[i]!)) {
      out.push(lines[i]!);
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && isStackFrame(lines[i]!)) i++;
    const stack = lines.slice(start, i);
    if (!printedFrame.test(stack[0]!)) {
      out.push(...readableFrames(stack));
      continue;
    }
    const { from, frames } = framedAgain(out, userFrames(stack), sourceOf);
    out.push([...out.splice(from), ...frames].join("\n"));
  }
  return out;
}

/**
 * One of Bun's prints, its stack's `userFrames` given and its head the last entries of `out`: when
 * the frame Bun draws from (the first with a file) is the snippet's, the frame is drawn from its
 * source, in place of the one Bun drew or above the error where it drew none, and the frames above
 * that one go, as Bun leaves them out when it has the file. Says where in `out` the print begins.
 */
function framedAgain(out: string[], frames: string[], sourceOf: SourceOf): { from: number; frames: string[] } {
  const caret = findCaret(out);
  let top = caret ?? findHead(out) ?? out.length;
  if (caret !== undefined) while (top > 0 && codeFrameSourceLine.test(out[top - 1]!)) top--;
  const drawnFrom = frames.findIndex(isFileFrame);
  const place = drawnFrom === -1 ? undefined : snippetFrameOf(frames[drawnFrom]!);
  const source = place && sourceOf(place.version);
  const frame = place && source !== undefined ? codeFrame(source, place.line, place.column) : [];
  if (frame.length === 0) return { from: top, frames: frames.map(snippetFileNamed) };
  if (caret !== undefined) out.splice(top, caret + 1 - top, ...frame);
  else out.splice(top, 0, ...frame);
  return {
    from: top,
    frames: frames
      .slice(drawnFrom)
      .map((line) => snippetFileNamed(line).replace(/^( {6}at )(\/.*:\d+:\d+)$/, "$1<anonymous> ($2)")),
  };
}

/** The caret of the frame Bun drew above the error that ends `out`, if it drew one. */
function findCaret(out: readonly string[]): number | undefined {
  for (let at = out.length - 1; at >= Math.max(0, out.length - headReach); at--) {
    if (codeFrameCaret.test(out[at]!)) return at > 0 && codeFrameSourceLine.test(out[at - 1]!) ? at : undefined;
    if (endsSearch(out[at]!) || codeFrameSourceLine.test(out[at]!)) return undefined;
  }
  return undefined;
}

/** The first line of the error that ends `out`: the nearest that reads as one. */
function findHead(out: readonly string[]): number | undefined {
  for (let at = out.length - 1; at >= Math.max(0, out.length - headReach); at--) {
    if (endsSearch(out[at]!)) return undefined;
    if (errorHead.test(out[at]!)) return at;
  }
  return undefined;
}

/** A stack's line, or an earlier print (an entry of several lines): no error above it is this one's. */
function endsSearch(entry: string): boolean {
  return isStackFrame(entry) || entry.includes("\n");
}

export interface RunnerStderrOptions {
  sourceOf: SourceOf;
  /** Receives each entry, read (a line, or a print of Bun's of several lines), with when its first line was read. */
  emit: (entry: string, readAt: number) => void;
  /** How long the start of a print is held for the rest of it, when a read ends inside one. */
  holdMs?: number;
  timers?: EndpointTimers;
}

/** The runner's stderr, read by reads (`readableStderr`). */
export interface RunnerStderr {
  /** The lines of one read, the runner's notes taken out, and when it was read. */
  take(lines: readonly string[], readAt: number): void;
  /** Passes on what is held: the stream ended. */
  end(): void;
}

/**
 * Reads the runner's stderr one read at a time: a print is read whole when one read holds it, and
 * a read that ends inside one (a code frame with no stack under it yet) holds it for the next read,
 * `holdMs` at most.
 */
export function createRunnerStderr(options: RunnerStderrOptions): RunnerStderr {
  const holdMs = options.holdMs ?? 50;
  const timers: EndpointTimers = options.timers ?? {
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  };
  let held: string[] = [];
  /** When the held lines were read: the time of the print they begin. */
  let heldAt = 0;
  let timer: unknown;
  const pass = (lines: readonly string[], readAt: number) => {
    for (const entry of readableStderr(lines, options.sourceOf)) options.emit(entry, readAt);
  };
  const end = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const lines = held;
    held = [];
    if (lines.length > 0) pass(lines, heldAt);
  };
  return {
    take(lines, readAt) {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      const before = held.length;
      const from = before === 0 ? readAt : heldAt;
      const all = before === 0 ? lines : [...held, ...lines];
      const open = openPrint(all);
      held = all.slice(open);
      pass(open === all.length ? all : all.slice(0, open), from);
      if (held.length > 0) {
        // What stays held begins in the earlier read, or in this one.
        heldAt = open < before ? from : readAt;
        timer = timers.setTimeout(end, holdMs);
      }
    },
    end,
  };
}

/**
 * Where a print that `lines` ends inside begins (a code frame with no stack under it yet), or their
 * length. What is held is a frame's length at most: lines that go on looking like one (a table a
 * snippet prints) pass on as they come.
 */
function openPrint(lines: readonly string[]): number {
  for (let at = lines.length - 1; at >= Math.max(0, lines.length - headReach - linesAbove - 2); at--) {
    const line = lines[at]!;
    if (isStackFrame(line)) break;
    if (isCodeFrameLine(line)) {
      let top = at;
      while (top > 0 && at - top < linesAbove + 1 && isCodeFrameLine(lines[top - 1]!)) top--;
      return top;
    }
  }
  return lines.length;
}
