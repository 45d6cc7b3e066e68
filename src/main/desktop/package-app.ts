/**
 * `npm run build:desktop`: builds the self-contained desktop app, a folder that runs without the
 * project (it carries the playground's files, Monaco, the type packages, and the Bun the runner
 * needs), under `build/app/`. Its launcher is `bin/launcher` in that folder (`Contents/MacOS/launcher`
 * in the `.app` on macOS).
 *
 * `--env=dev` (the default) builds the folder only. `--env=canary` or `--env=stable` also makes
 * Electrobun's compressed release artifacts, which needs Electrobun's official native core.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { locateAppBundle } from "./app-bundle.ts";
import { ensureAppBuilt } from "./build-app.ts";
import { projectRoot } from "../project-root.ts";

const envArgument = process.argv.find((arg) => arg.startsWith("--env="));
const env = envArgument ? envArgument.slice("--env=".length) : "dev";
if (!["dev", "canary", "stable"].includes(env)) {
  console.error(`build:desktop: --env must be dev, canary or stable, not ${JSON.stringify(env)}`);
  process.exit(2);
}

const bundle = locateAppBundle({ projectRoot, appName: "Stream Playground", env, buildFolder: join("build", "app") });
const logDir = join(projectRoot, "build", "app");
mkdirSync(logDir, { recursive: true });
const logFile = join(logDir, "build.log");
const result = await ensureAppBuilt({
  projectRoot,
  bundle,
  env,
  logFile,
  timeoutMs: 10 * 60_000,
  force: true,
  extraEnv: { STREAM_PLAYGROUND_APP: "self-contained" },
  onBuilding: () => console.log(`Building the self-contained desktop app (${env})…`),
});
if (!result.ok) {
  console.error(`build:desktop failed: ${result.reason}. The build's output is in ${logFile}.`);
  process.exit(1);
}
console.log(`Built: ${bundle.folder}\nRun it with: ${bundle.launcher}`);
