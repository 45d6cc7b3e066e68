/**
 * The type definitions the editor needs for Bun's APIs: every `.d.ts` of bun-types, @types/node
 * and undici-types, keyed by the path Monaco's `addExtraLib` should give each
 * (`file:///node_modules/<pkg>/<path>`), so their `/// <reference>`s and imports resolve.
 */

import { stat } from "node:fs/promises";
import { join } from "node:path";

/** Packages whose declarations the editor gets, when installed. */
export const editorTypePackages = ["bun-types", "@types/node", "undici-types"];

/**
 * Folders of declarations for other TypeScript versions (`ts5.6`, `ts5.7` in @types/node, `ts7.1`
 * in bun-types), chosen through `typesVersions`. Monaco 0.57 bundles TypeScript 5.9, for which
 * both packages pick their root files; and every extra lib is a root of the editor's program, so
 * these alternatives would declare everything a second time.
 */
const otherTypeScriptVersion = /^ts\d+\.\d+$/;

/**
 * Reads every declaration file of the packages under `nodeModules`. Skips bun-types' `docs`, the
 * folders for other TypeScript versions, and any nested `node_modules` (another version of a
 * package already listed).
 */
export async function collectEditorTypes(nodeModules: string): Promise<Record<string, string>> {
  const files = new Map<string, string>();
  const glob = new Bun.Glob("**/*.d.ts");
  for (const name of editorTypePackages) {
    const dir = join(nodeModules, name);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) continue;
    for await (const rel of glob.scan({ cwd: dir, onlyFiles: true })) {
      const parts = rel.split(/[\\/]/);
      if (parts[0] === "docs" || otherTypeScriptVersion.test(parts[0] ?? "") || parts.includes("node_modules")) continue;
      files.set(`file:///node_modules/${name}/${parts.join("/")}`, await Bun.file(join(dir, rel)).text());
    }
  }
  return Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** Builds the JSON once, on first use, and keeps it; a failed build is tried again next time. */
export function createEditorTypesCache(nodeModules: string) {
  let json: Promise<string> | undefined;
  return {
    get(): Promise<string> {
      if (json) return json;
      const building = collectEditorTypes(nodeModules).then((files) => JSON.stringify(files));
      json = building;
      building.catch(() => {
        if (json === building) json = undefined;
      });
      return building;
    },
  };
}
