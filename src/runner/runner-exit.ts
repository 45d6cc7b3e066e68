/**
 * When a snippet calls `process.exit`, the runner writes one marked line to stderr before it goes,
 * naming the exit code and the snippet line of the call. The supervisor reads it from there.
 */

/** Starts the line; a NUL keeps it from matching anything a snippet would print itself. */
export const exitMarker = "\u0000stream-playground:exit ";

export interface ExitNote {
  code: number;
  line: number | undefined;
}

/** The exit note in one line of the runner's stderr, if the line is one. */
export function parseExitNote(line: string): ExitNote | undefined {
  if (!line.startsWith(exitMarker)) return undefined;
  try {
    const value: unknown = JSON.parse(line.slice(exitMarker.length));
    if (value === null || typeof value !== "object") return undefined;
    const { code, line: at } = value as { code?: unknown; line?: unknown };
    return { code: typeof code === "number" ? code : 0, line: typeof at === "number" ? at : undefined };
  } catch {
    // Not ours after all (a snippet printing the marker): treat it as ordinary output.
    return undefined;
  }
}
