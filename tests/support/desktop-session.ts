/**
 * The desktop app in a real window, for end-to-end tests: an Xvfb display of the test's own, and
 * `npm start` in its own session, process group and D-Bus (as the desktop harness's README says a
 * desktop test must run). Everything it starts carries a marker in its environment, so a test can
 * prove that nothing it started is still running, whoever re-parented it.
 *
 * Where there is no Electrobun core (a fresh clone elsewhere), no Xvfb or no xdotool, the desktop
 * tests are skipped with one line that says why: see `desktopUnavailable`.
 */

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { collectLines } from "./lines.ts";
import { errorMessage } from "../../src/contract/index.ts";
import { desktopReadyLine } from "../../src/main/desktop/start-desktop.ts";

export const projectRoot = join(import.meta.dir, "..", "..");
/** The harness's own WM_DELETE_WINDOW sender (Xvfb has no window manager to close windows). */
export const closeWindowScript = join(projectRoot, "..", "shared", "desktop-harness", "close-window.py");
/** Windows of the app are found by their class, which the app sets to its name. */
export const appWindowClass = "Stream Playground";

const coreLauncher = join(projectRoot, "node_modules", "electrobun", `dist-linux-${process.arch}`, "launcher");

/** Why the desktop tests cannot run here, or undefined when they can. */
export function desktopUnavailable(): string | undefined {
  if (process.platform !== "linux") return `the desktop tests run on Linux under Xvfb, not on ${process.platform}`;
  if (!existsSync(coreLauncher))
    return "Electrobun's native core is not installed (bash ../shared/desktop-harness/build-core.sh node_modules/electrobun)";
  for (const command of ["Xvfb", "dbus-run-session", "xdotool", "import", "xprop", "xwininfo", "convert"]) {
    if (Bun.which(command) === null) return `${command} is not installed (see ../shared/desktop-harness/README.md)`;
  }
  if (!existsSync(closeWindowScript)) return `${closeWindowScript} is missing`;
  return undefined;
}

/** How long a session's end may take to find no process of its own left. */
const disposeTimeoutMs = 5_000;

/** How long after a click the keys are pressed (see `clickAndType`). */
const clickToKeysMs = 250;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `check` returns something other than undefined, or fails after `timeoutMs`, saying
 * what it waited for (`what`, or what `what()` says then).
 */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    }
    await sleep(100);
  }
}

/** Runs a command to completion and returns its stdout; a failure throws with its stderr. */
export function run(command: string[], env: Record<string, string | undefined> = process.env): string {
  const result = Bun.spawnSync(command, { env, stdio: ["ignore", "pipe", "pipe"] });
  if (result.exitCode !== 0)
    throw new Error(`${command.join(" ")} exited with ${result.exitCode}: ${result.stderr.toString().trim()}`);
  return result.stdout.toString();
}

/** A display of the test's own: `Xvfb -displayfd` picks a free number and tells it. */
export async function startXvfb(size = "1280x800x24") {
  const xvfb = Bun.spawn(["Xvfb", "-displayfd", "1", "-screen", "0", size, "-nolisten", "tcp"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // What the X server says (a client it refused, say), for a test that waited for a window in vain.
  const said: string[] = [];
  void collectLines(xvfb.stderr, said);
  const reader = xvfb.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("Xvfb exited before it said which display it took");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const display = `:${text.trim()}`;
  return {
    display,
    /** The X server's last lines on stderr, or "nothing". */
    said: () => said.slice(-8).join(" | ") || "nothing",
    async [Symbol.asyncDispose]() {
      // Asked first: Xvfb ended by SIGTERM removes its socket in /tmp/.X11-unix and its lock file,
      // which a SIGKILL leaves behind.
      xvfb.kill("SIGTERM");
      const ended = await Promise.race([xvfb.exited.then(() => true), Bun.sleep(2_000).then(() => false)]);
      if (!ended) xvfb.kill("SIGKILL");
      await xvfb.exited;
    },
  };
}

/** Processes whose environment carries `marker`: everything a session started, wherever it went. */
export function processesWith(marker: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) continue;
      // A zombie has ended; it only waits for its parent to notice.
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, "latin1"))) continue;
      found.push({
        pid: Number(entry),
        command: readFileSync(`/proc/${entry}/cmdline`, "latin1").replaceAll("\0", " ").trim(),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The TCP ports process `pid` listens on, read from /proc (its sockets' inodes among the listening ones). */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, "latin1").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local address, state (0A: listening), inode.
      if (fields[3] === "0A" && inodes.has(fields[9] ?? "")) ports.push(Number.parseInt(fields[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}

/** The line the app prints once its page's editor is ready for typing (a page loaded again prints it again). */
const editorReadyLine = /^Stream Playground: editor ready/;
/** `npm start` opening the app again after it crashed or hung (`keep-running.ts`). */
const reopenedLine = /^Stream Playground: the desktop app (crashed|hung) .*; opening it again/;
/** `npm start` trying a failed start once more (`launch-desktop.ts`). */
const retriedLine = /^Stream Playground: the desktop app \w+ while starting/;

/**
 * `npm start`'s lines as a start that needed no second try would have printed them: without its
 * lines about a start tried again or an app opened again (Electrobun's Bun crashes or hangs now and
 * then; `npm start` recovers), and without the reopened app's own window-open line.
 */
export function withoutRecoveries(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let reopening = false;
  for (const line of lines) {
    if (retriedLine.test(line)) continue;
    if (reopenedLine.test(line)) reopening = true;
    else if (reopening && line.startsWith(desktopReadyLine)) reopening = false;
    else kept.push(line);
  }
  return kept;
}

export interface DesktopSessionOptions {
  display: string;
  /** HOME for the app (WebKit keeps its profile there). */
  home: string;
  /** STREAM_PLAYGROUND_HOME: the workspace, settings and desktop.log. */
  workspace: string;
  /** Arguments after `npm start --`. */
  args?: string[] | undefined;
  /** What to run instead of `npm start` (a built app's launcher), and where. */
  command?: string[] | undefined;
  cwd?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
  /** What the X server said, for a wait that times out. */
  displaySaid?: (() => string) | undefined;
}

const systemSessionBusConfig = "/usr/share/dbus-1/session.conf";

/**
 * `dbus-run-session`'s arguments for a bus whose socket is made in `folder`: the system's session
 * configuration listens in /tmp, and the socket's file outlives the bus there. Without that
 * configuration to copy, the system's own is used.
 */
function sessionBusArgs(folder: string): string[] {
  let config: string;
  try {
    config = readFileSync(systemSessionBusConfig, "utf8");
  } catch {
    return [];
  }
  const listen = /<listen>[^<]*<\/listen>/;
  if (!listen.test(config)) return [];
  const path = join(folder, ".desktop-test-session-bus.conf");
  writeFileSync(path, config.replace(listen, `<listen>unix:dir=${folder}</listen>`));
  return [`--config-file=${path}`];
}

/**
 * `npm start` (or another command) under `dbus-run-session`, in a process group of its own, with
 * the bus's socket in `options.home`.
 */
export function startDesktopSession(options: DesktopSessionOptions) {
  const marker = `STREAM_PLAYGROUND_TEST_MARK=${crypto.randomUUID()}`;
  const [markName, markValue] = marker.split("=") as [string, string];
  const env = {
    ...process.env,
    CI: undefined,
    DISPLAY: options.display,
    WAYLAND_DISPLAY: undefined,
    HOME: options.home,
    STREAM_PLAYGROUND_HOME: options.workspace,
    NO_AT_BRIDGE: "1",
    PORT: "0",
    ...options.env,
    [markName]: markValue,
  };
  const command = options.command ?? ["npm", "start", "--silent", "--", "--no-open", ...(options.args ?? [])];
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    ["dbus-run-session", ...sessionBusArgs(options.home), "--", ...command],
    {
      cwd: options.cwd ?? projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const lines: string[] = [];
  /** When each line arrived (`performance.now()`), by its index in `lines`. */
  const arrivals: number[] = [];
  const arrived = () => arrivals.push(performance.now());
  void collectLines(child.stdout, lines, arrived);
  void collectLines(child.stderr, lines, arrived);
  const xenv = { ...process.env, DISPLAY: options.display };

  /** What the app said before a wait timed out: its last lines, and the end of its desktop.log. */
  const saidSoFar = () => {
    let log: string;
    try {
      log = readFileSync(join(options.workspace, "desktop.log"), "utf8").trim().split("\n").slice(-15).join(" | ");
    } catch (error) {
      log = `(not readable: ${errorMessage(error)})`;
    }
    const display = options.displaySaid ? `; the X server said: ${options.displaySaid()}` : "";
    return `npm start printed: ${lines.slice(-8).join(" | ") || "nothing"}; desktop.log ends: ${log}${display}`;
  };

  const session = {
    marker,
    /** Every line `npm start` printed so far (stdout and stderr). */
    lines,
    exited: child.exited,
    /** The exit code once `npm start` has ended, or "still running" after `timeoutMs`. */
    exitedWithin(timeoutMs: number): Promise<number | "still running"> {
      return Promise.race([child.exited, Bun.sleep(timeoutMs).then(() => "still running" as const)]);
    },
    /** Waits for a line matching `pattern` and returns it. */
    waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
      return waitFor(
        () => `a line matching ${pattern} (${saidSoFar()})`,
        () => lines.find((line) => pattern.test(line)),
        timeoutMs,
      );
    },
    /**
     * When the first line matching `pattern` arrived (`performance.now()`), to time a start by it:
     * a wait for it looks only every 100 ms.
     */
    arrivedAt(pattern: RegExp): number | undefined {
      const index = lines.findIndex((line) => pattern.test(line));
      return index < 0 ? undefined : arrivals[index];
    },
    /** How many times the open app's page has said its editor is ready: since npm start last opened it again, if it did. */
    pageLoads(): number {
      const reopened = lines.findLastIndex((line) => reopenedLine.test(line));
      return lines.slice(reopened + 1).filter((line) => editorReadyLine.test(line)).length;
    },
    /**
     * Waits until the app's editor is ready for typing, and returns its window: after a reopen on
     * the way (see `withoutRecoveries`), the window of the app that is open now.
     */
    async waitForEditor(timeoutMs: number): Promise<string> {
      const started = performance.now();
      await waitFor(
        () => `the editor ready (${saidSoFar()})`,
        () => (session.pageLoads() > 0 ? true : undefined),
        timeoutMs,
      );
      return session.waitForWindow(Math.max(1_000, timeoutMs - (performance.now() - started)));
    },
    /** The app's visible window (one of this session's processes owns it), if there is one now. */
    findWindow(): string | undefined {
      const result = Bun.spawnSync(["xdotool", "search", "--onlyvisible", "--class", appWindowClass], {
        env: xenv,
        stdio: ["ignore", "pipe", "ignore"],
      });
      const windows = result.stdout.toString().trim().split("\n").filter(Boolean);
      // Only this session's: a window of an earlier session may still be closing on the display.
      const ours = new Set(processesWith(marker).map((p) => p.pid));
      return windows.find((window) => {
        const owner = Bun.spawnSync(["xdotool", "getwindowpid", window], {
          env: xenv,
          stdio: ["ignore", "pipe", "ignore"],
        });
        return ours.has(Number(owner.stdout.toString().trim()));
      });
    },
    /** The app's visible window, once there is one. */
    waitForWindow(timeoutMs: number): Promise<string> {
      return waitFor(
        () => `the app's window (${saidSoFar()})`,
        () => session.findWindow(),
        timeoutMs,
      );
    },
    /** What the app said so far, for a test's own wait that timed out. */
    said: saidSoFar,
    /** The window's title as the X server has it (`_NET_WM_NAME`, UTF-8). */
    windowTitle(window: string): string {
      const text = run(["xprop", "-id", window, "_NET_WM_NAME"], xenv);
      return /= "(.*)"$/m.exec(text)?.[1] ?? "";
    },
    windowClass(window: string): string {
      return run(["xprop", "-id", window, "WM_CLASS"], xenv)
        .replace(/^WM_CLASS\(STRING\) = /, "")
        .trim();
    },
    windowGeometry(window: string): { x: number; y: number; width: number; height: number } {
      const text = run(["xdotool", "getwindowgeometry", "--shell", window], xenv);
      const value = (name: string) => Number(new RegExp(`^${name}=(\\d+)`, "m").exec(text)?.[1]);
      return { x: value("X"), y: value("Y"), width: value("WIDTH"), height: value("HEIGHT") };
    },
    /** The whole screen, as a person would see it. */
    screenshot(path: string): void {
      run(["import", "-window", "root", path], xenv);
    },
    xdotool(...args: string[]): string {
      return run(["xdotool", ...args], xenv);
    },
    /** A left click at `point`, in the window's own coordinates (which also gives the page focus). */
    click(window: string, point: { x: number; y: number }): void {
      run(["xdotool", "mousemove", "--window", window, String(point.x), String(point.y), "click", "1"], xenv);
    },
    /**
     * Clicks at `point` in the window's page, then types `text` there, as a person would. WebKit
     * queues mouse and key events separately, each waiting for the page's answer to the one before,
     * so a key pressed a millisecond after a click can reach the page before the click has moved the
     * focus, and is lost (1 start in 6 here). A hand takes far longer to go from mouse to keys.
     */
    async clickAndType(window: string, point: { x: number; y: number }, text: string): Promise<void> {
      session.click(window, point);
      await sleep(clickToKeysMs);
      run(["xdotool", "type", "--delay", "80", text], xenv);
    },
    /** A top-level window with exactly this title (a dialog), once there is one. */
    waitForWindowNamed(title: string, timeoutMs: number): Promise<string> {
      return waitFor(
        `a window named ${JSON.stringify(title)}`,
        () => {
          const tree = run(["xwininfo", "-root", "-tree"], xenv);
          return new RegExp(`^\\s*(0x[0-9a-f]+) "${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}":`, "m").exec(
            tree,
          )?.[1];
        },
        timeoutMs,
      );
    },
    /** Closes the window as a window manager's close button would: the app runs its own close handling. */
    closeWindow(): void {
      // The script can fail after sending, naming a window that is already gone: that is success.
      const result = Bun.spawnSync([closeWindowScript, appWindowClass], {
        env: xenv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const output = result.stdout.toString() + result.stderr.toString();
      if (result.exitCode !== 0 && !output.includes("BadWindow"))
        throw new Error(`close-window.py failed: ${output.trim()}`);
    },
    /** The `npm` process, as a terminal user's `kill` would find it. */
    npmPid(): number {
      const found = processesWith(marker).find(
        (p) => /(^|\/)npm( |$)/.test(p.command.split(" ")[0] ?? "") || p.command.startsWith("npm "),
      );
      if (!found)
        throw new Error(
          `npm is not running (running: ${processesWith(marker)
            .map((p) => p.command)
            .join(" | ")})`,
        );
      return found.pid;
    },
    /** Waits until no process that `npm start` started is left, or fails naming them. */
    async waitUntilAllEnded(timeoutMs: number): Promise<void> {
      await waitFor(
        "every process npm start started to end",
        () => {
          // dbus-run-session and its bus are the test's, not npm's: they stay until the test ends them.
          const left = processesWith(marker).filter((p) => !/dbus-run-session|dbus-daemon|at-spi/.test(p.command));
          return left.length === 0 ? true : undefined;
        },
        timeoutMs,
      ).catch((error: unknown) => {
        const left = processesWith(marker).map((p) => `${p.pid} ${p.command.slice(0, 100)}`);
        throw new Error(`${errorMessage(error)}; still running: ${left.join("; ")}`);
      });
    },
    /** Ends everything the session started, by group and then by marker; keeps its output for people to read. */
    async [Symbol.asyncDispose](): Promise<void> {
      const logs = join(projectRoot, "artifacts", "desktop-logs");
      mkdirSync(logs, { recursive: true });
      const name = marker.slice(-8);
      writeFileSync(join(logs, `${name}-npm-start.log`), `${lines.join("\n")}\n`);
      if (existsSync(join(options.workspace, "desktop.log")))
        copyFileSync(join(options.workspace, "desktop.log"), join(logs, `${name}-desktop.log`));
      // Again until none is left: a process started while the others were being ended (npm
      // start reopening the app) would otherwise write into a HOME the test removes next.
      const deadline = performance.now() + disposeTimeoutMs;
      do {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // The group is gone already.
        }
        for (const { pid } of processesWith(marker)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Gone.
          }
        }
        await sleep(20);
      } while (processesWith(marker).length > 0 && performance.now() < deadline);
      await child.exited;
    },
  };
  return session;
}

export type DesktopSession = ReturnType<typeof startDesktopSession>;
