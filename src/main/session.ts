/**
 * One playground session: the runner, the clients pointed at it, and the timeline every page is
 * shown. It composes its parts: the pages and the timeline fanned out to them (`pages.ts`), the
 * lanes (`lane-registry.ts`), the answers to the pages' requests (`page-requests.ts`) and the quit
 * question (`quit-question.ts`); what is left here is loading, the timeline's own bookkeeping and
 * the session's life.
 *
 * `clear` starts the timeline again: it disconnects every client, resets lane numbers to 1, and
 * drops the late events (aborts, cleanups, leaks) of requests that began before it, so lane 1 of
 * the new timeline never shows the old lane 1's ending.
 *
 * The files side (the open document, drafts, recent files, settings; see `files/`) lives in the
 * workspace folder. A page gets the `workspace` when it connects; when another program changes the
 * open file and the document has no unsaved edits, every page gets `file-changed` and the new text
 * is loaded, as a `load` would.
 */

import { isAbsolute } from "node:path";
import {
  type ClientRequest,
  type ConnectedLanes,
  errorMessage,
  type HostStatus,
  type LoadOutcome,
  type PageReady,
  type QuitChoice,
  type Settings,
  type TimelineEvent,
  type WorkspaceState,
} from "../contract/index.ts";
import { createEndStory, createReconnectStorms, createRunner, type RunnerOptions } from "../supervisor/index.ts";
import { type FileChange, type FileDialogs, openWorkspaceFiles, type WorkspaceFiles } from "./files/index.ts";
import { type BrowserLaneAccess, createLaneRegistry } from "./lane-registry.ts";
import { pageRequestHandlers } from "./page-requests.ts";
import { createPages, type PageConnection } from "./pages.ts";
import { createQuitQuestion } from "./quit-question.ts";
import { createRecordingLedger } from "./recording-ledger.ts";
import { ensureWorkspaceDir, resolveWorkspaceDir } from "./workspace.ts";

export type { PageConnection } from "./pages.ts";

export interface SessionOptions {
  /**
   * The workspace: untitled snippets, drafts, settings, the last session. When left out,
   * `STREAM_PLAYGROUND_HOME`, else the user's data folder (see `workspace.ts`).
   */
  workspaceDir?: string | undefined;
  /** A snippet file to open at start (`stream-playground my-handler.ts`) instead of the last session's document. */
  openPath?: string | undefined;
  /** The system's Open and Save dialogs (the desktop app); without them `nativeDialogs` is false. */
  dialogs?: FileDialogs | undefined;
  /**
   * Called with the window title (`events.ts • — Stream Playground`) when the document's name or dirty state changes.
   */
  onTitle?: ((title: string) => void) | undefined;
  /** Quiet time after a burst of changes to the open file before it is read again; 50 ms when left out. */
  watchDebounceMs?: number | undefined;
  /** Runner settings (port, cleanup grace, watchdog…). */
  runner?: Omit<RunnerOptions, "onEvent" | "now"> | undefined;
  /** Events kept for pages that connect later; the newest are kept. */
  bufferCapacity?: number | undefined;
  /** The longest an event waits before it is sent to the pages. */
  batchIntervalMs?: number | undefined;
  /** A batch this large is sent at once. */
  batchMaxPending?: number | undefined;
  /**
   * A page's editor became ready for typing, `editorReadyMs` after it began loading, its start's
   * milestones in `marks` (the desktop app says so).
   */
  onPageReady?: ((ready: PageReady) => void) | undefined;
  /** A page connected, went away, or sent something (the desktop app watches its page with it; see `page-watch.ts`). */
  onPageActivity?: ((activity: "attached" | "detached" | "heard") => void) | undefined;
}

export interface Session {
  /** Prepares the workspace folder and starts the runner; resolves once it serves. */
  start(): Promise<void>;
  /** A page connected: it gets the status, then the buffered timeline, then live events. */
  attach(page: PageConnection): void;
  /** A page went away, and its own EventSources with it. */
  detach(page: PageConnection): void;
  /**
   * Asks the pages what to do with unsaved edits before quitting (the desktop window was closed),
   * and resolves with the first answer: `draft` when no page answers within the bound.
   */
  askToQuit(): Promise<QuitChoice>;
  /** A message from a page, as it arrived: text is parsed and checked; anything else is refused. */
  receive(page: PageConnection, data: string | Uint8Array): void;
  /** What a live browser lane's proxied requests need: the signal that ends them, and the tap that records them. */
  browserLane(lane: number): BrowserLaneAccess | undefined;
  /** What every page is shown of the session: the runner's address, what serves, the open lanes. */
  status(): HostStatus;
  /** The runner's address. */
  readonly runnerUrl: string;
  /** The files side as a page sees it, once started. */
  workspace(): WorkspaceState | undefined;
  /** True when the open file has edits not saved to it: the desktop app asks before quitting. */
  hasUnsavedChanges(): boolean;
  /** Saves the open file's unsaved edits to it (an untitled snippet is kept in the workspace anyway). */
  saveAll(): Promise<void>;
  /** Changes and persists settings from the host's side (the desktop window's size and place). */
  updateSettings(patch: Partial<Settings>): Promise<void>;
  /** Disconnects every client, stops watching the open file and stops the runner. */
  stop(): Promise<void>;
}

export function createSession(options: SessionOptions = {}): Session {
  const now = () => performance.now();
  const runner = createRunner({
    ...options.runner,
    now,
    onEvent: record,
    // Called for a request from outside only once the runner serves, when the lanes exist.
    outsideLane: () => lanes.reserveLane(),
  });
  /** The sources and lane requests a recording of the timeline needs. */
  const ledger = createRecordingLedger();
  const pages = createPages({
    handlersFor: (page) =>
      pageRequestHandlers(page, {
        now,
        pages,
        lanes,
        ledger,
        quit,
        workspaceFiles,
        dialogs: options.dialogs,
        load,
        loadForEveryPage,
        connect,
        clear,
        restartRunner: () =>
          runner.restart(
            "restarted on request (Restart server): what the snippet left running ended with the old runner",
          ),
        status,
        record,
        onPageReady: options.onPageReady,
      }),
    greet: (end) => {
      // The workspace first: a starting page shows its document as soon as its editor exists, and a
      // message that arrives while Monaco's modules run waits until they are done.
      if (files) end.push("workspace", { workspace: files.state() });
      end.push("status", { status: status() });
    },
    bufferCapacity: options.bufferCapacity,
    batchIntervalMs: options.batchIntervalMs,
    batchMaxPending: options.batchMaxPending,
  });
  const lanes = createLaneRegistry({
    now,
    record,
    changed: () => pages.broadcastAfterEvents("status", { status: status() }),
    pushTo: (page, type, fields) => pages.pushTo(page, type, fields),
  });
  const quit = createQuitQuestion({
    ask: () => pages.broadcast("quit-requested", { documentName: files?.state().document.name ?? "the snippet" }),
  });
  /** Requests the current runner process has begun. */
  let seenRequests = new Set<number>();
  /** Requests begun before the last `clear`: their late events belong to the forgotten timeline. */
  let staleRequests = new Set<number>();
  let timelineStart = now();
  let files: WorkspaceFiles | undefined;
  /**
   * Settles once `start` has opened the workspace and the runner serves. A page may connect before
   * (the host listens first, so the page loads meanwhile); its loads and clients wait for this.
   */
  const started = Promise.withResolvers<void>();
  // A failed start is reported by `start` itself; requests waiting on it get the failure as their error.
  started.promise.catch(() => {});

  /** The workspace, once `start` has opened it. */
  function workspaceFiles(): WorkspaceFiles {
    if (!files) throw new Error("the session is still starting; try again in a moment");
    return files;
  }

  function status(): HostStatus {
    return { runnerUrl: runner.url, serving: runner.serving, timelineStart, clients: lanes.clients() };
  }

  function requestIdOf(event: TimelineEvent): number | undefined {
    if (event.side === "server" || event.kind === "folded" || event.kind === "log") return event.requestId;
    return undefined;
  }

  // A client's reset waits a moment for the server side's cause (an idle timeout, a lost runner).
  // Clients that all come back at one moment are told as a storm, once every end has its story.
  const storms = createReconnectStorms({
    emit: keep,
    sourceOf: (version) => ledger.sources([version]).versions[0]?.source,
  });
  const story = createEndStory({ emit: storms.take });

  function record(event: TimelineEvent): void {
    story.take(event);
  }

  function keep(event: TimelineEvent): void {
    const requestId = requestIdOf(event);
    if (requestId !== undefined && staleRequests.has(requestId)) return;
    if (event.kind === "request") seenRequests.add(event.requestId);
    pages.add(event);
    if (event.kind === "restarted") {
      // A new process numbers its requests from 1 again; the old ones died with it.
      seenRequests = new Set();
      staleRequests = new Set();
      pages.broadcastAfterEvents("status", { status: status() });
    }
  }

  async function connect(page: PageConnection, request: ClientRequest): Promise<ConnectedLanes> {
    // A client's URL is the runner's, which has its port once the runner serves.
    await started.promise;
    const connected = lanes.connect(page, request, new URL(runner.url).origin);
    for (const { lane } of connected.lanes) ledger.noteLane(lane, request);
    pages.broadcastAfterEvents("status", { status: status() });
    return connected;
  }

  function clear(): HostStatus {
    story.flush();
    lanes.clear();
    for (const id of seenRequests) staleRequests.add(id);
    seenRequests = new Set();
    pages.clearTimeline();
    ledger.clearLanes();
    timelineStart = now();
    return status();
  }

  async function load(source: string, path: string | undefined): Promise<LoadOutcome> {
    await started.promise;
    // Untitled snippets load from their real file in the workspace, so relative imports resolve there.
    const snippetPath = path ?? workspaceFiles().document().path;
    if (!isAbsolute(snippetPath))
      throw new Error(`the snippet's path must be absolute, not ${JSON.stringify(snippetPath)}`);
    const event = await runner.load(source, snippetPath);
    ledger.noteVersion(event.version, source, snippetPath);
    pages.broadcastAfterEvents("status", { status: status() });
    return event;
  }

  /** Loads text no page asked for (a file changed on disk): every page gets the result. */
  async function loadForEveryPage(source: string, path: string): Promise<void> {
    try {
      pages.broadcast("load-result", { event: await load(source, path), source });
    } catch (error) {
      pages.broadcast("failed", { message: `loading the changed ${path} failed: ${errorMessage(error)}` });
    }
  }

  function onFileChange(change: FileChange): void {
    pages.broadcast("file-changed", { id: change.document.id, source: change.source, conflict: change.conflict });
    if (!change.conflict) void loadForEveryPage(change.source, change.document.path);
  }

  return {
    async start() {
      try {
        const workspaceDir = await ensureWorkspaceDir(resolveWorkspaceDir(options.workspaceDir));
        files = await openWorkspaceFiles({
          workspaceDir,
          dialogs: options.dialogs,
          onTitle: options.onTitle,
          onFileChange,
          watchDebounceMs: options.watchDebounceMs,
        });
        for (const warning of files.warnings) console.error(`workspace: ${warning}`);
        if (options.openPath !== undefined) {
          // The last session's document keeps its draft; the file named at start is what the page shows.
          await files
            .open(options.openPath)
            .catch((error: unknown) => console.error(`could not open ${options.openPath}: ${errorMessage(error)}`));
        }
        // Pages that connected while the workspace was opening have not had it yet.
        pages.broadcast("workspace", { workspace: files.state() });
        await runner.start();
      } catch (error) {
        started.reject(error);
        throw error;
      }
      started.resolve();
      // Pages that connected while the runner was starting were told of no port yet.
      pages.broadcastAfterEvents("status", { status: status() });
    },

    attach(page) {
      pages.attach(page);
      options.onPageActivity?.("attached");
    },

    detach(page) {
      pages.detach(page);
      options.onPageActivity?.("detached");
      if (lanes.disconnectPage(page)) pages.broadcastAfterEvents("status", { status: status() });
    },

    askToQuit: () => quit.ask(),

    receive(page, data) {
      options.onPageActivity?.("heard");
      pages.receive(page, data);
    },

    browserLane: (lane) => lanes.browserLane(lane),

    status,

    get runnerUrl() {
      return runner.url;
    },

    workspace: () => files?.state(),

    hasUnsavedChanges: () => files?.hasUnsavedChanges() ?? false,

    async saveAll() {
      await files?.saveAll();
    },

    async updateSettings(patch) {
      await files?.setSettings(patch);
    },

    async stop() {
      lanes.disconnect(undefined, true);
      pages.close();
      await files?.close();
      await runner.stop();
    },
  };
}
