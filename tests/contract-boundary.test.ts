import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { dirname, join, relative, resolve } from "node:path";

const root = join(import.meta.dir, "..");
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** Every import of a file: relative ones as project paths (`src/runner/x.ts`), others as written. */
async function importsOf(file: string): Promise<string[]> {
  const source = await Bun.file(join(root, file)).text();
  return transpiler.scanImports(source).map(({ path }) => (path.startsWith(".") ? relative(root, resolve(dirname(join(root, file)), path)) : path));
}

async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const file of new Glob(`${folder}/**/*.ts`).scan({ cwd: root })) if (!file.endsWith(".d.ts")) files.push(file);
  return files.sort();
}

/** Every project file reachable by imports from `starts`. */
async function reachable(starts: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of await importsOf(file)) if (imported.startsWith("src/")) todo.push(imported);
  }
  return seen;
}

/** `[file, import]` for every import of the files under `folder` that `allowed` refuses. */
async function importsBreaking(folder: string, allowed: (imported: string) => boolean): Promise<string[][]> {
  const breaking: string[][] = [];
  for (const file of await filesUnder(folder)) for (const imported of await importsOf(file)) if (!allowed(imported)) breaking.push([file, imported]);
  return breaking;
}

describe("the contract boundary", () => {
  test("the contract imports only itself: no process folder, nothing from Node or Bun, so the page can use it", async () => {
    expect(await importsBreaking("src/contract", (imported) => imported.startsWith("src/contract/"))).toEqual([]);
  });

  test("the page imports only the contract, the expectations and itself (and the editor's package)", async () => {
    expect(await importsBreaking("src/webview", (imported) => imported.startsWith("src/webview/") || imported.startsWith("src/contract/") || imported.startsWith("src/expect/") || imported === "monaco-editor")).toEqual([]);
  });

  test("the expectations import only the contract and themselves, so the page, the trace command and the tests share them", async () => {
    expect(await importsBreaking("src/expect", (imported) => imported.startsWith("src/expect/") || imported.startsWith("src/contract/"))).toEqual([]);
  });

  test("the host imports from the runner folder only its host-side entry points", async () => {
    const entryPoints = ["src/runner/supervisor.ts", "src/runner/probe/index.ts", "src/runner/export/index.ts", "src/runner/trace-options.ts", "src/runner/format-timeline.ts"];
    expect(await importsBreaking("src/main", (imported) => !imported.startsWith("src/runner/") || entryPoints.includes(imported))).toEqual([]);
  });

  test("nothing that runs inside the runner process is loaded by the host, but for the helpers both sides share", async () => {
    const insideRunner = await reachable(["src/runner/runner-process.ts"]);
    const host = await reachable(await filesUnder("src/main"));
    const shared = [...insideRunner].filter((file) => host.has(file) && !file.startsWith("src/contract/")).sort();
    expect(shared).toEqual([
      // Flood control: the runner folds its writes, the probe clients their chunks.
      "src/runner/flood-gate.ts",
      "src/runner/preview.ts",
      // The lane header: probes set it, the runner reads it.
      "src/runner/probe/http-fields.ts",
      // Notes on stderr: the runner writes them, the supervisor reads them.
      "src/runner/runner-notes.ts",
      // WebSocket messages read the same on both sides: the runner's handlers and the probe client.
      "src/runner/ws-payload.ts",
    ]);
  });
});
