/**
 * `npm start [FILE]` (`stream-playground [FILE]` once installed): the desktop app where it can run,
 * and otherwise the playground in a browser, after one line saying why; with FILE, open on that
 * snippet file. `--web` (or `npm run start:web`) always uses the browser; `--verbose` shows
 * everything the desktop app prints.
 *
 * Whatever mode it is in, Ctrl+C, SIGTERM, SIGHUP, or npm going away ends every process it started.
 */

import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { gtkThemeFor } from "./desktop/gtk-theme.ts";
import { createCrashBudget, keepDesktopRunning } from "./desktop/keep-running.ts";
import { launchDesktop } from "./desktop/launch-desktop.ts";
import { loadSettings } from "./files/index.ts";
import { packageDir } from "./package-dir.ts";
import { projectRoot } from "./project-root.ts";
import { chooseLaunchMode } from "./launch-mode.ts";
import { watchParent } from "./parent-watch.ts";
import { resolveWorkspaceDir } from "./workspace.ts";

/** Electrobun's folder of native binaries for this platform, e.g. `dist-linux-x64`. */
function electrobunCoreDir(): string {
  const os = process.platform === "darwin" ? "macos" : process.platform === "win32" ? "win" : process.platform;
  return join(packageDir("electrobun"), `dist-${os}-${process.arch}`);
}

/** WebKitGTK 4.1 in one of the places Linux distributions put shared libraries. */
function hasWebkitGtk(): boolean {
  const dirs = ["/usr/lib", "/usr/lib64", `/usr/lib/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`];
  return dirs.some(
    (dir) => existsSync(dir) && readdirSync(dir).some((name) => name.startsWith("libwebkit2gtk-4.1.so")),
  );
}

const say = (line: string) => console.log(line);

/**
 * Browser mode: the host, in this process. Its modules are loaded only here, so that a desktop
 * start does not wait for them (the desktop app loads the host in its own process).
 */
async function serveInBrowser(openPath: string | undefined): Promise<void> {
  const { launchWebHost } = await import("./launch-web.ts");
  await launchWebHost({ openPath });
}

/** The desktop app is opened again after a crash, up to this many crashes within this long. */
const desktopCrashLimit = 3;
const desktopCrashWindowMs = 5 * 60_000;

/** The snippet file named on the command line, as an absolute path; it must be a file that exists. */
function fileArgument(args: readonly string[]): string | undefined {
  const named = args.find((arg) => !arg.startsWith("-"));
  if (named === undefined) return undefined;
  const path = resolve(named);
  if (!existsSync(path)) {
    console.error(`no such file: ${named}`);
    process.exit(2);
  }
  return path;
}

const openPath = fileArgument(process.argv.slice(2));
const mode = chooseLaunchMode({
  platform: process.platform,
  env: process.env,
  forceBrowser: process.argv.includes("--web"),
  electrobunCore: existsSync(electrobunCoreDir()),
  webkitGtk: process.platform === "linux" ? hasWebkitGtk() : true,
});

if (mode.mode === "browser") {
  say(`Desktop app not started: ${mode.reason}; serving the playground in the browser instead.`);
  await serveInBrowser(openPath);
} else {
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  const unwatch = watchParent({ onGone: stop });

  const workspaceDir = resolveWorkspaceDir(undefined);
  // GTK draws before the page does: started in the page's theme, the window never flashes the other.
  const gtkTheme = gtkThemeFor((await loadSettings(workspaceDir)).settings.theme, process.env);
  const desktop = await launchDesktop({
    projectRoot,
    logDir: workspaceDir,
    downloadCore: mode.downloadCore,
    verbose: process.argv.includes("--verbose"),
    env: {
      ...process.env,
      ...(openPath === undefined ? {} : { STREAM_PLAYGROUND_OPEN: openPath }),
      ...(gtkTheme === undefined ? {} : { GTK_THEME: gtkTheme }),
    },
    say,
    signal: stopping.signal,
  });
  if (stopping.signal.aborted) process.exit(0);
  if (!desktop.ok) {
    // The browser mode below installs its own stop handling.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, stop);
    unwatch();
    say(
      `Desktop app not started: ${desktop.reason}; serving the playground in the browser instead. (Details: ${desktop.logFile})`,
    );
    await serveInBrowser(openPath);
  } else {
    say(`Stream Playground: desktop app running; Ctrl+C quits it (log: ${desktop.logFile})`);
    const code = await keepDesktopRunning({
      first: desktop.run,
      relaunch: desktop.relaunch,
      budget: createCrashBudget({ limit: desktopCrashLimit, windowMs: desktopCrashWindowMs }),
      stopped: () => stopping.signal.aborted,
      logFile: desktop.logFile,
      say,
    });
    process.exit(code);
  }
}
