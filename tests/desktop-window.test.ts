/**
 * The desktop app in a real window under Xvfb, started with the README's `npm start`, as a person
 * with a display would start it. Skipped, with one line saying why, where there is no Electrobun
 * core or no Xvfb (see tests/support/desktop-session.ts).
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseRecording, type TimelineEvent } from "../src/contract/index.ts";
import { isAtomicTempName, starterSnippet } from "../src/main/files/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { quitQuestionText } from "../src/webview/quit-dialog.ts";
import { artifactsDir } from "./browser/chromium.ts";
import { measurePage, type Point } from "./support/page-layout.ts";
import { createTempDir } from "./support/temp-dir.ts";
import {
  desktopUnavailable,
  listeningPorts,
  processesWith,
  projectRoot,
  run,
  startDesktopSession,
  startXvfb,
  waitFor,
  withoutRecoveries,
  type DesktopSession,
  type DesktopSessionOptions,
} from "./support/desktop-session.ts";

const unavailable = desktopUnavailable();
if (unavailable) console.log(`desktop tests skipped: ${unavailable}`);

/** A first start builds the app (a few seconds, more on a busy machine); later ones only launch it. */
const windowTimeoutMs = 60_000;
/**
 * The window's page is ready within a second or two; one the app loads again (after 20 s) or that
 * `npm start` reopens as hung (after 40 s) is ready within this.
 */
const pageReadyTimeoutMs = 60_000;
/** From `npm start` to the editor ready: the window, then its page. */
const editorTimeoutMs = windowTimeoutMs + pageReadyTimeoutMs;

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

function start(
  profile: { home: string; workspace: string },
  extra: Partial<Pick<DesktopSessionOptions, "args" | "env" | "command" | "cwd">> = {},
): DesktopSession {
  return startDesktopSession({
    display: xvfb!.display,
    displaySaid: xvfb!.said,
    home: profile.home,
    workspace: profile.workspace,
    ...extra,
  });
}

/**
 * The self-contained app's own launcher, with nothing pointing it at the project. Electrobun's Bun
 * now and then crashes as the app starts (see the notes on failed starts in bench/README.md); `npm start`
 * tries such a start once more, and so does this, which runs the launcher without `npm start`.
 */
async function startBuilt(profile: { home: string; workspace: string }, launcher: string): Promise<DesktopSession> {
  for (let attempt = 1; ; attempt++) {
    const app = start(profile, {
      command: [launcher],
      cwd: dirname(launcher),
      env: { STREAM_PLAYGROUND_ROOT: undefined },
    });
    // Electrobun's launcher says how its app's Bun ended.
    const crashedLine = () => app.lines.find((line) => /^Child process terminated by signal/.test(line));
    let outcome: "open" | "crashed";
    try {
      outcome = await waitFor(
        () => `the app's window (${app.said()})`,
        () => (crashedLine() ? "crashed" : app.findWindow() ? "open" : undefined),
        windowTimeoutMs,
      );
    } catch (error) {
      await app[Symbol.asyncDispose]();
      throw error;
    }
    if (outcome === "open") return app;
    const crash = crashedLine();
    await app[Symbol.asyncDispose]();
    if (attempt === 2) throw new Error(`the self-contained app crashed twice while starting: ${crash}`);
    console.log(`desktop: the self-contained app crashed while starting (${crash}); starting it once more`);
  }
}

/**
 * Where every control the window tests click is, each in the state it is clicked in, for a window
 * of `size`: measured in Chromium once per size (one start of the host and the page, each several
 * seconds of both cores here), as the same page lays out the same way in any test.
 */
const layouts = new Map<string, Promise<Record<string, Point>>>();
function pageLayout(size: { width: number; height: number }): Promise<Record<string, Point>> {
  const key = `${size.width}x${size.height}`;
  const known = layouts.get(key);
  if (known) return known;
  const menu = (name: string, open: boolean) => `document.getElementById("${name}").open = ${open};`;
  const measuring = measurePage(
    size,
    { selectors: ["#connect", "#file-menu > summary", "#export-menu > summary"] },
    { selectors: ["#file-open-recording"], prepare: menu("file-menu", true) },
    { selectors: ["#export-json", "#export-recording"], prepare: menu("file-menu", false) + menu("export-menu", true) },
    {
      selectors: ["#recording-bar"],
      prepare: `${menu("export-menu", false)} document.getElementById("recording-bar").hidden = false;`,
    },
    {
      selectors: ["#quit-cancel", "#quit-draft"],
      prepare: `document.getElementById("quit-dialog-text").textContent = ${JSON.stringify(quitQuestionText("events.ts"))}; document.getElementById("quit-dialog").showModal()`,
    },
  ).then((views): Record<string, Point> => Object.assign({}, ...views));
  layouts.set(key, measuring);
  // A failed measurement is not kept: the next test measures again.
  measuring.catch(() => layouts.delete(key));
  return measuring;
}

/** A snippet file `events.ts` in `folder`, which the workspace has open: the app starts on it. */
function openOnFile(profile: { workspace: string }, folder: string): { file: string; original: string } {
  const file = join(folder, "events.ts");
  const original = `export default () => new Response("from the file\\n");\n`;
  writeFileSync(file, original);
  writeFileSync(
    join(profile.workspace, "session.json"),
    JSON.stringify({ document: { id: crypto.randomUUID(), path: file, untitled: false }, recent: [file] }),
  );
  return { file, original };
}

/** Unique colours in a part of a screenshot: a blank or black area has one or two. */
function colours(shot: string, region: { x: number; y: number; width: number; height: number }): number {
  return Number(
    run([
      "convert",
      shot,
      "-crop",
      `${region.width}x${region.height}+${region.x}+${region.y}`,
      "+repage",
      "-format",
      "%k",
      "info:",
    ]).trim(),
  );
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

/** Waits until the page's modal question is up: its backdrop darkens the page behind it. */
async function waitForQuestion(app: DesktopSession, window: string): Promise<void> {
  const shot = join(artifactsDir, "desktop-question.png");
  const brightness = () => {
    app.screenshot(shot);
    const { x, y } = app.windowGeometry(window);
    const hex = pixel(shot, x + 20, y + 700);
    return (
      Number.parseInt(hex.slice(1, 3), 16) + Number.parseInt(hex.slice(3, 5), 16) + Number.parseInt(hex.slice(5, 7), 16)
    );
  };
  await waitFor("the quit question in the page", () => (brightness() < 600 ? true : undefined), 15_000);
}

/**
 * Names the file in the page's save sheet, as a person would with the keyboard: the name's stem is
 * selected when the sheet opens, Tab reaches the folder field, Enter in the name saves.
 */
async function nameInSheet(app: DesktopSession, window: string, stem: string, folder: string): Promise<void> {
  await waitForQuestion(app, window);
  app.xdotool("type", "--delay", "15", stem);
  app.xdotool("key", "Tab", "ctrl+a");
  app.xdotool("type", "--delay", "15", folder);
  app.xdotool("key", "shift+Tab", "Return");
}

describe.skipIf(unavailable !== undefined)("the desktop app in a window", () => {
  test("npm start opens the window with the app's title, class and icon, and it shows the editor and the page; a page whose web process dies is loaded again", async () => {
    await using profile = await freshProfile();
    await using app = start(profile);
    // The page says when its editor is ready for typing; then it has drawn.
    const window = await app.waitForEditor(editorTimeoutMs);
    mkdirSync(artifactsDir, { recursive: true });
    const shot = join(artifactsDir, "desktop-window.png");
    const geometry = app.windowGeometry(window);
    const editor = { x: geometry.x + 20, y: geometry.y + 60, width: 420, height: 200 };
    // WebKit paints a frame or more after the page says it is ready; a busy machine takes longer.
    await waitFor(
      "the editor's text on the screen",
      () => {
        app.screenshot(shot);
        return colours(shot, editor) >= 20 ? true : undefined;
      },
      15_000,
    ).catch(() => undefined);
    expect({
      title: app.windowTitle(window),
      windowClass: app.windowClass(window),
      icon: /Icon \((\d+ x \d+)\)/.exec(
        run(["xprop", "-id", window, "-len", "8", "_NET_WM_ICON"], { ...process.env, DISPLAY: xvfb!.display }),
      )?.[1],
      // A window that fits the 1280×800 screen, centred.
      geometry,
      editorDrawn: colours(shot, editor) >= 20,
      toolbarDrawn: colours(shot, { x: geometry.x, y: geometry.y, width: geometry.width, height: 46 }) >= 10,
      // A start retried or an app reopened says so (tests/desktop-launch.test.ts); the rest is as without.
      lines: withoutRecoveries(app.lines)
        .filter((line) => line.startsWith("Stream Playground:"))
        .map((line) =>
          line
            .replace(/\(log: .*\)$/, "(log)")
            .replace(/(editor ready|window open) \(.*/, (said) => said.replace(/\d+/g, "N")),
        ),
    }).toEqual({
      title: "Untitled 1 — Stream Playground",
      windowClass: '"stream-playground", "Stream Playground"',
      icon: appIconSize(),
      geometry: { x: 51, y: 32, width: 1178, height: 736 },
      editorDrawn: true,
      toolbarDrawn: true,
      lines: [
        // npm start launched it, so it says when each step of its start came.
        "Stream Playground: desktop window open (N ms after its launch: its modules loaded at N, the host listening at N, the window made at N ms)",
        "Stream Playground: desktop app running; Ctrl+C quits it (log)",
        // The page said when each milestone of its start came, in WebKit as in Chromium.
        "Stream Playground: editor ready (N ms after the page began loading: page N, Monaco N, editor N, document N ms)",
      ],
    });

    // The page's web process dies (as WebKit's does when it crashes): the app notices, says so, and
    // loads the page again in the same window.
    const webProcesses = processesWith(app.marker).filter((p) => p.command.includes("WebKitWebProcess"));
    expect(webProcesses.length).toBeGreaterThan(0);
    for (const { pid } of webProcesses) process.kill(pid, "SIGKILL");
    await app.waitForLine(/^Stream Playground: the window's page went away/, 15_000);
    await waitFor("the page loaded again", () => (app.pageLoads() === 2 ? true : undefined), 30_000);
    expect(app.windowTitle(window)).toBe("Untitled 1 — Stream Playground");
    // WebKit paints the page (and its line saying why it was loaded again) a moment after it is ready.
    await Bun.sleep(1_000);
    app.screenshot(join(artifactsDir, "desktop-page-reloaded.png"));
  }, 120_000);

  test("npm start -- FILE opens the window on that file, whose runner answers a client from outside (its lane: artifacts/desktop-outside-lane.png)", async () => {
    await using profile = await freshProfile();
    await using folder = await createTempDir("desktop-file-");
    const file = join(folder.dir, "outside.ts");
    writeFileSync(
      file,
      `export default () => {
  const body = async function* () {
    for (let i = 1; i <= 3; i++) {
      yield \`data: from outside.ts \${i}\\n\\n\`;
      await Bun.sleep(200);
    }
  };
  return new Response(body(), { headers: { "content-type": "text/event-stream" } });
};
`,
    );
    await using app = start(profile, { args: [file] });
    const window = await app.waitForEditor(editorTimeoutMs);
    expect(app.windowTitle(window)).toBe("outside.ts — Stream Playground");
    // As curl would: straight to the runner that serves the file, once the page has loaded it. The
    // runner may still be starting (or listening not yet) when the editor is ready: look again until
    // one of its processes answers.
    const portsOf = (pid: number) => {
      try {
        return listeningPorts(pid);
      } catch {
        return []; // It ended while we looked.
      }
    };
    const body = await waitFor(
      "the file to serve",
      async () => {
        for (const runner of processesWith(app.marker).filter((p) => p.command.includes("runner-process.ts"))) {
          for (const port of portsOf(runner.pid)) {
            const response = await fetch(`http://127.0.0.1:${port}/events`).catch(() => undefined);
            if (response?.status === 200) return response.text();
          }
        }
        return undefined;
      },
      15_000,
    );
    expect(body).toBe("data: from outside.ts 1\n\ndata: from outside.ts 2\n\ndata: from outside.ts 3\n\n");
    await Bun.sleep(1_000);
    mkdirSync(artifactsDir, { recursive: true });
    app.screenshot(join(artifactsDir, "desktop-outside-lane.png"));
  }, 120_000);

  test("the window's size and place come back on the next start", async () => {
    await using profile = await freshProfile();
    const moved = { x: 100, y: 40, width: 1000, height: 700 };
    {
      await using app = start(profile);
      const window = await app.waitForEditor(editorTimeoutMs);
      app.xdotool("windowsize", window, String(moved.width), String(moved.height));
      app.xdotool("windowmove", window, String(moved.x), String(moved.y));
      await Bun.sleep(500);
      // Nothing unsaved (an untitled snippet is its own file): closing the window quits.
      app.closeWindow();
      expect(await app.exitedWithin(20_000)).toBe(0);
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
    expect(reason).toMatch(
      /^Desktop app not started: the desktop app exited with code \d+ before its window opened \(.*cannot open display: :987\); serving the playground in the browser instead\. \(Details: .*desktop\.log\)$/,
    );
    const launch = await fetch(url.slice("Stream Playground: ".length), { redirect: "manual" });
    expect(launch.status).toBe(303);
  }, 60_000);

  test.each([
    ["SIGTERM to npm", "desktop"],
    ["Ctrl+C (SIGINT to npm's process group)", "desktop"],
    ["SIGTERM to npm", "browser"],
  ] as const)(
    "%s ends every process npm start started (%s mode)",
    async (how, mode) => {
      await using profile = await freshProfile();
      await using app = start(profile, mode === "browser" ? { args: ["--web"] } : {});
      if (mode === "desktop") await app.waitForWindow(windowTimeoutMs);
      else await app.waitForLine(/^Stream Playground: http:/, 30_000);
      // Something to end: the runner (the URL and the window come before it is up), and in the
      // desktop app the launcher, its Bun and WebKit.
      await waitFor(
        "the runner",
        () => processesWith(app.marker).some((p) => p.command.includes("runner-process.ts")) || undefined,
        30_000,
      );
      const before = processesWith(app.marker).map((p) => p.command);
      const npm = app.npmPid();
      if (how === "SIGTERM to npm") process.kill(npm, "SIGTERM");
      else process.kill(-Number(readFileSync(`/proc/${npm}/stat`, "latin1").split(") ")[1]!.split(" ")[2]), "SIGINT");
      await app.waitUntilAllEnded(15_000);
      expect({
        runner: before.some((c) => c.includes("runner-process.ts")),
        app: mode === "browser" || before.some((c) => c.includes("launcher")),
      }).toEqual({ runner: true, app: true });
    },
    120_000,
  );

  test("npm run build:desktop makes a self-contained app folder whose launcher opens the playground", async () => {
    await using profile = await freshProfile();
    const build = Bun.spawnSync(["npm", "run", "--silent", "build:desktop"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = build.stdout.toString();
    expect({ code: build.exitCode, stderr: build.stderr.toString() }).toEqual({ code: 0, stderr: "" });
    const launcher = /^Run it with: (.*)$/m.exec(output)?.[1];
    expect(launcher).toBe(
      join(projectRoot, "build", "app", "dev-linux-x64", "StreamPlayground-dev", "bin", "launcher"),
    );
    // Nothing points it at the project: it must find its own files, and run snippets on its own Bun.
    await using app = await startBuilt(profile, launcher!);
    const window = await app.waitForWindow(windowTimeoutMs);
    const runner = await waitFor(
      "the app's runner",
      () => processesWith(app.marker).find((p) => p.command.includes("runner-process.ts"))?.command,
      30_000,
    );
    expect({
      // The window opens as the host listens; its title names the document once the workspace is open.
      title: await waitFor(
        () => `the document's name in the title (${app.windowTitle(window)})`,
        () => (app.windowTitle(window).startsWith("Untitled") ? app.windowTitle(window) : undefined),
        10_000,
      ),
      runnerFromTheApp: runner.startsWith(
        join(dirname(launcher!), "..", "Resources", "app", "node_modules", "bun", "bin", "bun.exe"),
      ),
    }).toEqual({
      title: "Untitled 1 — Stream Playground",
      runnerFromTheApp: true,
    });
  }, 180_000);

  test("a snippet runs in the window, a client's events reach the page, and the page exports them under the name and in the folder given in its save sheet", async () => {
    await using profile = await freshProfile();
    await using out = await createTempDir("desktop-export-");
    await using app = start(profile);
    const window = await app.waitForEditor(editorTimeoutMs);
    const { width, height } = app.windowGeometry(window);
    const layout = await pageLayout({ width, height });
    app.click(window, layout["#connect"]!);
    // The starter snippet streams five ticks 200 ms apart; give the stream time to end.
    await Bun.sleep(3_000);
    app.click(window, layout["#export-menu > summary"]!);
    await Bun.sleep(300);
    app.click(window, layout["#export-json"]!);
    await nameInSheet(app, window, "first-run", out.dir);
    app.screenshot(join(artifactsDir, "desktop-save-sheet.png"));
    const exported = join(out.dir, "first-run.jsonl");
    const text = await waitFor(
      "the exported timeline",
      () => (existsSync(exported) ? readFileSync(exported, "utf8") : undefined),
      15_000,
    );
    const events = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TimelineEvent);
    // The oracle: the same snippet traced by the trace command's engine, with the same client.
    const oracle = await traceSnippet({
      snippetPath: join(profile.workspace, "oracle.ts"),
      source: starterSnippet,
      path: "/",
      client: "stream",
    });
    // Every kind of event on both sides, and what the client received; not in how many chunks it
    // read the ticks, which a busy machine's client can read two at once.
    const laneKinds = (list: readonly TimelineEvent[]) =>
      list
        .filter((event) => event.lane === 1 && event.kind !== "chunk")
        .map((event) => `${event.side} ${event.kind}`)
        .sort();
    const received = (list: readonly TimelineEvent[]) =>
      list.flatMap((event) => (event.lane === 1 && event.kind === "chunk" ? [event.text] : [])).join("");
    expect({ kinds: laneKinds(events), received: received(events) }).toEqual({
      kinds: laneKinds(oracle.events),
      received: "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n",
    });
    expect(received(oracle.events)).toBe(received(events));
    app.screenshot(join(artifactsDir, "desktop-exported.png"));
  }, 180_000);

  test("a recording exported from the window opens in another start of the app, on a fresh profile, and shows the same timeline", async () => {
    await using out = await createTempDir("desktop-recording-");
    const chooseIn = async (app: DesktopSession, dialog: string, path: string) => {
      // GTK's open dialog: Ctrl+L opens the location field; a path and Enter choose it (once the
      // field's completion has caught up with the typing, or Enter only completes).
      app.xdotool("key", "--window", dialog, "ctrl+l");
      app.xdotool("type", "--delay", "15", path);
      await Bun.sleep(500);
      app.xdotool("key", "Return");
    };
    let recording: string;
    {
      await using profile = await freshProfile();
      await using app = start(profile);
      const window = await app.waitForEditor(editorTimeoutMs);
      const { width, height } = app.windowGeometry(window);
      const layout = await pageLayout({ width, height });
      app.click(window, layout["#connect"]!);
      // The starter snippet streams five ticks 200 ms apart; give the stream time to end.
      await Bun.sleep(3_000);
      app.click(window, layout["#export-menu > summary"]!);
      await Bun.sleep(300);
      app.click(window, layout["#export-recording"]!);
      await nameInSheet(app, window, "starter", out.dir);
      const file = join(out.dir, "starter.recording.jsonl");
      await waitFor("the exported recording", () => (existsSync(file) ? true : undefined), 15_000);
      recording = file;
    }
    const read = parseRecording(readFileSync(recording, "utf8"));
    if (!read.ok) throw new Error(read.problem);
    expect(read.recording.header?.versions.map((version) => version.source)).toEqual([starterSnippet]);
    // Five writes, and the client had all of them: in as many chunks as it read them in (a busy
    // machine's client can read two ticks at once).
    const texts = (kind: "write" | "chunk") =>
      read.recording.events.flatMap((event) => (event.kind === kind ? [event.text] : []));
    const ticks = ["tick 1\n", "tick 2\n", "tick 3\n", "tick 4\n", "tick 5\n"];
    expect({ written: texts("write"), received: texts("chunk").join("") }).toEqual({
      written: ticks,
      received: ticks.join(""),
    });

    // Another machine: another profile and workspace, another host and runner; only the file goes along.
    await using profile = await freshProfile();
    await using app = start(profile);
    const window = await app.waitForEditor(editorTimeoutMs);
    const { width, height } = app.windowGeometry(window);
    const layout = await pageLayout({ width, height });
    const bar = layout["#recording-bar"]!;
    app.click(window, layout["#file-menu > summary"]!);
    await Bun.sleep(300);
    app.click(window, layout["#file-open-recording"]!);
    await chooseIn(app, await app.waitForWindowNamed("Open File", 15_000), recording);
    // The recording's bar, tinted blue, is up once the page shows it (over the editor, which is white).
    const shot = join(artifactsDir, "desktop-recording-bar.png");
    const { x, y } = app.windowGeometry(window);
    await waitFor(
      "the recording's bar in the window",
      () => {
        app.screenshot(shot);
        const hex = pixel(shot, x + 8, y + bar.y);
        return Number.parseInt(hex.slice(5, 7), 16) - Number.parseInt(hex.slice(1, 3), 16) > 15 ? true : undefined;
      },
      15_000,
    );
    // What the window shows now, exported as the timeline JSON: the recording's events, as they were.
    app.click(window, layout["#export-menu > summary"]!);
    await Bun.sleep(300);
    app.click(window, layout["#export-json"]!);
    await nameInSheet(app, window, "shown", out.dir);
    const shown = join(out.dir, "shown.jsonl");
    const text = await waitFor(
      "the shown timeline, exported",
      () => (existsSync(shown) ? readFileSync(shown, "utf8") : undefined),
      15_000,
    );
    const events: TimelineEvent[] = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TimelineEvent)
      .filter((event) => event.kind !== "summary");
    expect(events).toEqual(read.recording.events);
    app.screenshot(join(artifactsDir, "desktop-recording-reopened.png"));
  }, 300_000);

  test("an app that crashes is opened again, saying so, with the unsaved edit it had, and its old runner gone", async () => {
    await using profile = await freshProfile();
    await using project = await createTempDir("desktop-project-");
    const { file, original } = openOnFile(profile, project.dir);
    await using app = start(profile);
    const window = await app.waitForEditor(editorTimeoutMs);
    await app.clickAndType(window, { x: 300, y: 300 }, "// edited");
    // The page keeps an unsaved edit as a draft in the workspace, a moment after the typing stops.
    // A draft is kept once it is renamed into place: the file it is written to first is not one,
    // and the next start clears it away.
    const drafts = join(profile.workspace, "drafts");
    const draftTexts = () =>
      existsSync(drafts)
        ? readdirSync(drafts)
            .filter((name) => !isAtomicTempName(name))
            .map((name) => {
              try {
                return readFileSync(join(drafts, name), "utf8");
              } catch {
                return ""; // Removed between the listing and the read.
              }
            })
        : [];
    await waitFor(
      () => {
        app.screenshot(join(artifactsDir, "desktop-crash-no-draft.png"));
        return `the edit kept as a draft (the window's title: ${JSON.stringify(app.windowTitle(window))}; drafts: ${JSON.stringify(draftTexts())})`;
      },
      () => (draftTexts().some((text) => text.includes("// edited")) ? true : undefined),
      10_000,
    );
    const appProcess = () => processesWith(app.marker).find((p) => p.command.includes("Resources/main.js"));
    const runners = () => processesWith(app.marker).filter((p) => p.command.includes("runner-process.ts"));
    const crashed = appProcess();
    const oldRunners = runners().map((p) => p.pid);
    expect({ app: crashed !== undefined, runners: oldRunners.length }).toEqual({ app: true, runners: 1 });
    // A native crash, as Bun's FFI callbacks from the GTK thread now and then cause: SIGTRAP.
    const linesBefore = app.lines.length;
    process.kill(crashed!.pid, "SIGTRAP");
    const crashLine = await waitFor(
      "npm start saying the app crashed",
      () => app.lines.slice(linesBefore).find((line) => line.startsWith("Stream Playground: the desktop app crashed")),
      15_000,
    );
    const reopened = await app.waitForEditor(editorTimeoutMs);
    // The crashed app's runner notices its host is gone within a second or so.
    const oldRunnerLeft = () => runners().some((p) => oldRunners.includes(p.pid));
    await waitFor("the old runner gone", () => (oldRunnerLeft() ? undefined : true), 5_000).catch(() => undefined);
    await Bun.sleep(500);
    app.screenshot(join(artifactsDir, "desktop-reopened-after-crash.png"));
    expect({
      // Bun's own crash handler may turn the trap into another crash signal (SIGILL) on its way out.
      said: crashLine.replace(/\(Details: .*\)$/, "(Details)").replace(/\((SIGTRAP|SIGILL)\)/, "(SIGTRAP or SIGILL)"),
      title: app.windowTitle(reopened),
      newApp: appProcess()?.pid !== crashed!.pid,
      // The crashed app's runner ended with it; the new app has one of its own.
      oldRunnerLeft: oldRunnerLeft(),
      onDisk: readFileSync(file, "utf8"),
    }).toEqual({
      said: "Stream Playground: the desktop app crashed (SIGTRAP or SIGILL); opening it again with your drafts. (Details)",
      title: "events.ts • — Stream Playground",
      newApp: true,
      oldRunnerLeft: false,
      onDisk: original,
    });
  }, 180_000);

  test("closing with unsaved edits asks in the same window, without loading it again: Cancel keeps editing, Keep as draft quits and the edit comes back", async () => {
    await using profile = await freshProfile();
    await using project = await createTempDir("desktop-project-");
    const { file, original } = openOnFile(profile, project.dir);
    {
      await using app = start(profile);
      const window = await app.waitForEditor(editorTimeoutMs);
      const { width, height } = app.windowGeometry(window);
      const layout = await pageLayout({ width, height });
      await app.clickAndType(window, { x: 300, y: 300 }, "// edited");
      await waitFor(
        "the unsaved marker in the title",
        () => (app.windowTitle(window).includes("•") ? true : undefined),
        10_000,
      );

      // Close, as a window manager's close button does: the same window stays, its page asks.
      app.closeWindow();
      await waitForQuestion(app, window);
      app.click(window, layout["#quit-cancel"]!);
      await Bun.sleep(1_000);
      const afterCancel = {
        title: app.windowTitle(window),
        exited: (await app.exitedWithin(0)) !== "still running",
        pageLoads: app.pageLoads(),
      };
      app.closeWindow();
      await waitForQuestion(app, window);
      app.click(window, layout["#quit-draft"]!);
      expect({ afterCancel, exit: await app.exitedWithin(20_000), onDisk: readFileSync(file, "utf8") }).toEqual({
        afterCancel: { title: "events.ts • — Stream Playground", exited: false, pageLoads: 1 },
        exit: 0,
        onDisk: original,
      });
    }
    await using again = start(profile);
    const window = await again.waitForEditor(editorTimeoutMs);
    expect(again.windowTitle(window)).toBe("events.ts • — Stream Playground");
  }, 180_000);
});
