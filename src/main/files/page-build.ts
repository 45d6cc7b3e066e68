/**
 * `page-build.json` in the workspace folder: the page's last build, kept for the next launch. The
 * host bundles the page's script and styles when it starts, and a page opened at once waited for
 * that build before it could lay itself out or run: a browser told the address as the host prints
 * it (an open Chromium, the desktop window on a fast machine) asked for the styles before the
 * build was done. A kept build is used when it was made by this Bun, with these options, from the
 * same entry, and every file it was made from has the size and modification time it had then; any
 * doubt (a file changed or gone, a kept file that is not one) means a build, as when there is none.
 * A file the page's script newly imports needs no check of its own: the file importing it changed.
 */

import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  array,
  type Check,
  CheckProblem,
  literal,
  number,
  object,
  refine,
  runCheck,
  string,
} from "../../contract/index.ts";
import { readJsonFile, writeJsonFile } from "./json-file.ts";
import type { WebviewBundle } from "../webview-bundle.ts";

export const pageBuildFileName = "page-build.json";

/** Bumped whenever what a build is made with (its options, what is kept) changes. */
const format = 1;

/** A build that succeeded, as `buildWebview` returns it with the files it was made from. */
export type BuiltPage = Extract<WebviewBundle, { ok: true }>;

/** A file the build read, as it was when it was read. */
type Input = [path: string, size: number, modifiedMs: number];

interface KeptBuild {
  format: typeof format;
  bun: string;
  entry: string;
  mapPath: string | null;
  inputs: Input[];
  js: string;
  map: string | null;
  css: string | null;
  appCss: string | null;
}

/** Where a file is now: undefined when it is gone (or cannot be looked at). */
async function inputNow(path: string): Promise<Input | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? [path, info.size, info.mtimeMs] : undefined;
}

const bunVersion = `${Bun.version}+${Bun.revision}`;

const textOrNull: Check<string | null> = (value) => (value === null ? null : string(value));

const inputCheck: Check<Input> = (value) => {
  if (!Array.isArray(value) || value.length !== 3) throw new CheckProblem("must be [path, size, modified ms]");
  return [string(value[0]), number(value[1]), number(value[2])];
};

const keptBuildCheck: Check<KeptBuild> = object({
  format: literal(format),
  bun: string,
  entry: string,
  mapPath: textOrNull,
  inputs: refine(array(inputCheck), (inputs) => inputs.length > 0, "must name a file"),
  js: string,
  map: textOrNull,
  css: textOrNull,
  appCss: textOrNull,
});

/** The file's contents when they are a kept build of `entry`, by this Bun; undefined for anything else. */
function readKept(value: unknown, entry: string, mapPath: string | undefined): KeptBuild | undefined {
  const read = runCheck(keptBuildCheck, value);
  if (!read.ok) return undefined;
  const kept = read.value;
  return kept.bun === bunVersion && kept.entry === entry && kept.mapPath === (mapPath ?? null) ? kept : undefined;
}

/**
 * The build kept in `workspaceDir` for `entry`, when its files are all as they were; undefined
 * otherwise (or when none is kept).
 */
export async function loadPageBuild(
  workspaceDir: string,
  entry: string,
  mapPath: string | undefined,
): Promise<BuiltPage | undefined> {
  const file = await readJsonFile(join(workspaceDir, pageBuildFileName)).catch(() => undefined);
  if (file?.kind !== "ok") return undefined;
  const kept = readKept(file.value, resolve(entry), mapPath);
  if (!kept) return undefined;
  const now = await Promise.all(kept.inputs.map(([path]) => inputNow(path)));
  const unchanged = now.every((input, i) => {
    const then = kept.inputs[i]!;
    return input !== undefined && input[1] === then[1] && input[2] === then[2];
  });
  if (!unchanged) return undefined;
  return {
    ok: true,
    js: kept.js,
    map: kept.map ?? undefined,
    css: kept.css ?? undefined,
    appCss: kept.appCss ?? undefined,
    inputs: kept.inputs.map(([path]) => path),
  };
}

/**
 * A file changed this long before a build began may have been read as it was before the change:
 * some file systems keep modification times to the second or two.
 */
const timeGrainMs = 2_000;

/**
 * Keeps `build` of `entry`, begun at `startedAt` (epoch ms), in `workspaceDir` for the next launch.
 * Not when a file it was made from changed after (or just before) it began: the build may have
 * read it either way, and the next launch builds again.
 */
export async function savePageBuild(options: {
  workspaceDir: string;
  entry: string;
  mapPath: string | undefined;
  build: BuiltPage;
  startedAt: number;
}): Promise<void> {
  const { workspaceDir, entry, mapPath, build, startedAt } = options;
  const inputs = await Promise.all(build.inputs.map(inputNow));
  if (inputs.some((input) => input === undefined || input[2] > startedAt - timeGrainMs)) return;
  const kept: KeptBuild = {
    format,
    bun: bunVersion,
    entry: resolve(entry),
    mapPath: mapPath ?? null,
    inputs: inputs as Input[],
    js: build.js,
    map: build.map ?? null,
    css: build.css ?? null,
    appCss: build.appCss ?? null,
  };
  await writeJsonFile(join(workspaceDir, pageBuildFileName), kept);
}
