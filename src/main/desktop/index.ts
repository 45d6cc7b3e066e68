/**
 * The desktop entry Electrobun bundles. Its name is not a choice: Electrobun 1.18.1's runtime loads
 * `Resources/app/bun/index.js` and nothing else, so any other name builds and then runs nothing.
 *
 * It stays tiny: the app itself is imported at run time from the project's files (the host serves
 * them, and the runner is started from its own file), so bundling must not pull it in.
 */

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** `npm start` reads this line to tell a failed start from a slow one; it falls back to the browser. */
const failureLine = "Stream Playground: desktop app failed:";

/**
 * Where the project's files are: named by `npm start`; else the nearest folder above this bundle
 * that has them (the project itself for `npm start`'s build, `Resources/app` for a self-contained one).
 */
function projectRoot(): string {
  const named = process.env.STREAM_PLAYGROUND_ROOT;
  if (named) return named;
  for (let dir = import.meta.dir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "src", "main", "desktop", "app.ts"))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `cannot find the playground's files (src/main/desktop/app.ts) above ${import.meta.dir}; set STREAM_PLAYGROUND_ROOT`,
  );
}

// electrobun 1.18.1's `electrobun/bun` imports three.js and Babylon.js for its WebGPU helpers,
// eagerly: about a second of a start. The app uses no WebGPU, so they load as empty modules.
Bun.plugin({
  name: "no-webgpu-engines",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/](three|@babylonjs[\\/]core)[\\/]/ }, () => ({
      contents: "export {};",
      loader: "js",
    }));
  },
});

try {
  await import(join(projectRoot(), "src", "main", "desktop", "app.ts"));
} catch (error) {
  // Written out rather than imported: this entry is bundled on its own and must stay tiny.
  console.error(`${failureLine} ${error instanceof Error ? error.message : String(error)}`);
  // Electrobun replaces process.exit with its own quit, which ends the native event loop too.
  process.exit(1);
}
