/**
 * The desktop app's question when its window is closed with unsaved edits, asked in the page: the
 * window has reopened by the time it is asked (Electrobun destroys a closed window), and a
 * question in the page belongs to the window and never blocks the host.
 */

import type { QuitChoice } from "../contract/index.ts";
import { byId } from "./dom.ts";

/** The question's text for `documentName`. */
export function quitQuestionText(documentName: string): string {
  return `${documentName} has changes that are not saved to its file. Unsaved edits are also kept as a draft and come back the next time you start the playground.`;
}

export interface QuitDialog {
  /** Asks what to do with `documentName`'s unsaved edits; the answer goes to the callback given at creation. */
  ask(documentName: string): void;
}

export function createQuitDialog(answer: (choice: QuitChoice) => void): QuitDialog {
  const dialog = byId("quit-dialog", HTMLDialogElement);
  const text = byId("quit-dialog-text", HTMLParagraphElement);
  dialog.addEventListener("close", () => {
    const choice = dialog.returnValue;
    // Escape closes a dialog with no value: that is Cancel.
    answer(choice === "save" || choice === "draft" ? choice : "cancel");
  });
  return {
    ask(documentName) {
      text.textContent = quitQuestionText(documentName);
      dialog.returnValue = "";
      if (!dialog.open) dialog.showModal();
      byId("quit-save", HTMLButtonElement).focus();
    },
  };
}
