/**
 * Where npm put one of the playground's own packages: inside the checkout's `node_modules`, or,
 * when the playground is itself an installed package (`npm install stream-playground`), in the
 * `node_modules` above it, beside the user's other packages. Found as Node's resolution finds it.
 */

import { dirname, join } from "node:path";
import { projectRoot } from "./project-root.ts";

/** The folder of package `name`, resolved from `root` (the playground's own folder). */
export function packageDir(name: string, root = projectRoot): string {
  try {
    return dirname(Bun.resolveSync(`${name}/package.json`, root));
  } catch {
    // Not installed: where a checkout would hold it, so a message can name the place.
    return join(root, "node_modules", name);
  }
}

/** The `node_modules` folder that holds Monaco and the editor's type packages. */
export function dependenciesDir(): string {
  return dirname(packageDir("monaco-editor"));
}
