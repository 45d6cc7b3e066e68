import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const transpiler = new Bun.Transpiler({ loader: "ts" });

describe("the electrobun boundary", () => {
  test("only the desktop app imports electrobun: its import starts a server and replaces process.exit", async () => {
    const importers: string[] = [];
    for await (const file of new Glob("src/**/*.ts").scan({ cwd: root })) {
      if (file.endsWith(".d.ts")) continue;
      const imports = transpiler.scanImports(await Bun.file(join(root, file)).text());
      if (imports.some((entry) => entry.path === "electrobun" || entry.path.startsWith("electrobun/")))
        importers.push(file);
    }
    expect(importers).toEqual(["src/main/desktop/app.ts"]);
  });
});
