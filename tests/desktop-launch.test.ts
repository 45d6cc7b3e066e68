import { describe, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildStamp, isBuildCurrent, locateAppBundle } from "../src/main/desktop/app-bundle.ts";
import type { AppProcess } from "../src/main/desktop/app-process.ts";
import {
  crashSignalOf,
  createCrashBudget,
  keepDesktopRunning,
  type Relaunched,
} from "../src/main/desktop/keep-running.ts";
import {
  desktopFailureLine,
  desktopOpenMessage,
  desktopReadyLine,
  pageReadyLine,
  pageReadyMessage,
  readDesktopOpenLine,
  readPageReadyLine,
  runDesktopApp,
  type DesktopRun,
} from "../src/main/desktop/start-desktop.ts";
import { gtkThemeFor } from "../src/main/desktop/gtk-theme.ts";
import { showsInTerminal } from "../src/main/desktop/launch-desktop.ts";
import { fallbackFrame, placeWindow } from "../src/main/desktop/window-frame.ts";
import { watchParent } from "../src/main/parent-watch.ts";
import { withoutRecoveries } from "./support/desktop-session.ts";
import { createTempDir } from "./support/temp-dir.ts";

/** An app process driven by the test: it prints what it is told and exits when told. */
function createFakeApp() {
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const exit = Promise.withResolvers<number>();
  const calls: string[] = [];
  const app: AppProcess = {
    lines: (async function* () {
      while (true) {
        const line = lines.shift();
        if (line !== undefined) yield line;
        else if (done) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    })(),
    exited: exit.promise,
    terminate: () => calls.push("terminate"),
    kill: () => calls.push("kill"),
  };
  return {
    app,
    calls,
    print(line: string) {
      lines.push(line);
      wake?.();
    },
    exit(code: number) {
      done = true;
      wake?.();
      exit.resolve(code);
    },
  };
}

/** Timers the test fires by hand. */
function createManualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: ((callback: () => void) => {
      const id = next++;
      pending.set(id, callback);
      return id;
    }) as unknown as typeof setTimeout,
    clearTimeout: ((id: number) => void pending.delete(id)) as unknown as typeof clearTimeout,
    /** Fires every pending timer once. */
    fireAll() {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
    get pending() {
      return pending.size;
    },
  };
}

function start(fake: ReturnType<typeof createFakeApp>, timers = createManualTimers(), pageReadyTimeoutMs?: number) {
  const seen: string[] = [];
  let onSeen: (() => void) | undefined;
  const run = runDesktopApp({
    launch: () => fake.app,
    readyTimeoutMs: 30_000,
    pageReadyTimeoutMs,
    quitGraceMs: 5_000,
    onLine: (line) => {
      seen.push(line);
      onSeen?.();
    },
    ...timers,
  });
  /** Resolves once the run has been handed `count` lines (and has done what each line asks). */
  const seenLines = (count: number) =>
    new Promise<void>((resolve) => {
      onSeen = () => seen.length >= count && resolve();
      onSeen();
    });
  return { run, seen, timers, seenLines };
}

describe("starting the desktop app", () => {
  test("the window's line means started; every line is passed on; a quit ends it and its group", async () => {
    const fake = createFakeApp();
    const { run, seen } = start(fake);
    fake.print("Launcher starting on linux...");
    fake.print(desktopReadyLine);
    expect(await run.started).toEqual({ ok: true });
    fake.exit(0);
    expect({ code: await run.ended, seen, calls: fake.calls }).toEqual({
      code: 0,
      seen: ["Launcher starting on linux...", desktopReadyLine],
      calls: ["kill"],
    });
  });

  test("an app that says it failed is reported with its own reason", async () => {
    const fake = createFakeApp();
    const { run } = start(fake);
    fake.print(`${desktopFailureLine} cannot find the playground's files`);
    fake.exit(0);
    // The app named its reason: a second try would only say it again.
    expect(await run.started).toEqual({
      ok: false,
      reason: "cannot find the playground's files",
      retry: false,
      crashed: false,
    });
  });

  test("an app that exits before its window opened is reported with its last error line", async () => {
    const fake = createFakeApp();
    const { run } = start(fake);
    fake.print("error: libwebkit2gtk-4.1.so.0: cannot open shared object file");
    fake.print("bye");
    fake.exit(1);
    expect(await run.started).toEqual({
      ok: false,
      reason:
        "the desktop app exited with code 1 before its window opened (error: libwebkit2gtk-4.1.so.0: cannot open shared object file)",
      retry: true,
      crashed: false,
    });
  });

  test("an app killed by a signal before its window opened is reported as a crash, worth another try", async () => {
    const fake = createFakeApp();
    const { run } = start(fake);
    fake.print("Child process terminated by signal: 5");
    fake.exit(133);
    expect(await run.started).toEqual({
      ok: false,
      reason: "the desktop app exited with code 133 before its window opened",
      retry: true,
      crashed: true,
    });
  });

  test("a window that does not open in time ends the app and says so", async () => {
    const fake = createFakeApp();
    const { run, timers } = start(fake);
    timers.fireAll();
    expect({ started: await run.started, calls: fake.calls }).toEqual({
      started: { ok: false, reason: "the desktop window did not open within 30 s", retry: true, timedOut: true },
      calls: ["kill"],
    });
  });

  test("stop asks the app to quit, and ends its group when it does not within the grace", async () => {
    const fake = createFakeApp();
    const { run, timers } = start(fake);
    fake.print(desktopReadyLine);
    await run.started;
    const stopped = run.stop();
    expect(fake.calls).toEqual(["terminate"]);
    timers.fireAll();
    expect(fake.calls).toEqual(["terminate", "kill"]);
    fake.exit(143);
    expect(await stopped).toBe(143);
  });

  test("a window whose first page never says it is ready ends the app as hung; a page that does keeps it", async () => {
    const stuck = createFakeApp();
    const hung = start(stuck, createManualTimers(), 40_000);
    stuck.print(desktopReadyLine);
    expect(await hung.run.started).toEqual({ ok: true });
    expect({ pending: hung.timers.pending, hung: hung.run.hung }).toEqual({ pending: 1, hung: undefined });
    hung.timers.fireAll();
    stuck.exit(137);
    expect({ code: await hung.run.ended, calls: stuck.calls, hung: hung.run.hung }).toEqual({
      code: 137,
      calls: ["kill", "kill"],
      hung: "its page did not say it was ready within 40 s of the window opening",
    });

    const fine = createFakeApp();
    const ready = start(fine, createManualTimers(), 40_000);
    fine.print(desktopReadyLine);
    fine.print(`${pageReadyLine} (512 ms after the page began loading)`);
    await ready.seenLines(2);
    // Its timer is cleared: nothing is left to fire, and the app runs on.
    expect({ pending: ready.timers.pending, calls: fine.calls, hung: ready.run.hung }).toEqual({
      pending: 0,
      calls: [],
      hung: undefined,
    });
    fine.exit(0);
    expect(await ready.run.ended).toBe(0);
  });

  test("stop before the window opened ends the group at once", async () => {
    const fake = createFakeApp();
    const { run } = start(fake);
    const stopped = run.stop();
    fake.exit(137);
    expect({ started: await run.started, code: await stopped, calls: fake.calls[0] }).toEqual({
      started: { ok: false, reason: "stopped before the window opened", retry: false },
      code: 137,
      calls: "kill",
    });
  });
});

/** A running app the test ends when it likes. */
function createFakeRun(hung?: string) {
  const ended = Promise.withResolvers<number>();
  const calls: string[] = [];
  const run: DesktopRun = {
    started: Promise.resolve({ ok: true }),
    ended: ended.promise,
    hung,
    stop() {
      calls.push("stop");
      ended.resolve(143);
      return ended.promise;
    },
  };
  return { run, calls, end: (code: number) => ended.resolve(code) };
}

function keepRunning(options: {
  first: DesktopRun;
  relaunches: Relaunched[];
  stopped?: () => boolean;
  now?: () => number;
}) {
  const said: string[] = [];
  const reasons: string[] = [];
  let relaunched = 0;
  let waiters: { count: number; wake: () => void }[] = [];
  const exit = keepDesktopRunning({
    first: options.first,
    relaunch: async (why) => {
      reasons.push(why);
      const next = options.relaunches[relaunched++];
      for (const waiter of waiters) if (relaunched >= waiter.count) waiter.wake();
      waiters = waiters.filter((waiter) => relaunched < waiter.count);
      if (!next) throw new Error("relaunched more often than the test expected");
      return next;
    },
    budget: createCrashBudget({ limit: 2, windowMs: 60_000, now: options.now ?? (() => 0) }),
    stopped: options.stopped ?? (() => false),
    logFile: "/tmp/desktop.log",
    say: (line) => said.push(line),
  });
  /** Resolves once the app has been opened again `count` times in all. */
  const relaunchedTimes = (count: number) =>
    new Promise<void>((wake) => (relaunched >= count ? wake() : waiters.push({ count, wake })));
  return { exit, said, reasons, relaunches: () => relaunched, relaunchedTimes };
}

describe("keeping the desktop app running", () => {
  test("only the launcher's codes for a crash signal count as a crash", () => {
    expect([133, 134, 135, 136, 132, 139, 159].map(crashSignalOf)).toEqual([
      "SIGTRAP",
      "SIGABRT",
      "SIGBUS",
      "SIGFPE",
      "SIGILL",
      "SIGSEGV",
      "SIGSYS",
    ]);
    // A normal quit, an exit with an error, and signals someone sends to end the app on purpose.
    expect([0, 1, 2, 128, 129, 130, 137, 143].map(crashSignalOf)).toEqual(Array(8).fill(undefined));
  });

  test("an app that quits ends npm start with its code, and nothing is opened again", async () => {
    for (const code of [0, 1, 143]) {
      const first = createFakeRun();
      const kept = keepRunning({ first: first.run, relaunches: [] });
      first.end(code);
      expect({ code: await kept.exit, said: kept.said, relaunches: kept.relaunches() }).toEqual({
        code,
        said: [],
        relaunches: 0,
      });
    }
  });

  test.each([
    {
      ending: "a crash",
      code: 133,
      hung: undefined,
      said: "the desktop app crashed (SIGTRAP); opening it again with your drafts.",
      reason: "app-crashed",
    },
    {
      ending: "a hang",
      code: 137,
      hung: "its page did not say it was ready within 40 s of the window opening",
      said: "the desktop app hung (its page did not say it was ready within 40 s of the window opening); opening it again with your drafts.",
      reason: "app-hung",
    },
  ])("$ending is said, with why and the log, and the app is opened again, told why", async (ending) => {
    const first = createFakeRun(ending.hung);
    const second = createFakeRun();
    const kept = keepRunning({ first: first.run, relaunches: [{ ok: true, run: second.run }] });
    first.end(ending.code);
    await kept.relaunchedTimes(1);
    expect({ said: kept.said, reasons: kept.reasons }).toEqual({
      said: [`Stream Playground: ${ending.said} (Details: /tmp/desktop.log)`],
      // The app opened again is told why, for its page to say.
      reasons: [ending.reason],
    });
    // The window tests read past a recovery like this one, as a start that needed none.
    const opened = desktopReadyLine;
    const ready = `${pageReadyLine} (900 ms after the page began loading)`;
    const running = "Stream Playground: desktop app running; Ctrl+C quits it (log: /tmp/desktop.log)";
    expect(withoutRecoveries([opened, running, ...kept.said, opened, ready])).toEqual([opened, running, ready]);
    second.end(0);
    expect(await kept.exit).toBe(0);
  });

  test("crashes beyond the budget's limit within its window end npm start with the crash's code", async () => {
    const runs = [createFakeRun(), createFakeRun(), createFakeRun()];
    let clock = 0;
    const kept = keepRunning({
      first: runs[0]!.run,
      relaunches: [
        { ok: true, run: runs[1]!.run },
        { ok: true, run: runs[2]!.run },
      ],
      now: () => clock,
    });
    for (const [i, run] of runs.entries()) {
      clock += 10_000;
      run.end(139);
      if (i < runs.length - 1) await kept.relaunchedTimes(i + 1);
    }
    expect({ code: await kept.exit, relaunches: kept.relaunches(), last: kept.said.at(-1) }).toEqual({
      code: 139,
      relaunches: 2,
      last: "Stream Playground: the desktop app crashed (SIGSEGV); that makes 3 crashes or hangs within 1 min, so it is not opened again. Your edits are kept as drafts. (Details: /tmp/desktop.log)",
    });
  });

  test("crashes far apart are each recovered from: the budget counts only its window", async () => {
    const budget = createCrashBudget({
      limit: 2,
      windowMs: 60_000,
      now: (() => {
        let clock = 0;
        return () => (clock += 45_000);
      })(),
    });
    // 45 s apart: never more than two within a minute.
    expect(Array.from({ length: 6 }, () => budget.spend())).toEqual(Array(6).fill(true));
    const tight = createCrashBudget({ limit: 2, windowMs: 60_000, now: () => 0 });
    expect([tight.spend(), tight.spend(), tight.spend()]).toEqual([true, true, false]);
  });

  test("a relaunch that fails ends npm start with code 1, saying why", async () => {
    const first = createFakeRun();
    const kept = keepRunning({
      first: first.run,
      relaunches: [{ ok: false, reason: "the desktop window did not open within 30 s" }],
    });
    first.end(134);
    expect({ code: await kept.exit, last: kept.said.at(-1) }).toEqual({
      code: 1,
      last: "Stream Playground: the desktop app could not be opened again: the desktop window did not open within 30 s",
    });
  });

  test("an app that ends while npm start is stopping is no crash: exit 0, and a relaunch under way is stopped", async () => {
    let stopping = false;
    const first = createFakeRun();
    const kept = keepRunning({ first: first.run, relaunches: [], stopped: () => stopping });
    stopping = true;
    first.end(139);
    expect({ code: await kept.exit, said: kept.said }).toEqual({ code: 0, said: [] });

    stopping = false;
    const crashed = createFakeRun();
    const reopened = createFakeRun();
    const during = keepDesktopRunning({
      first: crashed.run,
      relaunch: async () => {
        stopping = true;
        return { ok: true, run: reopened.run };
      },
      budget: createCrashBudget({ limit: 2, windowMs: 60_000 }),
      stopped: () => stopping,
      logFile: "/tmp/desktop.log",
      say: () => {},
    });
    crashed.end(133);
    expect({ code: await during, reopened: reopened.calls }).toEqual({ code: 0, reopened: ["stop"] });
  });
});

describe("where the window opens", () => {
  const screen = { workArea: { x: 0, y: 0, width: 1280, height: 800 }, isPrimary: true };

  test("a first start centres a window that fits the screen's work area", () => {
    expect(placeWindow(undefined, [screen])).toEqual({ x: 51, y: 32, width: 1178, height: 736 });
  });

  test("a large screen gets the preferred size", () => {
    expect(placeWindow(undefined, [{ workArea: { x: 0, y: 27, width: 2560, height: 1413 }, isPrimary: true }])).toEqual(
      { x: 560, y: 284, width: 1440, height: 900 },
    );
  });

  test("the saved frame comes back when it is on a screen", () => {
    const saved = { x: 10, y: 20, width: 900, height: 700 };
    expect(placeWindow(saved, [screen])).toEqual(saved);
  });

  test("a saved frame on a screen that is gone is replaced", () => {
    expect(placeWindow({ x: 3000, y: 20, width: 900, height: 700 }, [screen])).toEqual({
      x: 51,
      y: 32,
      width: 1178,
      height: 736,
    });
  });

  test("with no screen information the saved frame, else a fixed one, is used", () => {
    const saved = { x: 10, y: 20, width: 900, height: 700 };
    expect([placeWindow(saved, []), placeWindow(undefined, [])]).toEqual([saved, fallbackFrame]);
  });
});

describe("the app's build on disk", () => {
  test("the launcher's place follows Electrobun's layout on each OS", () => {
    const base = { projectRoot: "/p", appName: "Stream Playground", arch: "x64" };
    expect([
      locateAppBundle({ ...base, env: "dev", platform: "linux" }),
      locateAppBundle({ ...base, env: "stable", platform: "win32" }).launcher,
      locateAppBundle({ ...base, env: "dev", platform: "darwin" }).launcher,
    ]).toEqual([
      {
        folder: "/p/build/dev-linux-x64/StreamPlayground-dev",
        launcher: "/p/build/dev-linux-x64/StreamPlayground-dev/bin/launcher",
        launcherCwd: "/p/build/dev-linux-x64/StreamPlayground-dev/bin",
        stampFile: "/p/build/dev-linux-x64/stream-playground-build.json",
      },
      "/p/build/stable-win-x64/StreamPlayground/bin/launcher.exe",
      "/p/build/dev-macos-x64/Stream Playground-dev.app/Contents/MacOS/launcher",
    ]);
  });

  test("a build is current only with its launcher and the stamp of the same inputs", async () => {
    await using dir = await createTempDir("bundle-");
    const input = join(dir.dir, "electrobun.config.ts");
    await writeFile(input, "one");
    const bundle = {
      folder: dir.dir,
      launcher: join(dir.dir, "launcher"),
      launcherCwd: dir.dir,
      stampFile: join(dir.dir, "stamp.json"),
    };
    const stamp = buildStamp([input]);
    const noLauncher = isBuildCurrent(bundle, stamp);
    await writeFile(bundle.launcher, "");
    const noStamp = isBuildCurrent(bundle, stamp);
    await writeFile(bundle.stampFile, JSON.stringify({ stamp }));
    const current = isBuildCurrent(bundle, stamp);
    await writeFile(input, "two");
    const changed = isBuildCurrent(bundle, buildStamp([input]));
    await writeFile(bundle.stampFile, "{not json");
    const broken = isBuildCurrent(bundle, stamp);
    expect({ noLauncher, noStamp, current, changed, broken }).toEqual({
      noLauncher: false,
      noStamp: false,
      current: true,
      changed: false,
      broken: false,
    });
  });
});

describe("watching the parent process", () => {
  test("reports once when the parent changes, and not before", () => {
    let parent = 100;
    let tick: (() => void) | undefined;
    let stopped = 0;
    let gone = 0;
    watchParent({
      onGone: () => gone++,
      parentPid: () => parent,
      setInterval: ((callback: () => void) => {
        tick = callback;
        return 1;
      }) as unknown as typeof setInterval,
      clearInterval: (() => stopped++) as unknown as typeof clearInterval,
    });
    tick!();
    const before = gone;
    parent = 1;
    tick!();
    expect({ before, gone, stopped }).toEqual({ before: 0, gone: 1, stopped: 1 });
  });
});

describe("the GTK theme the app starts with", () => {
  test("dark for the dark theme, unless the user chose a GTK theme; the desktop's own otherwise", () => {
    expect([
      gtkThemeFor("dark", {}),
      gtkThemeFor("dark", { GTK_THEME: "Yaru" }),
      gtkThemeFor("light", {}),
      gtkThemeFor("system", {}),
    ]).toEqual(["Adwaita:dark", undefined, undefined, undefined]);
  });
});

describe("the editor ready line", () => {
  test("says how long the page took and, from the milestones it reported, in what parts; the benchmark reads them back", () => {
    const marks = { "page-script": 180.4, "monaco-loaded": 410.6, "editor-created": 452, "editor-ready": 452.7 };
    const line = pageReadyMessage({ editorReadyMs: 452.7, marks });
    expect(line).toBe(
      "Stream Playground: editor ready (453 ms after the page began loading: page 180, Monaco 230, editor 41, document 1 ms)",
    );
    expect(readPageReadyLine(line)).toEqual({
      editorReadyMs: 453,
      parts: { page: 180, monaco: 230, editor: 41, document: 1 },
    });
  });

  test("without every milestone up to the editor ready, it gives the time alone; another line is not read as one", () => {
    for (const marks of [undefined, { "page-script": 180, "monaco-loaded": 410 }]) {
      const line = pageReadyMessage({ editorReadyMs: 512, marks });
      expect(line).toBe("Stream Playground: editor ready (512 ms after the page began loading)");
      expect(readPageReadyLine(line)).toEqual({ editorReadyMs: 512 });
    }
    expect(
      readPageReadyLine(
        "Stream Playground: something else (5 ms after the page began loading: page 1, Monaco 2, editor 3, document 4 ms)",
      ),
    ).toBeUndefined();
  });
});

describe("what npm start shows of the app's lines", () => {
  const editorReady = pageReadyMessage({ editorReadyMs: 507, marks: undefined });
  const windowOpen = desktopOpenMessage({ steps: { modules: 251, listening: 257, window: 348 }, openMs: 2_202 });
  /** What the terminal gets of `lines`, the window opening at its line, as `runDesktopApp` reports it. */
  function shown(lines: readonly string[], verbose = false): string[] {
    let opened = false;
    return lines.filter((line) => {
      const shows = showsInTerminal(line, { opened, verbose });
      if (line.includes(desktopReadyLine)) opened = true;
      return shows;
    });
  }

  test("the editor's ready line, also when it comes before the window's (a host whose runner started after the page was ready)", () => {
    const lines = [
      "Launcher starting on linux...",
      "Stream Playground: runner took a while",
      editorReady,
      windowOpen,
      "Stream Playground: desktop app running",
      "GlobalShortcut: Event loop ready",
      "host: the runner restarted",
      "GLXBadWindow error",
      "libEGL warning: something",
    ];
    expect(shown(lines)).toEqual([
      editorReady,
      windowOpen,
      "Stream Playground: desktop app running",
      "host: the runner restarted",
      "libEGL warning: something",
    ]);
    expect(shown(lines, true)).toEqual(lines);
  });
});

describe("the window's open line", () => {
  test("says when each step of the app's start came after npm start launched it; the benchmark reads them back", () => {
    const line = desktopOpenMessage({ steps: { modules: 212.4, listening: 220.6, window: 301 }, openMs: 388.5 });
    expect(line).toBe(
      "Stream Playground: desktop window open (389 ms after its launch: its modules loaded at 212, the host listening at 221, the window made at 301 ms)",
    );
    expect(readDesktopOpenLine(line)).toEqual({ openMs: 389, steps: { modules: 212, listening: 221, window: 301 } });
  });

  test("an app launched by hand says the bare line, which npm start still takes for an open window", async () => {
    expect(desktopOpenMessage(undefined)).toBe(desktopReadyLine);
    expect(readDesktopOpenLine(desktopReadyLine)).toBeUndefined();
    expect(
      readDesktopOpenLine(
        "Stream Playground: editor ready (5 ms after its launch: its modules loaded at 1, the host listening at 2, the window made at 3 ms)",
      ),
    ).toBeUndefined();
    // What npm start waits for is the line's beginning: the times after it change nothing.
    const fake = createFakeApp();
    const { run } = start(fake);
    fake.print(desktopOpenMessage({ steps: { modules: 1, listening: 2, window: 3 }, openMs: 4 }));
    expect(await run.started).toEqual({ ok: true });
    fake.exit(0);
    expect(await run.ended).toBe(0);
  });
});
