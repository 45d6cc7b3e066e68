import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { missingPackageMessage, packageName } from "../src/runner/package-hint.ts";
import { createTempDir } from "./support/temp-dir.ts";

describe("the package an import names", () => {
  test.each([
    ["hono", "hono"],
    ["hono/streaming", "hono"],
    ["@hono/node-server", "@hono/node-server"],
    ["@hono/node-server/serve-static", "@hono/node-server"],
    ["./local.ts", undefined],
    ["../up.ts", undefined],
    ["/abs/path.ts", undefined],
    ["node:http", undefined],
    ["http", undefined],
    ["bun:sqlite", undefined],
    ["npm:hono", undefined],
    ["https://esm.sh/hono", undefined],
  ])("%s → %s", (specifier, name) => {
    expect(packageName(specifier)).toBe(name);
  });
});

describe("the hint for an import that did not resolve", () => {
  test("a package nowhere above the folder: install it there", async () => {
    await using folder = await createTempDir("hint-");
    expect(missingPackageMessage("@hono/node-server/serve-static", folder.dir)).toBe(
      `cannot find package '@hono/node-server' from the snippet's folder (${folder.dir}): install it there with \`npm install @hono/node-server\` (or \`bun add @hono/node-server\`), then run again`,
    );
  });

  test("a package that is installed (the path inside it is wrong) and a relative file get none", () => {
    const here = join(import.meta.dir, "fixtures", "frameworks");
    expect([missingPackageMessage("hono/no-such-entry", here), missingPackageMessage("./missing.ts", here)]).toEqual([
      undefined,
      undefined,
    ]);
  });
});
