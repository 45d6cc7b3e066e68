/**
 * Where untitled snippets live. Imports resolve from a snippet's folder, and nothing is written
 * there (the runner serves each version at a virtual path beside it), but a relative import from
 * an untitled snippet reads that folder: it must be ours, not a folder another user of a shared
 * machine made in the common temp dir.
 */

import { lstat, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `<os tmpdir>/stream-playground`: the folder untitled snippets are loaded from. */
export const defaultWorkspaceDir = join(tmpdir(), "stream-playground");

/** The file name an untitled snippet is loaded as, inside the workspace folder. */
export const untitledSnippetName = "untitled.ts";

/**
 * Makes `dir` (private to this user) and returns it; when it exists but is not a folder this user
 * owns, returns a fresh private folder beside it instead.
 */
export async function ensureWorkspaceDir(dir = defaultWorkspaceDir): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = process.getuid?.();
  if (info.isDirectory() && !info.isSymbolicLink() && (uid === undefined || info.uid === uid)) return dir;
  return mkdtemp(`${dir}-`);
}
