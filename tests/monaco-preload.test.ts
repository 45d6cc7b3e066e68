import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { definedDependencies, monacoEntry, monacoPreloads } from "../src/main/monaco-preload.ts";
import { dependenciesDir } from "../src/main/package-dir.ts";
import { createTempDir } from "./support/temp-dir.ts";

const installed = join(dependenciesDir(), "monaco-editor/min");
const fileOf = (root: string, href: string) => join(root, href.replace(/^\/monaco\//, ""));

describe("the scripts a page is told to fetch for Monaco", () => {
  test("are every module editor.main loads, each named once, the largest first", async () => {
    const { scripts } = await monacoPreloads(installed);
    const sizes = scripts.map((href) => Bun.file(fileOf(installed, href)).size);
    // Every module a listed one defines itself with, as its file says, is listed too.
    const missing: string[] = [];
    for (const href of scripts) {
      const id = href.replace(/^\/monaco\//, "").replace(/\.js$/, "");
      const header = (await Bun.file(fileOf(installed, href)).text()).slice(0, 4096);
      for (const dep of definedDependencies(id, header))
        if (!scripts.includes(`/monaco/${dep}.js`) && (await Bun.file(join(installed, `${dep}.js`)).exists()))
          missing.push(`${id} → ${dep}`);
    }
    expect({
      entry: scripts.includes(`/monaco/${monacoEntry}.js`),
      once: new Set(scripts).size === scripts.length,
      missing,
      largestFirst: sizes.every((size, i) => i === 0 || sizes[i - 1]! >= size),
    }).toEqual({ entry: true, once: true, missing: [], largestFirst: true });
    // The installed build splits Monaco into chunks: the check above has more than one to order.
    expect(scripts.length).toBeGreaterThan(2);
  });

  test("follow a build's own define headers, relative and plugin names included, whatever its chunks", async () => {
    await using build = await createTempDir("stream-playground-monaco-build-");
    const root = build.dir;
    mkdirSync(join(root, "vs/editor"), { recursive: true });
    const write = (id: string, deps: string[], bytes: number) =>
      writeFileSync(
        join(root, `${id}.js`),
        `define("${id}", [${["require", "exports", ...deps].map((d) => JSON.stringify(d)).join(", ")}], function () {});${" ".repeat(bytes)}`,
      );
    write("vs/editor/editor.main", ["../small", "../big", "vs/nls.loader!"], 10);
    write("vs/small", ["./shared"], 100);
    write("vs/big", ["./shared", "./absent"], 50_000);
    write("vs/shared", [], 5_000);
    write("vs/nls.loader", [], 1_000);
    const preloads = await monacoPreloads(root, "/monaco/1.2.3");
    expect(preloads).toEqual({
      loader: "/monaco/1.2.3/vs/loader.js",
      scripts: [
        "/monaco/1.2.3/vs/big.js",
        "/monaco/1.2.3/vs/shared.js",
        "/monaco/1.2.3/vs/nls.loader.js",
        "/monaco/1.2.3/vs/small.js",
        "/monaco/1.2.3/vs/editor/editor.main.js",
      ],
      styles: ["/monaco/1.2.3/vs/editor/editor.main.css"],
    });
  });

  test("are none where there is no build, so the page loads Monaco without hints", async () => {
    await using empty = await createTempDir("stream-playground-monaco-build-");
    expect(await monacoPreloads(empty.dir)).toEqual({ loader: "/monaco/vs/loader.js", scripts: [], styles: [] });
  });
});
