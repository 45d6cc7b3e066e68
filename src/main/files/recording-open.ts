/**
 * Opening a recording with the system's dialog (the desktop app): the file's name and text, which
 * the page reads and checks itself, as it does a file dropped onto the window.
 */

import { basename, dirname } from "node:path";
import { maxSaveCopyBytes, type RecordingFileReply } from "../../contract/index.ts";
import { readRegularFile } from "./bounded-read.ts";
import { describeFsError, FilesError } from "./files-error.ts";
import type { FileDialogs } from "./workspace-files.ts";

/** What the dialog offers: recordings and `trace --json` files. */
export const recordingFileTypes = ["*.jsonl", "*.ndjson", "*.json"];

export interface OpenRecordingOptions {
  dialogs: FileDialogs | undefined;
  /** The folder the dialog shows first. */
  startIn: string;
  /** Called with the folder of a recording that was read, to start there next time. */
  onOpened?: ((folder: string) => Promise<void>) | undefined;
}

/** Asks for a recording with the system's dialog and reads it; `cancelled` when none was chosen. */
export async function openRecordingWithDialog(options: OpenRecordingOptions): Promise<RecordingFileReply> {
  const { dialogs, startIn } = options;
  if (!dialogs) throw new FilesError("no-dialogs", "no system dialogs in browser mode");
  const path = await dialogs.openFile({ startIn, fileTypes: recordingFileTypes });
  if (path === undefined) return { type: "cancelled" };
  try {
    // The limit of what a page may send the host to save: a recording the playground wrote fits.
    const text = await readRegularFile(path, { maxBytes: maxSaveCopyBytes, what: "a recording" });
    await options.onOpened?.(dirname(path));
    return { type: "opened", name: basename(path), text };
  } catch (error) {
    throw error instanceof FilesError ? error : describeFsError(error, path, "file");
  }
}
