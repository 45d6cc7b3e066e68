/**
 * Which files are snippets, and how untitled snippets are named: `untitled-N.ts` in the workspace
 * folder, shown as `Untitled N`.
 */

import { basename, dirname, extname, join } from "node:path";

/** The file types the playground lists, opens and saves. */
export const snippetExtensions: readonly string[] = [".ts", ".tsx", ".js", ".mjs", ".mts"];

export { maxSnippetBytes } from "../../contract/index.ts";

/** True when `path` ends in one of the snippet extensions. */
export function hasSnippetExtension(path: string): boolean {
  return snippetExtensions.includes(extname(path).toLowerCase());
}

/** A name a folder listing shows as a snippet (dotfiles never are). */
export function isSnippetName(name: string): boolean {
  return !name.startsWith(".") && hasSnippetExtension(name);
}

const untitledPattern = /^untitled-([1-9]\d{0,8})\.ts$/;

/** The file of untitled snippet number `n` in `workspaceDir`. */
export function untitledPath(workspaceDir: string, n: number): string {
  return join(workspaceDir, `untitled-${n}.ts`);
}

/** The number of the untitled snippet at `path`, or undefined when it is not one. */
export function untitledNumber(workspaceDir: string, path: string): number | undefined {
  if (dirname(path) !== workspaceDir) return undefined;
  const match = untitledPattern.exec(basename(path));
  return match ? Number(match[1]) : undefined;
}

/** The lowest number no file in `names` uses. */
export function freeUntitledNumber(workspaceDir: string, names: readonly string[]): number {
  const used = new Set(names.map((name) => untitledNumber(workspaceDir, join(workspaceDir, name))));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/** The name a document shows in titles and menus: `events.ts`, or `Untitled 2`. */
export function documentName(workspaceDir: string, path: string): string {
  const n = untitledNumber(workspaceDir, path);
  return n === undefined ? basename(path) : `Untitled ${n}`;
}
