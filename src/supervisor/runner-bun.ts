/**
 * Which Bun runs the runner process. Always the project's own (`node_modules/bun`, the version the
 * snippet loader is built for), even when the host runs on another: the desktop app's host runs on
 * the Bun that Electrobun bundles (1.3.13 for electrobun 1.18.1), whose loader cannot serve the
 * snippet's virtual modules.
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `node_modules/bun`'s binary: npm's `bun` package puts the platform's build at `bin/bun.exe` on every OS. */
const projectBun = fileURLToPath(new URL("../../node_modules/bun/bin/bun.exe", import.meta.url));

/** The Bun to spawn the runner with: the project's, else (a checkout without it) this process's own. */
export function runnerBunPath(): string {
  return existsSync(projectBun) ? projectBun : process.execPath;
}

/**
 * Flags for the runner's Bun. `--no-install`: where a snippet's folder has no `node_modules`, Bun
 * would otherwise fetch whatever it imports from the npm registry, unpinned, during the load; the
 * playground resolves packages from the snippet's folder only, and says how to install a missing one.
 */
export const runnerBunFlags = ["--no-install"] as const;
