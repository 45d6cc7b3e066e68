import { describe, expect, test } from "bun:test";
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadPageBuild, savePageBuild } from "../src/main/files/index.ts";
import { pageBuildFileName } from "../src/main/files/page-build.ts";
import { startHost } from "../src/main/host-server.ts";
import { buildWebview, sourceMapPath, type WebviewBundle } from "../src/main/webview-bundle.ts";
import { createTestPage, letIn } from "./support/test-host.ts";

/** A page whose script imports a module and its styles, as the playground's does. */
const pageFiles = {
  "main.ts": `import { greeting } from "./greeting.ts";\nimport "./extra.css";\ndocument.title = greeting;\n`,
  "greeting.ts": `export const greeting = "kept page";\n`,
  "extra.css": `body { margin: 0; }\n`,
  "index.html": `<!doctype html><script type="module" src="/app.js"></script>\n`,
};

/** The page's files, written a minute ago: long enough before any build for it to be kept. */
async function oldPage() {
  const page = await createTestPage(pageFiles);
  const minuteAgo = new Date(Date.now() - 60_000);
  for (const name of Object.keys(pageFiles)) await utimes(join(page.dir, name), minuteAgo, minuteAgo);
  return page;
}

/** Builds the page in `dir` as the host does, and keeps the build there. */
async function buildAndKeep(dir: string) {
  const entry = join(dir, "main.ts");
  const startedAt = Date.now();
  const build = await buildWebview(entry, dir);
  if (!build.ok) throw new Error(build.message);
  await savePageBuild({ workspaceDir: dir, entry, mapPath: sourceMapPath, build, startedAt });
  return { entry, build };
}

describe("the page's build, kept between launches", () => {
  test("is used while its files are as they were, and is what a new build makes", async () => {
    await using page = await oldPage();
    const { entry, build } = await buildAndKeep(page.dir);
    const kept = await loadPageBuild(page.dir, entry, sourceMapPath);
    const fresh = await buildWebview(entry, page.dir);
    expect<WebviewBundle | undefined>(kept).toEqual(fresh);
    expect(kept).toEqual(build);
    // It is the whole page: the script, its map and the styles it imports.
    expect({ css: kept?.ok && kept.css?.includes("margin"), map: kept?.ok && kept.map !== undefined }).toEqual({
      css: true,
      map: true,
    });
  });

  test.each([
    ["a file's text changed", (dir: string) => writeFile(join(dir, "greeting.ts"), `export const greeting = "new";\n`)],
    ["a file touched, its text the same", (dir: string) => utimes(join(dir, "greeting.ts"), new Date(), new Date())],
    ["an imported file gone", (dir: string) => rm(join(dir, "extra.css"))],
  ])("is not used when %s", async (_name, change) => {
    await using page = await oldPage();
    const { entry } = await buildAndKeep(page.dir);
    await change(page.dir);
    expect(await loadPageBuild(page.dir, entry, sourceMapPath)).toBeUndefined();
  });

  test("is not kept when a file changed just before the build began", async () => {
    await using page = await createTestPage(pageFiles);
    const { entry } = await buildAndKeep(page.dir);
    expect({
      kept: await Bun.file(join(page.dir, pageBuildFileName)).exists(),
      used: await loadPageBuild(page.dir, entry, sourceMapPath),
    }).toEqual({ kept: false, used: undefined });
  });

  test.each([
    ["another Bun's build", (kept: Record<string, unknown>) => ({ ...kept, bun: "0.0.1+0000000" })],
    ["another entry's build", (kept: Record<string, unknown>) => ({ ...kept, entry: "/elsewhere/main.ts" })],
    ["a build without its script", (kept: Record<string, unknown>) => ({ ...kept, js: 1 })],
    ["a build whose files are not listed", (kept: Record<string, unknown>) => ({ ...kept, inputs: [] })],
    ["a file listed without its size", (kept: Record<string, unknown>) => ({ ...kept, inputs: [["/a.ts", 1]] })],
  ])("is not used when the file holds %s", async (_name, damage) => {
    await using page = await oldPage();
    const { entry } = await buildAndKeep(page.dir);
    const path = join(page.dir, pageBuildFileName);
    await writeFile(path, JSON.stringify(damage(JSON.parse(await readFile(path, "utf8")))));
    expect(await loadPageBuild(page.dir, entry, sourceMapPath)).toBeUndefined();
  });

  test("is not used when the file is not JSON, or another source map path is asked for", async () => {
    await using page = await oldPage();
    const { entry } = await buildAndKeep(page.dir);
    const other = await loadPageBuild(page.dir, entry, undefined);
    await writeFile(join(page.dir, pageBuildFileName), "{ not json");
    expect({ other, damaged: await loadPageBuild(page.dir, entry, sourceMapPath) }).toEqual({
      other: undefined,
      damaged: undefined,
    });
  });

  test("is what the next host serves, and a changed page is built again", async () => {
    await using page = await oldPage();
    const launch = async () => {
      const host = await startHost({
        port: 0,
        webviewEntry: join(page.dir, "main.ts"),
        indexHtml: join(page.dir, "index.html"),
        session: { workspaceDir: page.dir },
        log: () => {},
      });
      try {
        const cookie = await letIn(host);
        return await (await fetch(`${host.origin}/app.js`, { headers: { cookie } })).text();
      } finally {
        await host.stop();
      }
    };
    const first = await launch();
    // Marked in the kept file: served as marked only if the next host takes the page from there.
    const path = join(page.dir, pageBuildFileName);
    const kept = JSON.parse(await readFile(path, "utf8")) as { js: string };
    await writeFile(path, JSON.stringify({ ...kept, js: kept.js.replace("kept page", "marked page") }));
    const second = await launch();
    await writeFile(join(page.dir, "greeting.ts"), `export const greeting = "changed page";\n`);
    const third = await launch();
    expect({
      first: first.includes("kept page"),
      second: second.includes("marked page"),
      third: third.includes("changed page") && !third.includes("marked page"),
    }).toEqual({ first: true, second: true, third: true });
  });
});
