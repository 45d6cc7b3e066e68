/**
 * One playground session: the runner, the clients pointed at it, and the timeline every page is
 * shown. Each page has an endpoint of its own (see `contract/endpoint.ts`): its `PageRequests` are
 * each answered exactly once, with the reply or an error, and it receives `HostPushes`, events in
 * batches, the buffered timeline first when it connects.
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

import { dirname, isAbsolute } from "node:path";
import { exportSnippet } from "../export/index.ts";
import { createLaneTap, createReadMemoryGuard, type LaneTap, type MessageChannel } from "../clients/index.ts";
import { parseHex } from "../shared/index.ts";
import {
  createEndpoint,
  errorMessage,
  isOutsideUrl,
  pageRequestChecks,
  type ClientRequest,
  type ConnectedLanes,
  type DocumentReply,
  type Endpoint,
  type Handlers,
  type HostPushes,
  type HostStatus,
  type LiveClient,
  type LoadOutcome,
  type NoPushes,
  type NoRequests,
  type PageRequests,
  type QuitChoice,
  type Settings,
  type SnippetDocument,
  type TimelineEvent,
  type TypeOf,
  type WorkspaceState,
} from "../contract/index.ts";
import { createRunner, type LaneClient, openLaneClient, type RunnerOptions } from "../supervisor/index.ts";
import { createEventBatcher, defaultBatchMaxPending } from "./event-batcher.ts";
import { createEventBuffer } from "./event-buffer.ts";
import {
  FilesError,
  openRecordingWithDialog,
  openWorkspaceFiles,
  type FileChange,
  type FileDialogs,
  type WorkspaceFiles,
} from "./files/index.ts";
import { createRecordingLedger } from "./recording-ledger.ts";
import { ensureWorkspaceDir, resolveWorkspaceDir } from "./workspace.ts";

/** Where the session sends a page's messages; the host wraps a WebSocket in one. */
export interface PageConnection {
  send(text: string): void;
}

export interface SessionOptions {
  /**
   * The workspace: untitled snippets, drafts, settings, the last session. When left out,
   * `STREAM_PLAYGROUND_HOME`, else the user's data folder (see `workspace.ts`).
   */
  workspaceDir?: string | undefined;
  /** The system's Open and Save dialogs (the desktop app); without them `nativeDialogs` is false. */
  dialogs?: FileDialogs | undefined;
  /** Called with the window title (`events.ts • — Stream Playground`) when the document's name or dirty state changes. */
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
  /** A page's editor became ready for typing, `editorReadyMs` after it began loading (the desktop app says so). */
  onPageReady?: ((editorReadyMs: number) => void) | undefined;
}

/** A client the session opened on a lane, with what the pages are shown of it. */
interface SessionLane {
  opened: LaneClient;
  client: LiveClient;
}

/** A lane given to a page's own EventSource: the page that owns it, and what ends its proxied streams. */
interface BrowserLane {
  page: PageConnection;
  client: LiveClient;
  controller: AbortController;
  /** What the host sees of the lane's requests: everything but the events the page reports. */
  tap: LaneTap;
}

/** How long a quit question waits for a page's answer before the edits are kept as a draft. */
const quitAnswerTimeoutMs = 10 * 60_000;

export function createSession(options: SessionOptions = {}) {
  const now = () => performance.now();
  const buffer = createEventBuffer(options.bufferCapacity);
  const batcher = createEventBatcher({
    intervalMs: options.batchIntervalMs,
    maxPending: options.batchMaxPending,
    flush: (events) => broadcast("events", { events }),
  });
  const runner = createRunner({ ...options.runner, now, onEvent: record });
  /** Every page connected, with its end of the connection. */
  const pages = new Map<PageConnection, Endpoint<NoRequests, HostPushes>>();
  const laneClients = new Map<number, SessionLane>();
  /** One for all the host's clients: what they read together is what the host holds. */
  const readGuard = createReadMemoryGuard();
  /** The sources and lane requests a recording of the timeline needs. */
  const ledger = createRecordingLedger();
  /** Lanes given to the pages' own EventSource clients; aborting one ends its proxied streams. */
  const browserLanes = new Map<number, BrowserLane>();
  /** The quit question now asked, answered by the first page that answers. */
  let quitQuestion: ReturnType<typeof Promise.withResolvers<QuitChoice>> | undefined;
  /** Requests the current runner process has begun. */
  let seenRequests = new Set<number>();
  /** Requests begun before the last `clear`: their late events belong to the forgotten timeline. */
  let staleRequests = new Set<number>();
  /** Bumped by `clear`, so a client of the old timeline cannot add to the new one. */
  let generation = 0;
  let nextLane = 1;
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
    const clients = [
      ...[...laneClients.values()].map((entry) => entry.client),
      ...[...browserLanes.values()].map((entry) => entry.client),
    ].sort((a, b) => a.lane - b.lane);
    return { runnerUrl: runner.url, serving: runner.serving, timelineStart, clients };
  }

  /** Pushes to every page but `except` (the page that asked, which gets the same news as its reply). */
  function broadcast<K extends TypeOf<HostPushes>>(type: K, fields: HostPushes[K], except?: PageConnection): void {
    for (const [page, end] of pages) if (page !== except) end.push(type, fields);
  }

  /** Pushes what must follow the events recorded so far. */
  function broadcastAfterEvents<K extends TypeOf<HostPushes>>(type: K, fields: HostPushes[K]): void {
    batcher.flush();
    broadcast(type, fields);
  }

  function requestIdOf(event: TimelineEvent): number | undefined {
    if (event.side === "server" || event.kind === "folded" || event.kind === "log") return event.requestId;
    return undefined;
  }

  function record(event: TimelineEvent): void {
    const requestId = requestIdOf(event);
    if (requestId !== undefined && staleRequests.has(requestId)) return;
    if (event.kind === "request") seenRequests.add(event.requestId);
    buffer.push(event);
    batcher.add(event);
    if (event.kind === "restarted") {
      // A new process numbers its requests from 1 again; the old ones died with it.
      seenRequests = new Set();
      staleRequests = new Set();
      broadcastAfterEvents("status", { status: status() });
    }
  }

  /** The runner's address for `path`. Joined as text: `new URL("//elsewhere/", base)` would leave the runner. */
  function runnerUrlFor(path: string): string {
    return new URL(runner.url).origin + path;
  }

  function allocateLanes(count: number): number[] {
    const lanes = Array.from({ length: count }, (_, i) => nextLane + i);
    nextLane += count;
    return lanes;
  }

  function liveClient(lane: number, request: ClientRequest): LiveClient {
    return {
      lane,
      client: request.client,
      method: request.method,
      path: request.path,
      ...(request.slow ? { slow: request.slow, paused: false } : {}),
    };
  }

  function openClientOn(lane: number, request: ClientRequest, url: string): void {
    const ownGeneration = generation;
    /** Set once the client is open; a reading event comes from a timer, never while it opens. */
    let entry: SessionLane | undefined;
    const { path, ...settings } = request;
    const laneClient = openLaneClient({
      lane,
      url,
      request: settings,
      external: isOutsideUrl(path),
      now,
      readGuard,
      emit: (event) => {
        if (generation !== ownGeneration) return;
        record(event);
        // A stall pauses and resumes on its own: the lane's chip shows which it is.
        if (event.kind === "reading" && entry !== undefined && laneClients.get(lane) === entry) {
          entry.client = { ...entry.client, paused: event.state === "paused" };
          broadcastAfterEvents("status", { status: status() });
        }
      },
    });
    const opened: SessionLane = { opened: laneClient, client: liveClient(lane, request) };
    entry = opened;
    laneClients.set(lane, opened);
    void laneClient.done.then(() => {
      if (laneClients.get(lane) !== opened) return;
      laneClients.delete(lane);
      // The lane's chip goes when its client has ended, on every page.
      broadcastAfterEvents("status", { status: status() });
    });
  }

  /** Records a page's EventSource from the lane proxy; the page is asked to listen for each new event type. */
  function tapLane(page: PageConnection, lane: number): LaneTap {
    const ownGeneration = generation;
    return createLaneTap({
      lane,
      now,
      emit: (event) => {
        if (generation === ownGeneration) record(event);
      },
      askToListen: (types) => pages.get(page)?.push("browser-listen", { lane, types }),
    });
  }

  async function connect(page: PageConnection, request: ClientRequest): Promise<ConnectedLanes> {
    // A client's URL is the runner's, which has its port once the runner serves.
    await started.promise;
    const lanes = allocateLanes(request.clients);
    let connected: ConnectedLanes;
    if (request.client === "browser") {
      for (const lane of lanes)
        browserLanes.set(lane, {
          page,
          client: liveClient(lane, request),
          controller: new AbortController(),
          tap: tapLane(page, lane),
        });
      connected = { lanes: lanes.map((lane) => ({ lane, url: `/lane/${lane}${request.path}` })) };
    } else {
      const url = isOutsideUrl(request.path) ? request.path : runnerUrlFor(request.path);
      for (const lane of lanes) openClientOn(lane, request, url);
      connected = { lanes: lanes.map((lane) => ({ lane, url })) };
    }
    for (const lane of lanes) ledger.noteLane(lane, request);
    broadcastAfterEvents("status", { status: status() });
    return connected;
  }

  /** Disconnects the client on `lane` and retires the browser lane, so its EventSource cannot reconnect. */
  function disconnectLane(lane: number, abortBrowserStreams: boolean): void {
    const entry = laneClients.get(lane);
    if (entry) {
      entry.opened.disconnect();
      laneClients.delete(lane);
    }
    const browser = browserLanes.get(lane);
    if (browser) {
      // The page closes its own EventSource and records how it ended; cutting the proxied stream
      // first would make the page record a server-side ending that did not happen. Only `clear`
      // (whose timeline is gone anyway) and `stop` cut them.
      if (abortBrowserStreams) browser.controller.abort();
      browserLanes.delete(lane);
    }
  }

  /** The WebSocket on `lane`, or an error that says why there is none. */
  function socketOn(lane: number): MessageChannel {
    const entry = laneClients.get(lane);
    if (!entry) throw new Error(`lane ${lane} has no open client`);
    if (!entry.opened.client.messages)
      throw new Error(`lane ${lane} is a ${entry.client.client} client, not a WebSocket`);
    return entry.opened.client.messages;
  }

  function disconnectAll(abortBrowserStreams: boolean): void {
    for (const lane of new Set([...laneClients.keys(), ...browserLanes.keys()]))
      disconnectLane(lane, abortBrowserStreams);
  }

  function clear(): HostStatus {
    generation++;
    disconnectAll(true);
    for (const id of seenRequests) staleRequests.add(id);
    seenRequests = new Set();
    buffer.clear();
    batcher.discard();
    nextLane = 1;
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
    broadcastAfterEvents("status", { status: status() });
    return event;
  }

  /** Loads text no page asked for (a file changed on disk): every page gets the result. */
  async function loadForEveryPage(source: string, path: string): Promise<void> {
    try {
      broadcast("load-result", { event: await load(source, path) });
    } catch (error) {
      broadcast("failed", { message: `loading the changed ${path} failed: ${errorMessage(error)}` });
    }
  }

  function onFileChange(change: FileChange): void {
    broadcast("file-changed", { id: change.document.id, source: change.source, conflict: change.conflict });
    if (!change.conflict) void loadForEveryPage(change.source, change.document.path);
  }

  /**
   * The reply to a request that may open a document (or be cancelled in its dialog). Every other
   * page learns of the document now open.
   */
  function documentReply(page: PageConnection, document: SnippetDocument | undefined): DocumentReply {
    if (!document) return { type: "cancelled" };
    const recent = workspaceFiles().recent();
    broadcast("document", { document, recent }, page);
    return { type: "document", document, recent };
  }

  /** What answers each request a page sends; the compiler asks for a handler for every request type. */
  function handlersFor(page: PageConnection): Handlers<PageRequests> {
    return {
      load: (request) => load(request.source, request.path),
      connect: (request) => connect(page, request.request),
      disconnect: (request) => {
        if (request.lane === undefined) disconnectAll(false);
        else disconnectLane(request.lane, false);
        broadcastAfterEvents("status", { status: status() });
        return {};
      },
      "ws-send": (request) => {
        const socket = socketOn(request.lane);
        if (request.hex === undefined) {
          socket.send(request.text ?? "");
          return {};
        }
        const parsed = parseHex(request.hex);
        if (!parsed.ok) throw new Error(parsed.message);
        socket.send(parsed.bytes);
        return {};
      },
      "ws-close": (request) => {
        socketOn(request.lane).close(request.code, request.reason);
        return {};
      },
      "lane-reading": (request) => {
        const entry = laneClients.get(request.lane);
        if (!entry) throw new Error(`lane ${request.lane} has no open client`);
        if (!entry.opened.client.reading)
          throw new Error(
            `lane ${request.lane}'s client reads at full speed: only a slow client can be paused (open one with slow-client settings)`,
          );
        if (request.paused) entry.opened.client.reading.pause();
        else entry.opened.client.reading.resume();
        return {};
      },
      "recording-sources": (request) => ledger.sources(request.versions),
      "recording-open-dialog": () => {
        const document = workspaceFiles().document();
        return openRecordingWithDialog(
          options.dialogs,
          document.untitled ? workspaceFiles().workspaceDir : dirname(document.path),
        );
      },
      clear: () => {
        const status = clear();
        broadcast("cleared", { status }, page);
        return { status };
      },
      "clock-ping": () => ({ now: now() }),
      "browser-events": (request) => {
        for (const event of request.events) record(event);
        return {};
      },
      "browser-listening": (request) => {
        browserLanes.get(request.lane)?.tap.listening(request.types);
        return {};
      },
      export: (request) => {
        const { source, target, port, tryRequest } = request;
        return exportSnippet({ source, path: workspaceFiles().document().path, target, port, tryRequest });
      },
      "file-new": async () => documentReply(page, await workspaceFiles().newDocument()),
      "file-open": async (request) => documentReply(page, await workspaceFiles().open(request.path)),
      "file-open-dialog": async () => documentReply(page, await workspaceFiles().openWithDialog()),
      "file-list": (request) => workspaceFiles().list(request.dir),
      "file-save": async (request) =>
        documentReply(page, await workspaceFiles().save(request.id, request.source, request.path)),
      "file-save-dialog": async (request) =>
        documentReply(page, await workspaceFiles().saveWithDialog(request.id, request.source)),
      draft: async (request) => {
        await workspaceFiles().draft(request.id, request.source);
        return {};
      },
      "file-conflict-resolve": async (request) => {
        const document = await workspaceFiles().resolveConflict(request.id, request.keep);
        if (request.keep === "theirs") void loadForEveryPage(document.source, document.path);
        return documentReply(page, document);
      },
      "settings-set": async (request) => {
        const settings = await workspaceFiles().setSettings(request.settings);
        broadcast("settings", { settings }, page);
        return { settings };
      },
      "save-copy": async (request) => {
        const content = request.text ?? Buffer.from(request.base64 ?? "", "base64");
        const path = await workspaceFiles().saveCopy(request.suggestedName, content);
        return path === undefined ? { type: "cancelled" } : { type: "saved", path };
      },
      "page-ready": (request) => {
        options.onPageReady?.(request.editorReadyMs);
        return {};
      },
      "quit-answer": (request) => {
        quitQuestion?.resolve(request.choice);
        return {};
      },
    };
  }

  function endpointFor(page: PageConnection): Endpoint<NoRequests, HostPushes> {
    const end: Endpoint<NoRequests, HostPushes> = createEndpoint<NoRequests, PageRequests, HostPushes, NoPushes>({
      peer: "the page",
      send: (message) => page.send(JSON.stringify(message)),
      answers: { checks: pageRequestChecks, handlers: handlersFor(page) },
      // A FilesError's message is already a sentence for the user; others get the request's name.
      describeFailure: (type, error) =>
        error instanceof FilesError ? error.message : `${type}: ${errorMessage(error)}`,
      // Nothing to answer (no id): the page is told all the same.
      onProblem: (problem) => end.push("failed", { message: problem }),
    });
    return end;
  }

  return {
    /** Prepares the workspace folder and starts the runner; resolves once it serves. */
    async start(): Promise<void> {
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
        // Pages that connected while the workspace was opening have not had it yet.
        broadcast("workspace", { workspace: files.state() });
        await runner.start();
      } catch (error) {
        started.reject(error);
        throw error;
      }
      started.resolve();
      // Pages that connected while the runner was starting were told of no port yet.
      broadcastAfterEvents("status", { status: status() });
    },

    /** A page connected: it gets the status, then the buffered timeline, then live events. */
    attach(page: PageConnection): void {
      // Events still pending are already in the buffer: send them to the other pages first, so
      // the new page gets each event exactly once.
      batcher.flush();
      const end = endpointFor(page);
      pages.set(page, end);
      end.push("status", { status: status() });
      if (files) end.push("workspace", { workspace: files.state() });
      const events = buffer.snapshot();
      const step = options.batchMaxPending ?? defaultBatchMaxPending;
      for (let i = 0; i < events.length; i += step) end.push("events", { events: events.slice(i, i + step) });
    },

    detach(page: PageConnection): void {
      pages.get(page)?.close(new Error("the page went away"));
      pages.delete(page);
      // The page's own EventSources went with it.
      const owned = [...browserLanes].filter(([, entry]) => entry.page === page).map(([lane]) => lane);
      for (const lane of owned) disconnectLane(lane, true);
      if (owned.length > 0) broadcastAfterEvents("status", { status: status() });
    },

    /**
     * Asks the pages what to do with unsaved edits before quitting (the desktop window was closed),
     * and resolves with the first answer: `draft` when no page answers within the bound.
     */
    askToQuit(): Promise<QuitChoice> {
      if (quitQuestion) return quitQuestion.promise;
      const question = Promise.withResolvers<QuitChoice>();
      quitQuestion = question;
      const timer = setTimeout(() => question.resolve("draft"), quitAnswerTimeoutMs);
      broadcast("quit-requested", { documentName: files?.state().document.name ?? "the snippet" });
      return question.promise.finally(() => {
        clearTimeout(timer);
        if (quitQuestion === question) quitQuestion = undefined;
      });
    },

    /** A message from a page, as it arrived: text is parsed and checked; anything else is refused. */
    receive(page: PageConnection, data: string | Uint8Array): void {
      const end = pages.get(page);
      if (!end) return;
      if (typeof data !== "string") {
        end.push("failed", { message: "messages must be JSON text, not binary" });
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch (error) {
        end.push("failed", { message: `a message was not JSON: ${errorMessage(error)}` });
        return;
      }
      end.receive(value);
    },

    /** What a live browser lane's proxied requests need: the signal that ends them, and the tap that records them. */
    browserLane(lane: number): { signal: AbortSignal; tap: LaneTap } | undefined {
      const entry = browserLanes.get(lane);
      return entry && { signal: entry.controller.signal, tap: entry.tap };
    },

    status,

    get runnerUrl(): string {
      return runner.url;
    },

    /** The files side as a page sees it, once started. */
    workspace(): WorkspaceState | undefined {
      return files?.state();
    },

    /** True when the open file has edits not saved to it: the desktop app asks before quitting. */
    hasUnsavedChanges(): boolean {
      return files?.hasUnsavedChanges() ?? false;
    },

    /** Saves the open file's unsaved edits to it (an untitled snippet is kept in the workspace anyway). */
    async saveAll(): Promise<void> {
      await files?.saveAll();
    },

    /** Changes and persists settings from the host's side (the desktop window's size and place). */
    async updateSettings(patch: Partial<Settings>): Promise<void> {
      await files?.setSettings(patch);
    },

    /** Disconnects every client, stops watching the open file and stops the runner. */
    async stop(): Promise<void> {
      disconnectAll(true);
      batcher.discard();
      for (const end of pages.values()) end.close(new Error("the session stopped"));
      pages.clear();
      await files?.close();
      await runner.stop();
    },
  };
}

export type Session = ReturnType<typeof createSession>;
