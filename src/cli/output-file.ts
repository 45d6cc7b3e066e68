/**
 * A file a command writes at the end of its run (`trace --record`, `serve --record`, `export -o`):
 * checked before the run starts, so a path that cannot be written is a usage error rather than a
 * run's output lost at its end, and written so that a failure is said in one line.
 */

import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { errorMessage } from "../contract/index.ts";

const writable = (path: string) =>
  access(path, constants.W_OK).then(
    () => true,
    () => false,
  );

/**
 * Why `path` cannot be written, or undefined when it can (as far as can be told before writing it).
 * Folders missing on the way are fine when the nearest one that exists is writable: `Bun.write`
 * makes them, as it did before this check.
 */
export async function outputFileProblem(path: string): Promise<string | undefined> {
  if (path.trim() === "") return "it names no file";
  const file = resolve(path);
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) return "it is a folder, not a file";
  if (existing) return (await writable(file)) ? undefined : "the file is not writable";
  let folder = dirname(file);
  for (;;) {
    const found = await stat(folder).catch(() => undefined);
    if (found) {
      if (!found.isDirectory()) return `${folder} is a file, not a folder`;
      return (await writable(folder)) ? undefined : `the folder ${folder} is not writable`;
    }
    const parent = dirname(folder);
    if (parent === folder) return `the folder ${folder} does not exist`;
    folder = parent;
  }
}

/** Writes `text` to `path` (making the folders missing on the way); why it could not, when it could not. */
export async function writeOutputFile(path: string, text: string): Promise<string | undefined> {
  try {
    await Bun.write(path, text);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}
