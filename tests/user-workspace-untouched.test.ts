/**
 * `npm test` and `npm run bench` never touch the user's own workspace: with HOME and
 * XDG_DATA_HOME pointing at a folder that holds a workspace in the default place, a run leaves it
 * byte for byte as it was. And a run that leaves a process behind is caught.
 */

import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { endLeftovers, findLeftovers } from "./leftover-processes.ts";
import { createTempDir } from "./support/temp-dir.ts";

const root = join(import.meta.dir, "..");

/** Every file under `dir` with its contents, for a before/after comparison. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return files;
}

/** A HOME whose default workspace (`$XDG_DATA_HOME/stream-playground`) holds a user's snippet and settings. */
async function homeWithWorkspace() {
  const home = await createTempDir("user-home-");
  const workspace = join(home.dir, "data", "stream-playground");
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    join(workspace, "untitled-1.ts"),
    "// the user's own snippet\nexport default () => new Response('mine');\n",
  );
  writeFileSync(
    join(workspace, "settings.json"),
    JSON.stringify({ theme: "dark", autoRun: true, defaultClient: "eventsource" }),
  );
  writeFileSync(join(workspace, "session.json"), JSON.stringify({ recent: [] }));
  return { ...home, workspace };
}

/** The environment of a person's shell: no test or bench workspace given. */
function userEnv(home: string): Record<string, string | undefined> {
  const { STREAM_PLAYGROUND_HOME: _given, ...env } = process.env;
  return { ...env, HOME: home, XDG_DATA_HOME: join(home, "data") };
}

describe("the user's workspace", () => {
  test("npm test leaves a workspace it was not given untouched", async () => {
    await using home = await homeWithWorkspace();
    const before = snapshot(home.workspace);
    // A part of the suite that writes snippets, drafts and settings, run as `npm test` runs it (less
    // its kill -9 rounds, half a minute of restarting hosts that write nothing the other tests do not).
    const part = ["tests/files-session.test.ts", "-t", "^(?!.*kill -9)"];
    const run = Bun.spawnSync([process.execPath, join(root, "tests", "run.ts"), ...part], {
      cwd: root,
      env: userEnv(home.dir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const passed = /PASS tests: \d+ passed, 0 failed/.test(run.stdout.toString());
    expect({
      passed,
      workspace: snapshot(home.workspace),
      // A run that failed says why: the end of what it printed, with its own list of failures.
      ...(passed ? {} : { output: `${run.stdout.toString()}\n${run.stderr.toString().slice(-6_000)}` }),
    }).toEqual({ passed: true, workspace: before });
  }, 120_000);

  test("npm run bench leaves a workspace it was not given untouched", async () => {
    await using home = await homeWithWorkspace();
    const before = snapshot(home.workspace);
    // The UI benchmark is the one that starts the host as `npm run start:web` does, and types into the
    // editor; its quick pass does all of that, briefly.
    const run = Bun.spawnSync([process.execPath, join(root, "bench", "run.ts"), "--only", "ui", "--json"], {
      cwd: root,
      env: { ...userEnv(home.dir), STREAM_PLAYGROUND_BENCH_QUICK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect({ code: run.exitCode, workspace: snapshot(home.workspace) }).toEqual({ code: 0, workspace: before });
  }, 240_000);
});

describe("processes a run leaves behind", () => {
  test("are found by the run's marker wherever they went, and ended", async () => {
    const marker = `STREAM_PLAYGROUND_TEST_RUN=${crypto.randomUUID()}`;
    // Its environment shows in /proc only once it has exec'd: it says so before becoming the sleep.
    const child = Bun.spawn(["sh", "-c", "echo started; exec sleep 30"], {
      env: { ...process.env, STREAM_PLAYGROUND_TEST_RUN: marker.split("=")[1] },
      stdio: ["ignore", "pipe", "ignore"],
    });
    await child.stdout.getReader().read();
    // Looked for once the shell has become the sleep: a process being exec'd has no environment to read.
    while ((await Bun.file(`/proc/${child.pid}/comm`).text()).trim() !== "sleep") await Bun.sleep(5);
    const found = findLeftovers(marker).map((p) => p.pid);
    const ended = (await endLeftovers(marker, 0)).map((p) => p.pid);
    await child.exited;
    expect({ found, ended, after: findLeftovers(marker) }).toEqual({
      found: [child.pid],
      ended: [child.pid],
      after: [],
    });
  });
});
