/**
 * What the editor type-checks snippets with: the compiler options and the declaration files of
 * bun-types, @types/node and undici-types (keyed by the path Monaco's `addExtraLib` should give
 * each, `file:///node_modules/<pkg>/<path>`, so their `/// <reference>`s and imports resolve), plus
 * the playground's `Deno` global.
 *
 * The options follow those `bun check` uses for a file outside any project (what `bun init`
 * writes), above all `lib: ["ESNext"]` and no DOM. That matters: bun-types defers to the DOM's
 * declarations of `Response`, `ReadableStream`, `Headers` … whenever the DOM lib is loaded
 * (`UseLibDomIfAvailable` in bun-types 1.4's globals.d.ts), and the DOM's `BodyInit` has none of
 * the bodies Bun accepts besides the standard ones: async generator functions, async iterables
 * (Node's `Readable` among them), `type: "direct"` streams. With the DOM lib, Bun's own
 * documented snippets were errors; with Bun's options, tsc and the editor accept them. Where
 * `bun init` is stricter than the runtime, the editor follows the runtime: no
 * `verbatimModuleSyntax` (Bun drops an import only used as a type, `import { Server } from "bun"`),
 * and implicit `any` allowed.
 */

import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { CompilerOptionValue, EditorTypes } from "../contract/index.ts";
import { denoEditorDeclarations } from "./editor-deno-types.ts";
import { contentTag, tagged } from "./static-files.ts";

/**
 * The options snippets are checked with, in tsconfig form: the tests give the same object to
 * `tsc`, and the editor gets it as TypeScript parses it (`editorCompilerOptions`).
 */
export const snippetCompilerOptions = {
  lib: ["ESNext"],
  target: "ESNext",
  module: "Preserve",
  // The runner loads every snippet as an ES module, even one without import or export.
  moduleDetection: "force",
  moduleResolution: "bundler",
  allowImportingTsExtensions: true,
  types: ["bun-types"],
  strict: true,
  // Snippets are pasted from docs that leave parameters untyped (`export default { fetch(req) {…} }`),
  // and run as written: an implicit any is not a mistake here.
  noImplicitAny: false,
  skipLibCheck: true,
  noEmit: true,
} as const;

/** Packages whose declarations the editor gets, when installed. */
export const editorTypePackages = ["bun-types", "@types/node", "undici-types"];

/** Where the editor finds the playground's `Deno` global. */
export const denoDeclarationsPath = "file:///stream-playground/deno.d.ts";

/**
 * Folders of declarations for other TypeScript versions (`ts5.6`, `ts5.7` in @types/node, `ts7.1`
 * in bun-types), chosen through `typesVersions`. Monaco 0.57 bundles TypeScript 5.9, for which
 * both packages pick their root files; and every extra lib is a root of the editor's program, so
 * these alternatives would declare everything a second time.
 */
const otherTypeScriptVersion = /^ts\d+\.\d+$/;

/**
 * Files a package ships for an opt-in that `tsc` would not load for `types: ["bun-types"]`:
 * bun-types' `test-globals.d.ts` makes `describe`, `test` and `expect` globals, which they are
 * only under `bun test`. Every extra lib is a root of the editor's program, so these must be left
 * out rather than merely not referenced.
 */
const optInFiles: Record<string, readonly string[]> = { "bun-types": ["test-globals.d.ts"] };

/**
 * Reads every declaration file of the packages under `nodeModules`. Skips bun-types' `docs`, the
 * folders for other TypeScript versions, opt-in files, and any nested `node_modules` (another
 * version of a package already listed).
 */
export async function collectEditorTypes(nodeModules: string): Promise<Record<string, string>> {
  const files = new Map<string, string>();
  const glob = new Bun.Glob("**/*.d.ts");
  for (const name of editorTypePackages) {
    const dir = join(nodeModules, name);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) continue;
    for await (const rel of glob.scan({ cwd: dir, onlyFiles: true })) {
      const parts = rel.split(/[\\/]/);
      if (parts[0] === "docs" || otherTypeScriptVersion.test(parts[0] ?? "") || parts.includes("node_modules"))
        continue;
      if (optInFiles[name]?.includes(parts.join("/"))) continue;
      files.set(`file:///node_modules/${name}/${parts.join("/")}`, await Bun.file(join(dir, rel)).text());
    }
  }
  files.set(denoDeclarationsPath, denoEditorDeclarations);
  return Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `snippetCompilerOptions` as TypeScript parses them (enums as numbers, `lib` as file names), for
 * Monaco's TypeScript, which takes parsed options; tests/editor-types.test.ts checks that
 * TypeScript parses the tsconfig form to exactly these. Written out rather than parsed here: the
 * host loads TypeScript (~200 ms) only when a feature needs it. `typeRoots` lets
 * `types: ["bun-types"]` resolve in the editor's file system, where packages live under
 * `file:///node_modules`.
 */
export const editorCompilerOptions: Record<string, CompilerOptionValue> = {
  // The flags and lists TypeScript takes as they are written.
  ...snippetCompilerOptions,
  types: [...snippetCompilerOptions.types],
  typeRoots: ["file:///node_modules"],
  lib: ["lib.esnext.d.ts"],
  target: 99, // ScriptTarget.ESNext
  module: 200, // ModuleKind.Preserve
  moduleDetection: 3, // ModuleDetectionKind.Force
  moduleResolution: 100, // ModuleResolutionKind.Bundler
};

/** Everything `GET /types/editor.json` answers. */
export async function buildEditorTypes(nodeModules: string): Promise<EditorTypes> {
  return { compilerOptions: editorCompilerOptions, files: await collectEditorTypes(nodeModules) };
}

/** The editor's typings as JSON, built once and served with an ETag. */
export interface EditorTypesCache {
  /** The JSON and its ETag, built on first use (a failed build is tried again next time). */
  get(): Promise<{ json: string; etag: string }>;
  /** Answers `GET /types/editor.json`: the JSON, or a 304 when the browser's copy is current. */
  serve(request: Request): Promise<Response>;
}

/**
 * Serves `GET /types/editor.json`: builds the JSON once, on first use, and keeps it (a failed build
 * is tried again next time). The browser revalidates with an ETag on every start, so a reply cached
 * from another version of the packages is never used, and an unchanged one costs one 304.
 */
export function createEditorTypesCache(nodeModules: string): EditorTypesCache {
  let built: Promise<{ json: string; etag: string }> | undefined;
  function get(): Promise<{ json: string; etag: string }> {
    if (built) return built;
    const building = buildEditorTypes(nodeModules).then((types) => {
      const json = JSON.stringify(types);
      return { json, etag: contentTag(json) };
    });
    built = building;
    building.catch(() => {
      if (built === building) built = undefined;
    });
    return building;
  }
  return {
    get,
    async serve(request: Request): Promise<Response> {
      const { json, etag } = await get();
      return tagged(request, etag, json, { "cache-control": "no-cache", "content-type": "application/json" });
    },
  };
}
