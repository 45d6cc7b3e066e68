/** A temporary folder a test owns: `await using` removes it, with everything in it, when the test ends. */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Makes a new folder in the system's temporary folder, its name starting with `prefix`. */
export async function createTempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    /** The folder's absolute path. */
    dir,
    /** Removes the folder and everything in it. */
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}
