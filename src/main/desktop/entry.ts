/**
 * The desktop entry Electrobun bundles. It stays tiny: the app itself is imported at run time
 * from the project's files (the host serves them, and the runner is started from its own file),
 * so bundling must not pull it in.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";

/** Where the project's files are: named by `npm start`, or copied beside the bundle by `electrobun build`. */
function projectRoot(): string {
  const named = process.env.STREAM_PLAYGROUND_ROOT;
  if (named) return named;
  for (const candidate of [join(import.meta.dir, ".."), join(import.meta.dir, "..", ".."), process.cwd()]) {
    if (existsSync(join(candidate, "src", "main", "desktop", "app.ts"))) return candidate;
  }
  throw new Error("the desktop app cannot find its files (src/main/desktop/app.ts); set STREAM_PLAYGROUND_ROOT");
}

const app = join(projectRoot(), "src", "main", "desktop", "app.ts");
await import(app);
