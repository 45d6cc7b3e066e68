/**
 * The desktop app: the host, and one Electrobun window pointed at its page. Only this file imports
 * `electrobun/bun`: that import starts a socket server, reads files and replaces `process.exit`,
 * so nothing that tests or browser mode load may reach it.
 */

import Electrobun, { BrowserWindow, Screen, Utils } from "electrobun/bun";
import { join } from "node:path";
import { loadSettings, windowTitle, type FileDialogs } from "../files/index.ts";
import { type Host, startHost } from "../host-server.ts";
import { projectRoot } from "../project-root.ts";
import { createPageWatch, type PageLossReason } from "../page-watch.ts";
import { holdCloseRequests } from "./close-request.ts";
import { withDialogParent } from "./dialog-parent.ts";
import { applyLinuxWindowLook } from "./linux-window.ts";
import { reopenedVariable } from "./keep-running.ts";
import { desktopOpenMessage, launchedAtVariable, pageReadyMessage } from "./start-desktop.ts";
import { placeWindow, type Frame } from "./window-frame.ts";
import { resolveWorkspaceDir } from "../workspace.ts";
import { errorMessage, isPageReloadReason, type PageReloadReason, pageReloadParameter } from "../../contract/index.ts";

/** Every module of the app is loaded (Electrobun's native core with them) when its body begins. */
const modulesLoadedAt = Date.now();
/** When `npm start` launched the app, for the window's line (see `desktopOpenMessage`). */
const launchedAt = Number(process.env[launchedAtVariable]);
delete process.env[launchedAtVariable];

const appTitle = "Stream Playground";
/** How long after a window closed a new one is opened in its place (see `confirmQuit`). */
const windowReopenDelayMs = 400;
/** A window whose page has not said it is ready after this long is loaded again, once. */
const pageLoadPatienceMs = 20_000;
/** A page whose connection closed is back within this when it only reloaded. */
const pageReconnectGraceMs = 5_000;
/** A connected page that sends nothing (not even its heartbeat, every 5 s) for this long has hung. */
const pageSilenceMs = 30_000;

let window: BrowserWindow | undefined;
/** The window's last size and place, kept as it changes: a closed window can no longer be asked. */
let lastFrame: Frame | undefined;
let quitting = false;
/** Pages whose editor became ready: a reopened window's page counts when it is ready for the question. */
let pagesReady = 0;
/** Waiting for the next page to become ready (see `nextPageReady`). */
let readyWaiters: (() => void)[] = [];
/** Quit by a signal (Ctrl+C on `npm start`, a logout): nothing to ask, unsaved edits stay drafts. */
let signalled = false;
/** The quit question is up: another close request waits for its answer. */
let asking = false;

/** The system's open dialog. (Electrobun 1.18.1 has no save dialog: the page's save sheet names files.) */
const dialogs: FileDialogs = {
  async openFile({ startIn, fileTypes }) {
    const [path] = await underWindow(() =>
      Utils.openFileDialog({
        startingFolder: startIn,
        canChooseFiles: true,
        canChooseDirectory: false,
        allowsMultipleSelection: false,
        // GTK reads each entry as a glob pattern.
        allowedFileTypes: (fileTypes ?? ["*.ts", "*.tsx", "*.js", "*.mjs", "*.mts"]).join(","),
      }),
    );
    return path ? path : undefined;
  },
};

/** Runs a dialog call with the dialog tied to the app's window. */
const underWindow = <T>(run: () => Promise<T>) => withDialogParent(window?.ptr, run);

/** The file `stream-playground FILE` named; taken out of the environment the runner inherits. */
const openPath = process.env.STREAM_PLAYGROUND_OPEN || undefined;
delete process.env.STREAM_PLAYGROUND_OPEN;
/** `npm start` opened the app again after it crashed or hung: its first page says so (see `keep-running.ts`). */
const reopened = process.env[reopenedVariable];
delete process.env[reopenedVariable];
const firstPageReason = isPageReloadReason(reopened) ? reopened : undefined;

/** Loads the window's page again when it died or hung, saying why in the log and, once loaded, in the page. */
const pageWatch = createPageWatch({
  reconnectGraceMs: pageReconnectGraceMs,
  silenceMs: pageSilenceMs,
  onLost(reason: PageLossReason) {
    if (!window || quitting) return;
    console.error(`Stream Playground: ${pageLossLines[reason]}; loading it again`);
    window.webview.loadURL(reloadUrl(reason));
  },
});
const pageLossLines: Record<PageLossReason, string> = {
  closed: "the window's page went away (its web process ended)",
  silent: `the window's page stopped responding for ${pageSilenceMs / 1000} s`,
};

/**
 * The host, once it has started (its page's build made, its runner up). The window opens before
 * that, as soon as the host listens: its page loads meanwhile, as a browser's does.
 */
let host: Host | undefined;
/** The page's address, known once the host listens. */
let launchUrl = "";
const listening = Promise.withResolvers<string>();
let listeningAt = Number.NaN;
const hostStarting = startHost({
  // The window's origin stays the same from launch to launch, and so does what WebKit cached of the page.
  port: "remembered",
  onListening: (url) => {
    listeningAt = Date.now();
    listening.resolve(url);
  },
  session: {
    onPageActivity(activity) {
      if (activity === "attached") pageWatch.attached();
      else if (activity === "detached") pageWatch.detached();
      else pageWatch.heard();
    },
    openPath,
    dialogs,
    onTitle: (title: string) => window?.setTitle(title),
    onPageReady(ready) {
      pagesReady++;
      for (const wake of readyWaiters) wake();
      readyWaiters = [];
      // `npm start` shows this line; `npm run bench` times the window by it and reads its parts.
      console.log(pageReadyMessage(ready));
    },
  },
});

/** The page's URL with the reason it was loaded again, for the page to say. */
function reloadUrl(reason: PageReloadReason): string {
  return `${launchUrl}&${pageReloadParameter}=${reason}`;
}

function currentTitle(): string {
  const document = host?.session.workspace()?.document;
  return document ? windowTitle(document) : appTitle;
}

/** Opens the window on the page, where it last was (`savedFrame` before the workspace is open). */
function openWindow(savedFrame?: Frame): BrowserWindow {
  const frame = placeWindow(
    lastFrame ?? host?.session.workspace()?.settings.window ?? savedFrame,
    Screen.getAllDisplays(),
  );
  lastFrame = frame;
  const firstPage = firstPageReason && pagesReady === 0 ? reloadUrl(firstPageReason) : launchUrl;
  const opened = new BrowserWindow({ title: currentTitle(), url: firstPage, frame });
  opened.on("resize", (event) => {
    const { x, y, width, height } = (event as { data: Frame }).data;
    lastFrame = { x, y, width, height };
  });
  opened.on("move", (event) => {
    const { x, y } = (event as { data: { x: number; y: number } }).data;
    if (lastFrame) lastFrame = { ...lastFrame, x, y };
  });
  opened.on("close", () => {
    window = undefined;
    if (!quitting) Utils.quit();
  });
  watchPageLoad(opened);
  if (process.platform === "linux") {
    const problems = applyLinuxWindowLook({
      window: opened.ptr,
      iconPath: join(projectRoot, "assets", "icon.png"),
      instanceName: "stream-playground",
      className: appTitle,
    });
    for (const problem of problems) console.error(`Stream Playground: ${problem}`);
    try {
      const hold = holdCloseRequests(opened.ptr, onCloseRequest);
      opened.on("close", () => hold.dispose());
    } catch (error) {
      // The window then closes as Electrobun closes it, and a new one asks (see `confirmQuit`).
      console.error(`Stream Playground: closing the window will reopen it to ask: ${errorMessage(error)}`);
    }
  }
  return opened;
}

/**
 * Loads the window's page again if it has not become ready in time: under heavy load WebKitGTK has
 * been seen to leave a new window's page blank, and a blank window is the one thing a person
 * cannot do anything about.
 */
function watchPageLoad(opened: BrowserWindow): void {
  const since = pagesReady;
  setTimeout(() => {
    if (pagesReady > since || window !== opened || quitting) return;
    console.error(
      `Stream Playground: the window's page did not load within ${pageLoadPatienceMs / 1000} s; loading it again`,
    );
    opened.webview.loadURL(launchUrl);
  }, pageLoadPatienceMs);
}

/**
 * Quits for real: remembers the window's place, closes the window (so its page never shows the
 * host going away) and stops the host (and with it the runner).
 */
function quitNow(): void {
  quitting = true;
  pageWatch.stop();
  const frame = window?.getFrame() ?? lastFrame;
  window?.close();
  // A quit while the host is still starting waits for it, so that its runner is stopped too.
  void hostStarting
    .then(async (started) => {
      if (frame)
        await started.session
          .updateSettings({ window: frame })
          .catch((error: unknown) =>
            console.error(`Stream Playground: the window's place was not saved: ${errorMessage(error)}`),
          );
      await started.stop();
    })
    // A host that failed to start has nothing to stop (and the app says why: see `index.ts`).
    .catch(() => undefined)
    .finally(() => Utils.quit());
}

/** Resolves when the next page becomes ready, or after `timeoutMs` anyway. */
function nextPageReady(timeoutMs: number): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  readyWaiters.push(resolve);
  const timer = setTimeout(resolve, timeoutMs);
  return promise.finally(() => clearTimeout(timer));
}

/** The user asked the window to close, and it is still open: ask there when there are edits to lose. */
function onCloseRequest(): void {
  if (quitting || asking) return;
  if (!host?.session.hasUnsavedChanges()) {
    quitNow();
    return;
  }
  void confirmQuit().catch((error: unknown) => {
    console.error(
      `Stream Playground: asking before closing failed (${errorMessage(error)}); the edits stay as a draft`,
    );
    quitNow();
  });
}

/**
 * Asks, in the page, whether to save unsaved edits, keep them as a draft, or go back to editing.
 * Where the window could not be held open (see `close-request.ts`), the window closed by the user
 * is gone by now (Electrobun destroys it), so a new one opens first and the question is asked in it. (Electrobun 1.18.1's native message box was tried: a window
 * opened after it crashes Bun 1.3.13, and one opened under it never draws its page.)
 */
async function confirmQuit(): Promise<void> {
  if (!window) {
    // Electrobun destroys the closed window on GTK's next idle turn; a window created before that
    // sometimes never loads its page (seen with electrobun 1.18.1 under Xvfb).
    await Bun.sleep(windowReopenDelayMs);
    const ready = nextPageReady(10_000);
    window = openWindow();
    await ready;
  }
  asking = true;
  try {
    const session = (await hostStarting).session;
    const choice = await session.askToQuit();
    if (choice === "save") await session.saveAll();
    if (choice !== "cancel") quitNow();
  } finally {
    asking = false;
  }
}

// Electrobun turns SIGTERM and SIGINT into a quit; this runs first, so that quit asks nothing.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.prependListener(signal, () => (signalled = true));

Electrobun.events.on("before-quit", (event: { response?: { allow: boolean } }) => {
  if (quitting) return;
  // The answer must be given now, the question takes a while: hold the quit and ask.
  event.response = { allow: false };
  if (asking) return;
  if (!signalled && host?.session.hasUnsavedChanges()) {
    void confirmQuit().catch((error: unknown) => {
      console.error(
        `Stream Playground: asking before quitting failed (${errorMessage(error)}); the edits stay as a draft`,
      );
      quitNow();
    });
  } else quitNow();
});

/** The app quits with the `npm start` that launched it, even one killed without a chance to say so. */
function quitWithLauncher(pid: number): void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      clearInterval(timer);
      signalled = true;
      Utils.quit();
    }
  }, 1_000);
}

const launchedBy = Number(process.env.STREAM_PLAYGROUND_LAUNCHED_BY);
if (Number.isSafeInteger(launchedBy) && launchedBy > 0) quitWithLauncher(launchedBy);

// Where the window was last time, read while the host starts (the session reads it too, later).
const savedFrame = loadSettings(resolveWorkspaceDir(undefined)).then(
  ({ settings }) => settings.window,
  () => undefined,
);
// A host that fails before it listens rejects here, and the app says so (see `index.ts`).
launchUrl = await Promise.race([listening.promise, hostStarting.then((started) => started.launchUrl)]);
window = openWindow(await savedFrame);
const windowAt = Date.now();
host = await hostStarting;
window?.setTitle(currentTitle());
// Where the start's time went, for `npm run bench` and desktop.log; a launch by hand has no launch time.
const sinceLaunch = (at: number) => at - launchedAt;
console.log(
  desktopOpenMessage(
    Number.isSafeInteger(launchedAt) && launchedAt > 0
      ? {
          steps: {
            modules: sinceLaunch(modulesLoadedAt),
            listening: sinceLaunch(listeningAt),
            window: sinceLaunch(windowAt),
          },
          openMs: sinceLaunch(Date.now()),
        }
      : undefined,
  ),
);
