/**
 * A snippet that imports a package its folder does not have (`import { Hono } from "hono"` in a
 * folder without it) gets a load error that says how to add it, where.
 */

import { existsSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join } from "node:path";

/** `hono` for `hono/streaming`, `@scope/name` for `@scope/name/sub`; undefined for paths, URLs and builtins. */
export function packageName(specifier: string): string | undefined {
  if (/^[./]/.test(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier) || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return name !== undefined && /^(@[\w.-]+\/)?[\w.-]+$/.test(name) ? name : undefined;
}

/** Whether `name` is installed where Node's resolution looks from `folder`: any `node_modules` above it. */
function installedFrom(name: string, folder: string): boolean {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", name, "package.json"))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * The load error for an import that did not resolve, when the reason is a package that is not
 * installed; undefined when it is installed (the path inside it is what is wrong) or not a package.
 */
export function missingPackageMessage(specifier: string, folder: string): string | undefined {
  const name = packageName(specifier);
  if (name === undefined || installedFrom(name, folder)) return undefined;
  return `cannot find package '${name}' from the snippet's folder (${folder}): install it there with \`npm install ${name}\` (or \`bun add ${name}\`), then run again`;
}
