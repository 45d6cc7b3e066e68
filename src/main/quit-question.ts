/**
 * Asking the pages what to do with unsaved edits before quitting (the desktop window was closed):
 * one question at a time, answered by the first page that answers, or by keeping a draft when no
 * page answers within the bound.
 */

import type { QuitChoice } from "../contract/index.ts";

/** How long a quit question waits for a page's answer before the edits are kept as a draft. */
export const quitAnswerTimeoutMs = 10 * 60_000;

export interface QuitQuestionOptions {
  /** Puts the question to every page. */
  ask: () => void;
  /** How long to wait for an answer; `quitAnswerTimeoutMs` when left out. */
  timeoutMs?: number | undefined;
}

export interface QuitQuestion {
  /** Asks (or joins the question already asked) and resolves with the first answer: `draft` when none comes in time. */
  ask(): Promise<QuitChoice>;
  /** A page's answer; it answers the question now asked, if any. */
  answer(choice: QuitChoice): void;
}

export function createQuitQuestion(options: QuitQuestionOptions): QuitQuestion {
  let asked: ReturnType<typeof Promise.withResolvers<QuitChoice>> | undefined;
  return {
    ask() {
      if (asked) return asked.promise;
      const question = Promise.withResolvers<QuitChoice>();
      asked = question;
      const timer = setTimeout(() => question.resolve("draft"), options.timeoutMs ?? quitAnswerTimeoutMs);
      options.ask();
      return question.promise.finally(() => {
        clearTimeout(timer);
        if (asked === question) asked = undefined;
      });
    },
    answer(choice) {
      asked?.resolve(choice);
    },
  };
}
