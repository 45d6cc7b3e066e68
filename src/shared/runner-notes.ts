/**
 * Notes the runner writes to stderr synchronously, for the moments IPC cannot be trusted: the
 * runner ending (a snippet's `process.exit`, the host's SIGTERM: the process is gone before the
 * channel writes what it holds, so the batches of events not yet written, and the exit itself),
 * and a request about to enter a handler (which may block the event loop for good, so a queued IPC
 * message would never be sent). The supervisor reads them from the stderr pipe and keeps them out
 * of the logs.
 */

import { writeSync } from "node:fs";
import { type RunnerProducedEvent, runCheck, runnerPushChecks } from "../contract/index.ts";

/** Starts every note; a NUL keeps it from matching anything a snippet would print itself. */
const noteMarker = "\u0000stream-playground:";

export type RunnerNote =
  | { kind: "exit"; code: number; line?: number | undefined }
  | { kind: "request"; requestId: number; lane: number; method: string; path: string; version: number }
  | { kind: "events"; seq: number; events: RunnerProducedEvent[] };

/** Writes a note now, before anything else can happen. */
export function writeNote(note: RunnerNote): void {
  writeSync(2, `${noteMarker}${JSON.stringify(note)}\n`);
}

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The note in one line of the runner's stderr, if the line is one. */
export function parseNote(line: string): RunnerNote | undefined {
  if (!line.startsWith(noteMarker)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(noteMarker.length));
  } catch {
    // Not ours after all (a snippet printing the marker): treat it as ordinary output.
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const note = value as Record<string, unknown>;
  if (note.kind === "events") {
    // Checked as the same batch over IPC would be; one that is not is shown as the line it is.
    const checked = runCheck(runnerPushChecks.events, { seq: note.seq, events: note.events });
    return checked.ok ? { kind: "events", ...checked.value } : undefined;
  }
  if (note.kind === "exit" && isNumber(note.code))
    return { kind: "exit", code: note.code, line: isNumber(note.line) ? note.line : undefined };
  if (
    note.kind === "request" &&
    isNumber(note.requestId) &&
    typeof note.method === "string" &&
    typeof note.path === "string" &&
    isNumber(note.version)
  ) {
    return {
      kind: "request",
      requestId: note.requestId,
      lane: isNumber(note.lane) ? note.lane : 0,
      method: note.method,
      path: note.path,
      version: note.version,
    };
  }
  return undefined;
}

/**
 * Bun's own line when its idle timeout closes a request (Bun 1.4.5: "Bun.serve() timed out a
 * request after 10 seconds. Pass `idleTimeout` to configure.", with "10" whatever the request's
 * limit was). The runner records the abort with its true limit instead, so this line is dropped.
 */
export function isBunIdleTimeoutWarning(line: string): boolean {
  return /Bun\.serve\(\) timed out a request after \d+ seconds?/.test(line);
}
