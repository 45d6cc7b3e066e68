/**
 * Writes a file so that a crash or a killed process never leaves it truncated: the text goes to a
 * temporary file in the same folder, is flushed to the disk, and is renamed over the target in one
 * step (rename(2) replaces atomically within a file system). Readers see the old text or the new,
 * never a mix.
 *
 * Temporary names start with a dot, so listings (which skip dotfiles) never show one that a kill
 * left behind; `removeLeftoverTempFiles` clears them from folders the playground owns.
 */

import { chmod, open, readdir, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errorCode } from "./files-error.ts";

const tempSuffix = ".partial";
const tempPattern = /^\..+\.[0-9a-f]{12}\.partial$/;

/** `bytes` random bytes in hex, from the global Web Crypto (`node:crypto` would add its load to every start). */
function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** True for the names `writeFileAtomic` gives its temporary files. */
export function isAtomicTempName(name: string): boolean {
  return tempPattern.test(name);
}

/** The file a write should replace: a symlink's target, so saving through a link keeps the link. */
async function writeTarget(path: string): Promise<{ path: string; mode: number | undefined }> {
  try {
    const real = await realpath(path);
    return { path: real, mode: (await stat(real)).mode & 0o7777 };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { path, mode: undefined };
    throw error;
  }
}

/**
 * Replaces `path` with `text` atomically. A new file gets `mode` (less the umask); an existing one
 * keeps its own mode.
 */
export async function writeFileAtomic(path: string, text: string | Uint8Array, mode = 0o666): Promise<void> {
  const target = await writeTarget(path);
  const folder = dirname(target.path);
  const temp = join(folder, `.${basename(target.path)}.${randomHex(6)}${tempSuffix}`);
  const handle = await open(temp, "wx", mode);
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (target.mode !== undefined) await chmod(temp, target.mode);
    await rename(temp, target.path);
  } catch (error) {
    // The write's own error is the one to report; a temp file that cannot be removed either is
    // a dotfile that listings skip and the next start clears.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
}

/**
 * Flushes a folder's entries, so the rename itself survives a power cut (a killed process does not
 * need it). Windows cannot open a folder for this; there the rename is already durable.
 */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Deletes the temporary files a killed write left in `folder` (only ours: see `isAtomicTempName`). */
export async function removeLeftoverTempFiles(folder: string): Promise<number> {
  const names = (await readdir(folder)).filter(isAtomicTempName);
  await Promise.all(names.map((name) => unlink(join(folder, name))));
  return names.length;
}
