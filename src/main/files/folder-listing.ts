/**
 * A folder's entries for the page's Open list (browser mode has no system dialog) and save sheet:
 * folders first, then snippet files (or every file), each group by name; no dotfiles (which also hides the temporary files of
 * atomic writes).
 */

import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { FileEntry } from "../../contract/index.ts";
import { describeFsError } from "./files-error.ts";
import { isSnippetName } from "./snippet-names.ts";

export interface FolderListing {
  dir: string;
  /** The folder above, absent at the root. */
  parent?: string | undefined;
  entries: FileEntry[];
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Whether a symlink leads to a folder, a file, or nowhere (a broken link is left out). */
async function linkKind(path: string): Promise<"directory" | "file" | undefined> {
  try {
    return (await stat(path)).isDirectory() ? "directory" : "file";
  } catch {
    // A broken or unreadable link is not something to open; listing it would only fail later.
    return undefined;
  }
}

export interface ListFolderOptions {
  /** Names left out: the workspace hides its drafts folder and its link to the packages. */
  hidden?: ReadonlySet<string> | undefined;
  /** Every file, not only snippets: the save sheet shows what a name would replace. */
  all?: boolean | undefined;
}

/** Lists `dir`: its folders, and its snippets (or every file). */
export async function listFolder(dir: string, options: ListFolderOptions = {}): Promise<FolderListing> {
  const hidden = options.hidden ?? new Set();
  const folder = resolve(dir);
  let names: Dirent[];
  try {
    names = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw describeFsError(error, folder, "folder");
  }
  const entries: FileEntry[] = [];
  for (const entry of names) {
    if (entry.name.startsWith(".") || hidden.has(entry.name)) continue;
    const path = join(folder, entry.name);
    const kind = entry.isSymbolicLink()
      ? await linkKind(path)
      : entry.isDirectory()
        ? "directory"
        : entry.isFile()
          ? "file"
          : undefined;
    if (kind === "directory") entries.push({ name: entry.name, path, directory: true });
    else if (kind === "file" && (options.all || isSnippetName(entry.name)))
      entries.push({ name: entry.name, path, directory: false });
  }
  entries.sort((a, b) => Number(b.directory) - Number(a.directory) || byName.compare(a.name, b.name));
  const parent = dirname(folder);
  return parent === folder ? { dir: folder, entries } : { dir: folder, parent, entries };
}
