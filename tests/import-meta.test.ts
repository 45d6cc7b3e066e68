/**
 * `import.meta` in a snippet names the snippet's own file, as under plain `bun`, and the rewrite
 * that makes it so keeps every line where it was.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { withSnippetImportMeta } from "../src/runner/import-meta.ts";
import { runnerPerTest } from "./support/test-runner.ts";

const startRunner = runnerPerTest();
const snippetPath = join(import.meta.dir, "fixtures", "snippets", "inline.ts");

describe("import.meta in a snippet", () => {
  test("a source that does not use its file fields is left as it is", () => {
    const source = "export default () => new Response(String(import.meta.main));\n";
    expect(withSnippetImportMeta(source, snippetPath)).toBe(source);
  });

  test("the rewrite keeps each line's number and text up to the access", () => {
    const source = "const a = 1;\nconst here = import.meta.path;\nthrow new Error(here);\n";
    const lines = withSnippetImportMeta(source, snippetPath).split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "const a = 1;",
      "const here = __streamPlaygroundImportMeta().path;",
      "throw new Error(here);",
    ]);
  });

  test("path, url, file, dir and the Node aliases answer as plain bun does, and a throw keeps its line", async () => {
    const { runner } = await startRunner();
    const source = `export default () => Response.json({
  path: import.meta.path, url: import.meta.url, file: import.meta.file,
  dir: import.meta.dir, filename: import.meta.filename, dirname: import.meta.dirname,
});
if (import.meta.dir === "") throw new Error("never");
`;
    const load = await runner.load(source, snippetPath);
    expect(load.kind).toBe("loaded");
    const answer = await (await fetch(runner.url)).json();
    const dir = join(import.meta.dir, "fixtures", "snippets");
    expect(answer).toEqual({
      path: snippetPath,
      url: pathToFileURL(snippetPath).href,
      file: "inline.ts",
      dir,
      filename: snippetPath,
      dirname: dir,
    });
    const failed = await runner.load('const x = import.meta.dir;\nthrow new Error("at line two");\n', snippetPath);
    expect(failed.kind === "load-error" ? failed.line : undefined).toBe(2);
  });
});
