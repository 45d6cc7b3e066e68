/**
 * Which Bun runs the runner process. Always the project's own (`node_modules/bun`, the version the
 * snippet loader is built for), even when the host runs on another: the desktop app's host runs on
 * the Bun that Electrobun bundles (1.3.13 for electrobun 1.18.1), whose loader cannot serve the
 * snippet's virtual modules.
 */

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * npm's `bun` package's binary (it puts the platform's build at `bin/bun.exe` on every OS), wherever
 * npm installed the package: in the checkout's `node_modules`, or beside an installed playground.
 */
function projectBun(): string | undefined {
  try {
    return join(dirname(Bun.resolveSync("bun/package.json", import.meta.dir)), "bin", "bun.exe");
  } catch {
    return undefined;
  }
}

/** The Bun to spawn the runner with: the project's, else (a checkout without it) this process's own. */
export function runnerBunPath(): string {
  const own = projectBun();
  return own !== undefined && existsSync(own) ? own : process.execPath;
}

/**
 * Flags for the runner's Bun. `--no-install`: where a snippet's folder has no `node_modules`, Bun
 * would otherwise fetch whatever it imports from the npm registry, unpinned, during the load; the
 * playground resolves packages from the snippet's folder only, and says how to install a missing one.
 */
export const runnerBunFlags = ["--no-install"] as const;
