/**
 * Watches one file for changes made by other programs (the host's open document, the file `serve`
 * keeps serving). It watches the file AND its folder: many
 * editors save by writing a new file and renaming it over the old one, and on Linux (inotify, Bun
 * 1.4.5) a watch on the file follows the old inode, so after the first such save it never fires
 * again, while the folder's watch reports the rename under the file's name. A save also comes as a
 * burst of events (the temp file, the rename, attribute changes), so `onSettled` runs once, after a
 * trailing debounce: `debounceMs` after the LAST event of the burst.
 *
 * It only says "look again"; the caller reads the file and compares it with what it last saw,
 * which is also what makes its own saves invisible.
 */

import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { createTrailingDebounce } from "../contract/index.ts";

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

export const defaultWatchDebounceMs = 50;

export interface FileWatch {
  close(): void;
}

/** A watch on `path`, or undefined when there is nothing there to watch (it appeared or went away). */
function tryWatch(path: string, listener: (event: string, name: string | null) => void): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: false }, (event, name) =>
      listener(event, name === null ? null : String(name)),
    );
    // A watch that breaks (its folder deleted) stops; the next settle re-arms what can be.
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return undefined;
    throw error;
  }
}

export function watchFile(path: string, onSettled: () => void, debounceMs = defaultWatchDebounceMs): FileWatch {
  const name = basename(path);
  let closed = false;
  let fileWatch: FSWatcher | undefined;
  const settle = createTrailingDebounce(() => {
    if (closed) return;
    // The file may be a new inode now (a rename-replace): watch whatever is at the path.
    fileWatch?.close();
    fileWatch = tryWatch(path, () => settle.call());
    onSettled();
  }, debounceMs);
  const folderWatch = tryWatch(dirname(path), (_event, changed) => {
    // Some platforms name no file; then any change in the folder may be ours.
    if (changed === null || basename(changed) === name) settle.call();
  });
  fileWatch = tryWatch(path, () => settle.call());

  return {
    close(): void {
      closed = true;
      settle.cancel();
      fileWatch?.close();
      folderWatch?.close();
    },
  };
}
