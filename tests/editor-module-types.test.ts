import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { packageNameOf, resolveModuleTypes, serveModuleTypes } from "../src/main/editor-module-types.ts";

let dir: string;
let snippet: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const tinyStreamTypes = `import type { Tick } from "tick-format";\n/** One tick, labelled. */\nexport declare function tick(label: string): Tick;\n`;
const tickFormatTypes = `export type Tick = \`tick: \${string}\`;\n`;

// A project folder as \`bun add\` leaves it: packages with and without types, one typed through
// @types, one scoped; the snippet sits in a subfolder and finds them by walking up.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "module-types-"));
  snippet = join(dir, "app", "snippet.ts");
  write("app/helper.ts", "export const x = 1;\n");
  write(
    "node_modules/tiny-stream/package.json",
    JSON.stringify({
      name: "tiny-stream",
      version: "1.0.0",
      description: "left out",
      main: "index.js",
      types: "index.d.ts",
      scripts: { test: "x" },
    }),
  );
  write("node_modules/tiny-stream/index.js", "export const tick = (label) => `tick: ${label}`;\n");
  write("node_modules/tiny-stream/index.d.ts", tinyStreamTypes);
  write("node_modules/tiny-stream/node_modules/other/index.d.ts", "export {};\n");
  write("node_modules/tick-format/package.json", JSON.stringify({ name: "tick-format", types: "index.d.ts" }));
  write("node_modules/tick-format/index.d.ts", tickFormatTypes);
  write("node_modules/plain-js/package.json", JSON.stringify({ name: "plain-js", main: "index.js" }));
  write("node_modules/plain-js/index.js", "export default 1;\n");
  write("node_modules/legacy/package.json", JSON.stringify({ name: "legacy", main: "index.js" }));
  write("node_modules/legacy/index.js", "module.exports = 1;\n");
  write("node_modules/@types/legacy/package.json", JSON.stringify({ name: "@types/legacy", types: "index.d.ts" }));
  write("node_modules/@types/legacy/index.d.ts", "declare const legacy: number;\nexport = legacy;\n");
  write(
    "node_modules/@scope/kit/package.json",
    JSON.stringify({
      name: "@scope/kit",
      exports: { ".": { types: "./dist/index.d.mts", import: "./dist/index.mjs" } },
    }),
  );
  write("node_modules/@scope/kit/dist/index.mjs", "export const kit = 1;\n");
  write("node_modules/@scope/kit/dist/index.d.mts", "export declare const kit: number;\n");
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("package names of import specifiers", () => {
  test("bare specifiers name their package; relative, absolute and URL ones none", () => {
    const specifiers = [
      "hono",
      "hono/streaming",
      "@hono/node-server",
      "@hono/node-server/serve-static",
      "./x.ts",
      "../x",
      "/abs/x",
      "node:fs",
      "bun:sqlite",
      "jsr:@std/http",
      "https://esm.sh/x",
      "@scope",
    ];
    expect(Object.fromEntries(specifiers.map((s) => [s, packageNameOf(s) ?? null]))).toEqual({
      hono: "hono",
      "hono/streaming": "hono",
      "@hono/node-server": "@hono/node-server",
      "@hono/node-server/serve-static": "@hono/node-server",
      "./x.ts": null,
      "../x": null,
      "/abs/x": null,
      "node:fs": null,
      "bun:sqlite": null,
      "jsr:@std/http": null,
      "https://esm.sh/x": null,
      "@scope": null,
    });
  });
});

describe("what an import resolves to, from the snippet's folder", () => {
  test("an installed package with declarations: them, its resolution fields and the packages they import, not nested copies", async () => {
    expect(await resolveModuleTypes("tiny-stream", snippet)).toEqual({
      kind: "package",
      name: "tiny-stream",
      files: {
        "file:///node_modules/tiny-stream/package.json": JSON.stringify({
          name: "tiny-stream",
          version: "1.0.0",
          main: "index.js",
          types: "index.d.ts",
        }),
        "file:///node_modules/tiny-stream/index.d.ts": tinyStreamTypes,
        "file:///node_modules/tick-format/package.json": JSON.stringify({ name: "tick-format", types: "index.d.ts" }),
        "file:///node_modules/tick-format/index.d.ts": tickFormatTypes,
      },
    });
  });

  test("a subpath import brings the whole package", async () => {
    const reply = await resolveModuleTypes("tiny-stream/index.js", snippet);
    expect(reply.kind === "package" ? Object.keys(reply.files).sort() : reply).toEqual([
      "file:///node_modules/tick-format/index.d.ts",
      "file:///node_modules/tick-format/package.json",
      "file:///node_modules/tiny-stream/index.d.ts",
      "file:///node_modules/tiny-stream/package.json",
    ]);
  });

  test("a package without declarations brings its @types package", async () => {
    expect(await resolveModuleTypes("legacy", snippet)).toEqual({
      kind: "package",
      name: "legacy",
      files: {
        "file:///node_modules/@types/legacy/package.json": JSON.stringify({
          name: "@types/legacy",
          types: "index.d.ts",
        }),
        "file:///node_modules/@types/legacy/index.d.ts": "declare const legacy: number;\nexport = legacy;\n",
      },
    });
  });

  test("a scoped package with .d.mts declarations behind exports", async () => {
    const reply = await resolveModuleTypes("@scope/kit", snippet);
    expect(reply.kind === "package" ? Object.keys(reply.files).sort() : reply).toEqual([
      "file:///node_modules/@scope/kit/dist/index.d.mts",
      "file:///node_modules/@scope/kit/package.json",
    ]);
  });

  test("an untyped package and an existing relative file resolve without types", async () => {
    expect([await resolveModuleTypes("plain-js", snippet), await resolveModuleTypes("./helper.ts", snippet)]).toEqual([
      { kind: "untyped" },
      { kind: "untyped" },
    ]);
  });

  test("a package that is not installed, or a file that does not exist, is missing with the resolver's message", async () => {
    const appDir = join(dir, "app");
    expect([
      await resolveModuleTypes("not-installed", snippet),
      await resolveModuleTypes("./nope.ts", snippet),
    ]).toEqual([
      { kind: "missing", message: `Cannot find package 'not-installed' imported from ${appDir}` },
      { kind: "missing", message: `Cannot find module './nope.ts' imported from ${appDir}` },
    ]);
  });

  test("limits bound a reply: past the package count the imports are left out, past the size the package is untyped", async () => {
    const onePackage = await resolveModuleTypes("tiny-stream", snippet, { maxBytes: 1_000_000, maxPackages: 1 });
    const tooBig = await resolveModuleTypes("tiny-stream", snippet, { maxBytes: 10, maxPackages: 60 });
    expect([onePackage.kind === "package" ? Object.keys(onePackage.files).sort() : onePackage, tooBig]).toEqual([
      ["file:///node_modules/tiny-stream/index.d.ts", "file:///node_modules/tiny-stream/package.json"],
      { kind: "untyped" },
    ]);
  });
});

describe("GET /types/module", () => {
  const ask = (query: Record<string, string>) =>
    serveModuleTypes(new URL(`http://127.0.0.1/types/module?${new URLSearchParams(query)}`));

  test("answers JSON, never cached", async () => {
    const response = await ask({ specifier: "plain-js", from: snippet });
    expect({
      status: response.status,
      cache: response.headers.get("cache-control"),
      body: await response.json(),
    }).toEqual({ status: 200, cache: "no-store", body: { kind: "untyped" } });
  });

  test("refuses a request without a specifier or with a relative snippet path, saying which", async () => {
    const noSpecifier = await ask({ from: snippet });
    const relativeFrom = await ask({ specifier: "x", from: "app/snippet.ts" });
    expect([
      { status: noSpecifier.status, text: await noSpecifier.text() },
      { status: relativeFrom.status, text: await relativeFrom.text() },
    ]).toEqual([
      { status: 400, text: "specifier must be a module specifier\n" },
      { status: 400, text: "from must be the snippet's absolute path\n" },
    ]);
  });

  test("a snippet folder that does not exist makes every import missing", async () => {
    const response = await ask({ specifier: "plain-js", from: join(dir, "gone", "snippet.ts") });
    expect(await response.json()).toEqual({
      kind: "missing",
      message: `the snippet's folder ${join(dir, "gone")} does not exist`,
    });
  });
});
