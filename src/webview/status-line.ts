/**
 * The status line in the toolbar: one sentence about what just happened (a load, a save, a lost
 * connection), in the tone it deserves.
 */

import { errorMessage } from "../contract/index.ts";

/** How a status sentence reads: good news, a failure, or plain. */
export type StatusTone = "ok" | "error" | "";

export interface StatusLine {
  /** Replaces the sentence shown. */
  say(text: string, tone?: StatusTone): void;
  /** Says what a request that got no reply went through. */
  sayFailure(error: unknown): void;
}

export function createStatusLine(line: HTMLElement): StatusLine {
  function say(text: string, tone: StatusTone = ""): void {
    line.textContent = text;
    // A narrow toolbar cuts the line: the whole of it is a hover away.
    line.title = text;
    line.className = `status ${tone}`;
  }
  return {
    say,
    sayFailure: (error) => say(errorMessage(error), "error"),
  };
}
