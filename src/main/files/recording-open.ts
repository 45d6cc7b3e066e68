/**
 * Opening a recording with the system's dialog (the desktop app): the file's name and text, which
 * the page reads and checks itself, as it does a file dropped onto the window.
 */

import { stat, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { maxSaveCopyBytes, type RecordingFileReply } from "../../contract/index.ts";
import { describeFsError, FilesError } from "./files-error.ts";
import type { FileDialogs } from "./workspace-files.ts";

/** What the dialog offers: recordings and `trace --json` files. */
export const recordingFileTypes = ["*.jsonl", "*.ndjson", "*.json"];

/** Asks for a recording with the system's dialog and reads it; `cancelled` when none was chosen. */
export async function openRecordingWithDialog(
  dialogs: FileDialogs | undefined,
  startIn: string,
): Promise<RecordingFileReply> {
  if (!dialogs) throw new FilesError("no-dialogs", "no system dialogs in browser mode");
  const path = await dialogs.openFile({ startIn, fileTypes: recordingFileTypes });
  if (path === undefined) return { type: "cancelled" };
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new FilesError("not-a-file", `${path} is a folder, not a file.`);
    // The limit of what a page may send the host to save: a recording the playground wrote fits.
    if (info.size > maxSaveCopyBytes)
      throw new FilesError(
        "too-large",
        `${path} is ${(info.size / 1024 / 1024).toFixed(1)} MB; a recording can be at most ${maxSaveCopyBytes / 1024 / 1024} MB.`,
      );
    return { type: "opened", name: basename(path), text: await readFile(path, "utf8") };
  } catch (error) {
    throw error instanceof FilesError ? error : describeFsError(error, path, "file");
  }
}
