/**
 * The desktop app in a real window under Xvfb, started with the README's `npm start`, as a person
 * with a display would start it. Skipped, with one line saying why, where there is no Electrobun
 * core or no Xvfb (see tests/support/desktop-session.ts).
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { artifactsDir } from "./browser/chromium.ts";
import { createTempDir } from "./support/temp-dir.ts";
import { desktopUnavailable, processesWith, projectRoot, run, startDesktopSession, startXvfb, waitFor, type DesktopSession, type DesktopSessionOptions } from "./support/desktop-session.ts";

const unavailable = desktopUnavailable();
if (unavailable) console.log(`desktop tests skipped: ${unavailable}`);

/** A first start builds the app (a few seconds, more on a busy machine); later ones only launch it. */
const windowTimeoutMs = 60_000;

let xvfb: Awaited<ReturnType<typeof startXvfb>> | undefined;
beforeAll(async () => {
  if (!unavailable) xvfb = await startXvfb();
});
afterAll(async () => {
  await xvfb?.[Symbol.asyncDispose]();
});

/** A fresh HOME and workspace for one start of the app, removed afterwards. */
async function freshProfile() {
  const home = await createTempDir("desktop-home-");
  const workspace = await createTempDir("desktop-ws-");
  return {
    home: home.dir,
    workspace: workspace.dir,
    async [Symbol.asyncDispose]() {
      await home[Symbol.asyncDispose]();
      await workspace[Symbol.asyncDispose]();
    },
  };
}

function start(profile: { home: string; workspace: string }, extra: Partial<Pick<DesktopSessionOptions, "args" | "env" | "command" | "cwd">> = {}): DesktopSession {
  return startDesktopSession({ display: xvfb!.display, home: profile.home, workspace: profile.workspace, ...extra });
}

/** Unique colours in a part of a screenshot: a blank or black area has one or two. */
function colours(shot: string, region: { x: number; y: number; width: number; height: number }): number {
  return Number(run(["convert", shot, "-crop", `${region.width}x${region.height}+${region.x}+${region.y}`, "+repage", "-format", "%k", "info:"]).trim());
}

/** The colour of one pixel of a screenshot, as `#rrggbb`. */
function pixel(shot: string, x: number, y: number): string {
  const text = run(["convert", shot, "-format", `%[hex:p{${x},${y}}]`, "info:"]).trim();
  return `#${text.slice(0, 6).toLowerCase()}`;
}

/** The app icon's size, from its PNG header: the window's icon must be this one. */
function appIconSize(): string {
  const png = readFileSync(join(import.meta.dir, "..", "assets", "icon.png"));
  return `${png.readUInt32BE(16)} x ${png.readUInt32BE(20)}`;
}

describe.skipIf(unavailable !== undefined)("the desktop app in a window", () => {
  test("npm start opens the window with the app's title, class and icon, and it shows the editor and the page", async () => {
    await using profile = await freshProfile();
    await using app = start(profile);
    const window = await app.waitForWindow(windowTimeoutMs);
    // The page needs a moment after the window maps: wait until the editor has drawn its text.
    mkdirSync(artifactsDir, { recursive: true });
    const shot = join(artifactsDir, "desktop-window.png");
    const geometry = app.windowGeometry(window);
    const editor = { x: geometry.x + 20, y: geometry.y + 60, width: 420, height: 200 };
    const deadline = performance.now() + 30_000;
    do {
      await Bun.sleep(250);
      app.screenshot(shot);
    } while (colours(shot, editor) < 20 && performance.now() < deadline);
    expect({
      title: app.windowTitle(window),
      windowClass: app.windowClass(window),
      icon: /Icon \((\d+ x \d+)\)/.exec(run(["xprop", "-id", window, "-len", "8", "_NET_WM_ICON"], { ...process.env, DISPLAY: xvfb!.display }))?.[1],
      // A window that fits the 1280×800 screen, centred.
      geometry,
      editorDrawn: colours(shot, editor) >= 20,
      toolbarDrawn: colours(shot, { x: geometry.x, y: geometry.y, width: geometry.width, height: 46 }) >= 10,
      lines: app.lines.filter((line) => line.startsWith("Stream Playground:")).map((line) => line.replace(/\(log: .*\)$/, "(log)")),
    }).toEqual({
      title: "Untitled 1 — Stream Playground",
      windowClass: '"stream-playground", "Stream Playground"',
      icon: appIconSize(),
      geometry: { x: 51, y: 32, width: 1178, height: 736 },
      editorDrawn: true,
      toolbarDrawn: true,
      lines: ["Stream Playground: desktop window open", "Stream Playground: desktop app running; Ctrl+C quits it (log)"],
    });
  }, 120_000);

  test("the window's size and place come back on the next start", async () => {
    await using profile = await freshProfile();
    const moved = { x: 100, y: 40, width: 1000, height: 700 };
    {
      await using app = start(profile);
      const window = await app.waitForWindow(windowTimeoutMs);
      app.xdotool("windowsize", window, String(moved.width), String(moved.height));
      app.xdotool("windowmove", window, String(moved.x), String(moved.y));
      await Bun.sleep(500);
      // Nothing unsaved (an untitled snippet is its own file): closing the window quits.
      app.closeWindow();
      expect(await app.exited).toBe(0);
    }
    const saved = JSON.parse(readFileSync(join(profile.workspace, "settings.json"), "utf8")).window;
    await using again = start(profile);
    const window = await again.waitForWindow(windowTimeoutMs);
    expect({ saved, reopened: again.windowGeometry(window) }).toEqual({ saved: moved, reopened: moved });
  }, 120_000);

  test("a display that cannot be opened falls back to the browser within a bound, saying why in one line", async () => {
    await using profile = await freshProfile();
    // A display name with no X server behind it: the app is tried and fails, as with a stale DISPLAY.
    await using app = start(profile, { env: { DISPLAY: ":987" } });
    const url = await app.waitForLine(/^Stream Playground: http:\/\/127\.0\.0\.1:\d+\/\?token=/, 30_000);
    const reason = app.lines.find((line) => line.startsWith("Desktop app not started:"));
    expect(reason).toMatch(/^Desktop app not started: the desktop app exited with code \d+ before its window opened \(.*cannot open display: :987\); serving the playground in the browser instead\. \(Details: .*desktop\.log\)$/);
    const launch = await fetch(url.slice("Stream Playground: ".length), { redirect: "manual" });
    expect(launch.status).toBe(303);
  }, 60_000);

  test.each([
    ["SIGTERM to npm", "desktop"],
    ["Ctrl+C (SIGINT to npm's process group)", "desktop"],
    ["SIGTERM to npm", "browser"],
  ] as const)("%s ends every process npm start started (%s mode)", async (how, mode) => {
    await using profile = await freshProfile();
    await using app = start(profile, mode === "browser" ? { args: ["--web"] } : {});
    if (mode === "desktop") await app.waitForWindow(windowTimeoutMs);
    else await app.waitForLine(/^Stream Playground: http:/, 30_000);
    // Something to end: the runner, and in the desktop app the launcher, its Bun and WebKit.
    const before = processesWith(app.marker).map((p) => p.command);
    const npm = app.npmPid();
    if (how === "SIGTERM to npm") process.kill(npm, "SIGTERM");
    else process.kill(-Number(readFileSync(`/proc/${npm}/stat`, "latin1").split(") ")[1]!.split(" ")[2]), "SIGINT");
    await app.waitUntilAllEnded(15_000);
    expect({ runner: before.some((c) => c.includes("runner-process.ts")), app: mode === "browser" || before.some((c) => c.includes("launcher")) }).toEqual({ runner: true, app: true });
  }, 120_000);

  test("npm run build:desktop makes a self-contained app folder whose launcher opens the playground", async () => {
    await using profile = await freshProfile();
    const build = Bun.spawnSync(["npm", "run", "--silent", "build:desktop"], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    const output = build.stdout.toString();
    expect({ code: build.exitCode, stderr: build.stderr.toString() }).toEqual({ code: 0, stderr: "" });
    const launcher = /^Run it with: (.*)$/m.exec(output)?.[1];
    expect(launcher).toBe(join(projectRoot, "build", "app", "dev-linux-x64", "StreamPlayground-dev", "bin", "launcher"));
    // Nothing points it at the project: it must find its own files, and run snippets on its own Bun.
    await using app = start(profile, { command: [launcher!], cwd: dirname(launcher!), env: { STREAM_PLAYGROUND_ROOT: undefined } });
    const window = await app.waitForWindow(windowTimeoutMs);
    const runner = await waitFor("the app's runner", () => processesWith(app.marker).find((p) => p.command.includes("runner-process.ts"))?.command, 30_000);
    expect({ title: app.windowTitle(window), runnerFromTheApp: runner.startsWith(join(dirname(launcher!), "..", "Resources", "app", "node_modules", "bun", "bin", "bun.exe")) }).toEqual({
      title: "Untitled 1 — Stream Playground",
      runnerFromTheApp: true,
    });
  }, 180_000);
});
