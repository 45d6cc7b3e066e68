/**
 * Where the workspace lives: the folder of untitled snippets, drafts, settings and the last
 * session (see `files/`). It is in the user's data folder, so it outlives reboots and is the user's
 * own: `$XDG_DATA_HOME/stream-playground` (`~/.local/share/stream-playground`) on Linux,
 * `~/Library/Application Support/Stream Playground` on macOS, `%APPDATA%\Stream Playground` on
 * Windows. A session's `workspaceDir`, or `STREAM_PLAYGROUND_HOME`, puts it elsewhere.
 *
 * Untitled snippets resolve their relative imports from this folder, so it must be this user's.
 */

import { lstat, mkdir, stat, symlink } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { projectRoot } from "./project-root.ts";
import { errorMessage } from "../contract/index.ts";

/** What decides the default folder; the process's own when left out (tests pass their own). */
export interface DataDirContext {
  env?: Record<string, string | undefined> | undefined;
  platform?: NodeJS.Platform | undefined;
  home?: string | undefined;
}

/** The platform's per-user data folder for the playground. */
export function defaultWorkspaceDir(context: DataDirContext = {}): string {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const home = context.home ?? homedir();
  if (platform === "darwin") return join(home, "Library", "Application Support", "Stream Playground");
  if (platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), "Stream Playground");
  // The XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".local", "share"), "stream-playground");
}

/** The workspace folder: `explicit` (a session option), else `STREAM_PLAYGROUND_HOME`, else the default. */
export function resolveWorkspaceDir(explicit: string | undefined, context: DataDirContext = {}): string {
  if (explicit !== undefined) return resolve(explicit);
  const fromEnv = (context.env ?? process.env).STREAM_PLAYGROUND_HOME;
  if (fromEnv) return resolve(fromEnv);
  return defaultWorkspaceDir(context);
}

/** Makes `dir` (private to this user) and returns it; refuses a folder that belongs to someone else. */
export async function ensureWorkspaceDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if (!info.isDirectory())
    throw new Error(`The workspace ${dir} is not a folder. Set STREAM_PLAYGROUND_HOME to a folder of your own.`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `The workspace ${dir} belongs to another user. Set STREAM_PLAYGROUND_HOME to a folder of your own.`,
    );
  }
  await linkProjectPackages(dir);
  return dir;
}

/**
 * Untitled snippets live in the workspace, outside the project: a `node_modules` link there lets
 * their imports find the packages installed with the playground, as a snippet file in the project
 * would. (Without it Bun would auto-install whatever version its cache has.) A real folder or a
 * link the user made is left alone.
 */
async function linkProjectPackages(dir: string): Promise<void> {
  const link = join(dir, "node_modules");
  const packages = join(projectRoot, "node_modules");
  const existing = await lstat(link).catch(() => undefined);
  if (existing || !(await stat(packages).catch(() => undefined))) return;
  await symlink(packages, link, "dir").catch((error: unknown) => {
    // Only a convenience: without it, snippets in the workspace can still import builtins.
    console.warn(`Packages will not resolve for untitled snippets: ${errorMessage(error)}`);
  });
}
