/**
 * Saving an export (a server file, the timeline as JSON or PNG). In the desktop app the save sheet
 * asks for a name and a folder, the host writes the file (replacing one only when the user agreed),
 * and the page says where it went; in a browser the browser's own download does it.
 */

import { errorMessage, type SavedFileKind } from "../contract/index.ts";
import { element } from "./dom.ts";
import type { HostConnection } from "./host-connection.ts";
import type { SaveSheet } from "./save-sheet.ts";

export interface FileSaverOptions {
  connection: HostConnection;
  /** True in the desktop app, where the host writes exports (a WebKitGTK download goes to ~/Downloads unasked). */
  nativeDialogs: () => boolean;
  sheet: SaveSheet;
}

/** What is being saved: the name offered, what kind of file it is, and how to speak of it. */
export interface SaveRequest {
  name: string;
  kind: SavedFileKind;
  /** How the sheet's heading names it, e.g. "the server file for Bun". */
  what: string;
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
  /** Saves `content` (a download, or where the save sheet says), and tells what became of it. */
  save(request: SaveRequest, content: Blob): Promise<SaveOutcome>;
}

export function createFileSaver(options: FileSaverOptions): FileSaver {
  return {
    async save({ name, kind, what }: SaveRequest, content: Blob): Promise<SaveOutcome> {
      if (!options.nativeDialogs()) {
        download(name, content);
        // The browser decides where, and may ask: the page cannot know.
        return { saved: true, where: undefined };
      }
      const choice = await options.sheet.ask({ title: `Export ${what}`, name, kind, action: "Export" });
      if (!choice) return { saved: false, cancelled: true };
      try {
        const text =
          content.type.startsWith("text/") || content.type === "application/x-ndjson"
            ? await content.text()
            : undefined;
        const { path, replace } = choice;
        const reply = await options.connection.request(
          "save-copy",
          text === undefined ? { path, kind, replace, base64: await base64Of(content) } : { path, kind, replace, text },
        );
        if (reply.type === "saved") return { saved: true, where: reply.path };
        return {
          saved: false,
          cancelled: false,
          message: `${reply.path} appeared meanwhile; export again to replace it`,
        };
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
  if (outcome.cancelled) return { text: `Not exported: ${what} was cancelled`, tone: "" };
  return { text: `${what} was not saved: ${outcome.message}`, tone: "error" };
}
