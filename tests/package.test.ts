/**
 * The package as npm publishes it: `npm pack`, installed into an empty project with `npm install
 * ./stream-playground-x.y.z.tgz`, runs `npx stream-playground` from there: `--version`, `trace`,
 * `serve` and the UI, each finding the lessons, types and Monaco inside the package, while the
 * user's snippet resolves its own imports from the user's own `node_modules`.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { freePort, startCommand } from "./support/command.ts";
import { waitFor } from "./support/desktop-session.ts";

const root = join(import.meta.dir, "..");
const { version } = (await Bun.file(join(root, "package.json")).json()) as { version: string };

let project = "";
let home = "";
let installed = "";

/** The command npm linked into the project, as npx finds it. */
const bin = () => join(project, "node_modules", ".bin", "stream-playground");

/** Runs `npx stream-playground ARGS` in the project to its end. */
function npx(args: string[]) {
  const result = Bun.spawnSync(["npx", "--no-install", "stream-playground", ...args], {
    cwd: project,
    env: { ...process.env, STREAM_PLAYGROUND_HOME: home, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const handler = `import { greeting } from "my-greeting";

export default function handler() {
  const body = async function* () {
    yield \`data: \${greeting}\\n\\n\`;
    await Bun.sleep(50);
    yield "data: bye\\n\\n";
  };
  return new Response(body(), { headers: { "content-type": "text/event-stream" } });
}
`;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "packed-project-"));
  home = join(project, ".playground-home");
  await mkdir(home);
  const packed = Bun.spawnSync(["npm", "pack", "--silent", "--pack-destination", project], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (packed.exitCode !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"))!;
  expect(tarball).toBe(`stream-playground-${version}.tgz`);
  // The user's project: a package of their own among its dependencies, and the snippet that imports it.
  await Bun.write(
    join(project, "package.json"),
    JSON.stringify({ name: "my-app", private: true, dependencies: { "my-greeting": "file:./my-greeting" } }),
  );
  await Bun.write(
    join(project, "my-greeting", "package.json"),
    JSON.stringify({ name: "my-greeting", version: "1.0.0", type: "module", main: "index.js" }),
  );
  await Bun.write(join(project, "my-greeting", "index.js"), 'export const greeting = "hello from my own package";\n');
  await Bun.write(join(project, "handler.ts"), handler);
  // A registry request that stalls is given up after 30 s and tried again (npm's own default waits 5 minutes).
  const install = Bun.spawnSync(
    [
      "npm",
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--fetch-timeout=30000",
      "--fetch-retries=3",
      "--loglevel=error",
      `./${tarball}`,
    ],
    { cwd: project, stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 },
  );
  if (install.exitCode !== 0)
    throw new Error(
      `npm install of the tarball failed${install.exitCode === null ? " (ended after 240 s)" : ` with code ${install.exitCode}`}: ${install.stderr}`,
    );
  installed = join(project, "node_modules", "stream-playground");
}, 300_000);

describe("the packed package, installed into an empty project", () => {
  test("holds the command and what it needs, and no tests, benchmarks or checkout files", () => {
    const top = readdirSync(installed).sort();
    expect(top).toEqual(
      [
        "ARCHITECTURE.md",
        "README.md",
        "assets",
        "bin",
        "electrobun.config.ts",
        "package.json",
        "src",
        "tsconfig.json",
      ].sort(),
    );
    expect(npx(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(npx(["trace", "--version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = npx(["--help"]);
    expect(help.code).toBe(0);
    for (const word of ["serve", "trace", "export", "Exit codes"]) expect(help.stdout).toContain(word);
    expect(npx(["serve"]).code).toBe(2);
  }, 60_000);

  test("trace runs the user's snippet, which imports from the user's own node_modules", () => {
    const { code, stdout, stderr } = npx(["trace", "handler.ts", "--json"]);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TimelineEvent);
    expect(events[0]).toMatchObject({ kind: "loaded", version: 1 });
    const chunks = events
      .filter((event) => event.kind === "chunk")
      .map((event) => (event.kind === "chunk" ? event.text : ""));
    expect(chunks.join("")).toBe("data: hello from my own package\n\ndata: bye\n\n");
  }, 60_000);

  test("serve answers an outside client and Ctrl+C ends every process", async () => {
    const port = freePort();
    // What npx runs, started directly: Ctrl+C ends npx itself by the signal, whatever the command answers.
    await using served = startCommand(bin(), ["serve", "handler.ts", "--port", String(port)], {
      cwd: project,
      env: { STREAM_PLAYGROUND_HOME: home, NO_COLOR: "1" },
    });
    await served.line("stderr", (text) => text.startsWith("serve: serving"), 30_000);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(
      "data: hello from my own package\n\ndata: bye\n\n",
    );
    await served.line("stdout", (text) => / end /.test(text));
    served.interrupt();
    expect(await served.exited).toBe(0);
    await waitFor(
      "every process serve started to end",
      () => (served.running().length === 0 ? true : undefined),
      10_000,
    );
  }, 60_000);

  test("the UI opens on the named file, with the lessons, the editor's types and Monaco from inside the package", async () => {
    await using ui = startCommand(bin(), ["handler.ts", "--web", "--no-open"], {
      cwd: project,
      env: { STREAM_PLAYGROUND_HOME: home, PORT: "0" },
    });
    const line = await ui.line("stdout", (text) => text.startsWith("Stream Playground: http"), 30_000);
    const url = line.slice("Stream Playground: ".length);
    const launch = await fetch(url, { redirect: "manual" });
    expect(launch.status).toBe(303);
    const cookie = launch.headers.get("set-cookie")!.split(";")[0]!;
    const get = (path: string) => fetch(new URL(path, url), { headers: { cookie } });
    expect(await (await get("/")).text()).toContain("<title>Stream Playground</title>");
    const lessons = (await (await get("/examples/index.json")).json()) as unknown[];
    expect(lessons.length).toBeGreaterThanOrEqual(15);
    const types = (await (await get("/types/editor.json")).json()) as { files: Record<string, string> };
    expect(Object.keys(types.files).some((name) => name.startsWith("file:///node_modules/bun-types/"))).toBe(true);
    expect((await get("/monaco/vs/loader.js")).status).toBe(200);
    // The page's first document is the file named on the command line.
    const session = await waitFor(
      "the session to name the open file",
      async () => {
        const file = Bun.file(join(home, "session.json"));
        if (!(await file.exists())) return undefined;
        const record = (await file.json()) as { document?: { path?: string } };
        return record.document?.path === join(project, "handler.ts") ? record : undefined;
      },
      15_000,
    );
    expect(session.document?.path).toBe(join(project, "handler.ts"));
    ui.interrupt();
    expect(await ui.exited).toBe(0);
    await waitFor("every process the UI started to end", () => (ui.running().length === 0 ? true : undefined), 10_000);
  }, 60_000);
});

afterAll(() => rm(project, { recursive: true, force: true }));
