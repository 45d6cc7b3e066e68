/**
 * `--version` after a command (`stream-playground trace FILE --version`, `npm run trace -- --version`):
 * the same line `stream-playground --version` prints, the package's version.
 */

import { join } from "node:path";

/** Prints the package's version and exits 0. */
export async function printVersion(): Promise<never> {
  const { version } = (await Bun.file(join(import.meta.dir, "..", "..", "package.json")).json()) as { version: string };
  console.log(version);
  process.exit(0);
}
