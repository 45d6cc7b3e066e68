/**
 * Saving an export (a server file, the timeline as JSON or PNG). In the desktop app the host asks
 * where with the system's dialog and never replaces a file without asking, and the page says
 * where it was written; in a browser the browser's own download does it.
 */

import { errorMessage } from "../contract/index.ts";
import { element } from "./dom.ts";
import type { HostConnection } from "./host-connection.ts";

export interface FileSaverOptions {
  connection: HostConnection;
  /** True in the desktop app, whose host has the system's dialogs. */
  nativeDialogs: () => boolean;
}

/** What became of a save: written (where, when the page can know), cancelled, or failed with a reason. */
export type SaveOutcome =
  | { saved: true; where: string | undefined }
  | { saved: false; cancelled: true }
  | { saved: false; cancelled: false; message: string };

function download(name: string, blob: Blob): void {
  const link = element("a", { href: URL.createObjectURL(blob), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export interface FileSaver {
  /** Saves `content` as `name` (a download, or where the desktop app's dialog says), and tells what became of it. */
  save(name: string, content: Blob): Promise<SaveOutcome>;
}

export function createFileSaver(options: FileSaverOptions): FileSaver {
  return {
    async save(name: string, content: Blob): Promise<SaveOutcome> {
      if (!options.nativeDialogs()) {
        download(name, content);
        // The browser decides where, and may ask: the page cannot know.
        return { saved: true, where: undefined };
      }
      try {
        const text =
          content.type.startsWith("text/") || content.type === "application/x-ndjson"
            ? await content.text()
            : undefined;
        const reply = await options.connection.request(
          "save-copy",
          text === undefined ? { suggestedName: name, base64: await base64Of(content) } : { suggestedName: name, text },
        );
        return reply.type === "saved" ? { saved: true, where: reply.path } : { saved: false, cancelled: true };
      } catch (error) {
        return { saved: false, cancelled: false, message: errorMessage(error) };
      }
    },
  };
}

/** The status line's sentence for a save's outcome; `what` names the file, e.g. "server.ts for Bun". */
export function describeSave(outcome: SaveOutcome, what: string): { text: string; tone: "ok" | "error" | "" } {
  if (outcome.saved)
    return {
      text: outcome.where === undefined ? `Exported ${what}` : `Exported ${what} to ${outcome.where}`,
      tone: "ok",
    };
  if (outcome.cancelled) return { text: `Not exported: no place was chosen for ${what}`, tone: "" };
  return { text: `${what} was not saved: ${outcome.message}`, tone: "error" };
}
