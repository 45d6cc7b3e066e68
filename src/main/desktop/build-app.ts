/**
 * Builds the desktop app with Electrobun's own `electrobun build` when the build on disk is missing
 * or was made from other inputs (see `app-bundle.ts`). Its output goes to the log, not the
 * terminal; a failure is returned as one line, with the log's last lines for the details.
 */

import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageDir } from "../package-dir.ts";
import { buildInputs, buildStamp, isBuildCurrent, type AppBundle } from "./app-bundle.ts";
import { spawnApp } from "./app-process.ts";
import { lastErrorLine } from "./start-desktop.ts";

export interface EnsureBuiltOptions {
  projectRoot: string;
  bundle: AppBundle;
  /** Electrobun's build environment: `dev` for `npm start`. */
  env: string;
  /** Everything the build prints is appended here. */
  logFile: string;
  /** Told once, before a build starts (a build takes seconds; a first one also downloads). */
  onBuilding: () => void;
  /** A build that takes longer is ended and counts as failed. */
  timeoutMs: number;
  /** Ends the build when aborted (`npm start` was told to stop). */
  signal?: AbortSignal | undefined;
  /** Build even when the build on disk is current (a self-contained app also carries every source file). */
  force?: boolean | undefined;
  /** Extra environment for the build (`STREAM_PLAYGROUND_APP` for a self-contained one). */
  extraEnv?: Record<string, string> | undefined;
}

export type BuildResult = { ok: true; built: boolean } | { ok: false; reason: string };

export async function ensureAppBuilt(options: EnsureBuiltOptions): Promise<BuildResult> {
  const stamp = buildStamp(buildInputs(options.projectRoot));
  if (!options.force && isBuildCurrent(options.bundle, stamp)) return { ok: true, built: false };
  options.onBuilding();
  const cli = join(packageDir("electrobun", options.projectRoot), "bin", "electrobun.cjs");
  const build = spawnApp({
    command: [process.execPath, cli, "build", `--env=${options.env}`],
    cwd: options.projectRoot,
    env: { ...process.env, ...options.extraEnv },
  });
  const lines: string[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    build.kill();
  }, options.timeoutMs);
  const abort = () => build.kill();
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    const reading = (async () => {
      for await (const line of build.lines) {
        lines.push(line);
        appendFileSync(options.logFile, `${line}\n`);
      }
    })();
    const code = await build.exited;
    // Whatever the build left in its group would hold its output open.
    build.kill();
    await reading;
    if (options.signal?.aborted) return { ok: false, reason: "stopped while the desktop app was being built" };
    if (code !== 0) {
      const detail = lastErrorLine(lines);
      const what = timedOut ? `took longer than ${Math.round(options.timeoutMs / 1000)} s` : `exited with code ${code}`;
      return { ok: false, reason: `electrobun build ${what}${detail ? ` (${detail})` : ""}` };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
  }
  writeFileSync(options.bundle.stampFile, `${JSON.stringify({ stamp, builtAt: new Date().toISOString() })}\n`);
  return { ok: true, built: true };
}
