/**
 * Folders are processes: a folder under `src/` may import only the folders its code can reach where
 * it runs (see ARCHITECTURE.md). The compiler keeps the DOM out of the Bun side and Bun out of the
 * page; this keeps each folder to its own layer.
 */

import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { dirname, join, relative, resolve } from "node:path";

const root = join(import.meta.dir, "..");
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** What each folder under `src/` may import from `src/`, besides itself. */
const allowedFolders: Record<string, readonly string[]> = {
  contract: [],
  shared: ["contract"],
  runner: ["contract", "shared"],
  clients: ["contract", "shared"],
  supervisor: ["contract", "shared", "clients"],
  export: ["contract", "supervisor"],
  lenses: ["contract"],
  expect: ["contract", "lenses"],
  cli: ["contract", "shared", "lenses", "expect", "supervisor", "export"],
  testing: ["contract", "expect", "supervisor"],
  main: ["contract", "shared", "clients", "supervisor", "export"],
  webview: ["contract", "lenses", "expect"],
};

/** Every import of a file: relative ones as project paths (`src/runner/x.ts`), others as written. */
async function importsOf(file: string): Promise<string[]> {
  const source = await Bun.file(join(root, file)).text();
  return transpiler
    .scanImports(source)
    .map(({ path }) => (path.startsWith(".") ? relative(root, resolve(dirname(join(root, file)), path)) : path));
}

async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const file of new Glob(`${folder}/**/*.ts`).scan({ cwd: root }))
    if (!file.endsWith(".d.ts")) files.push(file);
  return files.sort();
}

/** The folder under `src/` a project path is in (`runner` for `src/runner/x.ts`). */
const folderOf = (path: string): string | undefined => /^src\/([^/]+)\//.exec(path)?.[1];

describe("folders are processes", () => {
  test("every folder under src/ has a rule", async () => {
    const folders = new Set((await filesUnder("src")).map((file) => folderOf(file)));
    expect([...folders].sort()).toEqual(Object.keys(allowedFolders).sort());
  });

  for (const [folder, allowed] of Object.entries(allowedFolders)) {
    test(`src/${folder} imports only ${allowed.length === 0 ? "itself" : `itself and ${allowed.join(", ")}`}`, async () => {
      const breaking: string[][] = [];
      for (const file of await filesUnder(`src/${folder}`)) {
        for (const imported of await importsOf(file)) {
          const target = folderOf(imported);
          if (imported.startsWith("src/") && target !== folder && !allowed.includes(target ?? ""))
            breaking.push([file, imported]);
        }
      }
      expect(breaking).toEqual([]);
    });
  }

  test("a folder is imported only through its face, index.ts", async () => {
    const breaking: string[][] = [];
    for (const file of await filesUnder("src")) {
      for (const imported of await importsOf(file)) {
        const target = folderOf(imported);
        if (target !== undefined && target !== folderOf(file) && imported !== `src/${target}/index.ts`)
          breaking.push([file, imported]);
      }
    }
    expect(breaking).toEqual([]);
  });

  test("the contract and the page import nothing from Node or Bun: the contract runs on every side", async () => {
    const runtimeImport = (path: string) => path.startsWith("node:") || path === "bun" || path.startsWith("bun:");
    const breaking: string[][] = [];
    for (const folder of ["src/contract", "src/lenses", "src/expect", "src/webview"]) {
      for (const file of await filesUnder(folder))
        for (const imported of await importsOf(file)) if (runtimeImport(imported)) breaking.push([file, imported]);
    }
    expect(breaking).toEqual([]);
  });
});
