/**
 * Standard output for a command that prints as it goes (`trace`, `serve`): each write goes out at
 * once, and a reader that goes away (`| head -5`) ends the command as Ctrl+C does instead of
 * throwing EPIPE at it.
 */

export interface TerminalOutput {
  /** Writes `text` to stdout, unless its reader has gone. */
  print(text: string): void;
  /** Whether the reader of stdout has gone. */
  readonly readerGone: boolean;
}

export interface TerminalOutputOptions {
  /** Told once, when the reader of stdout goes away. */
  onReaderGone: () => void;
  stdout?: NodeJS.WriteStream | undefined;
}

export function createTerminalOutput(options: TerminalOutputOptions): TerminalOutput {
  const stdout = options.stdout ?? process.stdout;
  let gone = false;
  const left = (error: unknown) => {
    if ((error as { code?: unknown } | null)?.code !== "EPIPE") throw error;
    if (gone) return;
    gone = true;
    options.onReaderGone();
  };
  stdout.on("error", left);
  return {
    print(text) {
      if (gone) return;
      try {
        stdout.write(text);
      } catch (error) {
        left(error);
      }
    },
    get readerGone() {
      return gone;
    },
  };
}

/** Writes and waits until a pipe has taken it all: exiting at once would cut the output at the pipe's buffer. */
export function writeAll(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise<void>((resolve) => stream.write(text, () => resolve()));
}
