/**
 * The page: editor on the left; client controls, the timeline and the panels on the right. It
 * talks to the host over one WebSocket; everything it shows comes from the event store.
 */

import {
  errorMessage,
  type ClientEvent,
  type ClientRequest,
  type ExportResult,
  type ExportTarget,
  type HostPushes,
  type HostStatus,
  type LoadOutcome,
  type PushPayload,
  type TryRequest,
  type WorkspaceState,
  rebaseTimeline,
  timelineJsonLines,
  createTrailingDebounce,
} from "../contract/index.ts";
import { openBrowserEventSource, type BrowserEventSource } from "./browser-clients.ts";
import { createClientControls } from "./client-controls.ts";
import { createConsolePanel } from "./console-panel.ts";
import { createDetailsPanel } from "./details-panel.ts";
import { createDocuments } from "./documents.ts";
import { byId, element } from "./dom.ts";
import { createEditor, type SnippetEditor } from "./editor/create-editor.ts";
import { loadMonaco } from "./editor/monaco-loader.ts";
import { checkSyntaxOnly, loadSnippetTypes } from "./editor/snippet-types.ts";
import { holdMonacoWorkers } from "./editor/worker-gate.ts";
import { createEventStore } from "./event-store.ts";
import { createEventsTable } from "./events-table.ts";
import { loadExamples, type Example } from "./examples-menu.ts";
import { createHostConnection } from "./host-connection.ts";
import { createLaneChips } from "./lane-chips.ts";
import { readingToggle } from "./lane-reading-toggle.ts";
import { createRecordingFiles } from "./recording-files.ts";
import { createRecordingViewer } from "./recording-viewer.ts";
import { createWsLaneBoxes } from "./ws-lane-box.ts";
import { createQuitDialog } from "./quit-dialog.ts";
import { createFileSaver, describeSave } from "./save-file.ts";
import { createPageSettings } from "./page-settings.ts";
import { createRawView } from "./raw-view.ts";
import { mountTimeline } from "./timeline-panel.ts";
import { markStartup } from "./startup-marks.ts";

markStartup("page-script");

const autoRunDelayMs = 800;

const store = createEventStore();
/** The files side of the session, as the host sent it when the page connected. */
let pendingWorkspace: WorkspaceState | undefined;
let status: HostStatus | undefined;
let editor: SnippetEditor | undefined;
let lastLoad: { version: number; at: number; ms: number } | undefined;
const browserClients = new Map<number, BrowserEventSource>();
/** The request the open lesson suggests, for the exported file's `curl` line. */
let suggestedRequest: TryRequest | undefined;
const statusLine = byId("status", HTMLSpanElement);

function say(text: string, tone: "ok" | "error" | "" = ""): void {
  statusLine.textContent = text;
  statusLine.className = `status ${tone}`;
}

function describeServing(): string {
  if (!status) return "Connecting to the host…";
  if (status.serving === undefined) return `No snippet loaded · runner at ${status.runnerUrl}`;
  const loaded =
    lastLoad?.version === status.serving
      ? ` · loaded ${new Date(lastLoad.at).toLocaleTimeString()} in ${lastLoad.ms.toFixed(1)} ms`
      : "";
  return `v${status.serving} live${loaded} · ${status.runnerUrl}`;
}

const connection = createHostConnection({
  onState(state) {
    if (state === "closed") say("Lost the host; reconnecting…", "error");
    else if (state === "open") say(describeServing());
  },
  onPush: handlePush,
});

function handlePush(payload: PushPayload<HostPushes>): void {
  switch (payload.type) {
    case "status":
      if (!status || status.timelineStart !== payload.status.timelineStart) resetLive(payload.status.timelineStart);
      status = payload.status;
      wsBoxes.keepOnly(status.clients.map((client) => client.lane));
      chips.show(status.clients);
      forgetEndedBrowserClients(status);
      say(describeServing(), status.serving === undefined ? "" : "ok");
      return;
    case "cleared":
      cleared(payload.status);
      return;
    case "events":
      // While a recording is shown, the live timeline goes on aside.
      if (viewer.active) viewer.holdLive(payload.events);
      else store.append(payload.events);
      return;
    case "workspace":
      markStartup("workspace-received");
      pendingWorkspace = payload.workspace;
      settings.apply(payload.workspace.settings);
      if (editor) restoreWorkspace();
      return;
    case "file-changed":
      documents.fileChanged(payload.id, payload.source, payload.conflict);
      if (!payload.conflict) void run();
      return;
    case "settings":
      settings.apply(payload.settings);
      return;
    case "load-result":
      showLoad(payload.event);
      return;
    case "failed":
      say(payload.message, "error");
      return;
    case "quit-requested":
      quitDialog.ask(payload.documentName);
      return;
    case "browser-listen": {
      // Only the page that owns the lane has its EventSource; the host asks that page alone.
      const client = browserClients.get(payload.lane);
      if (!client) return;
      client.listen(payload.types);
      void connection.request("browser-listening", { lane: payload.lane, types: payload.types }).catch(sayFailure);
      return;
    }
    case "document":
      return;
    default: {
      const _never: never = payload;
      console.warn("unexpected message from the host", _never);
    }
  }
}

/** The live timeline starts again at `start`: on show, or aside while a recording is shown. */
function resetLive(start: number): void {
  if (viewer.active) viewer.resetLive(start);
  else store.clear(start);
}

/** The timeline was cleared (by this page or another). */
function cleared(next: HostStatus): void {
  status = next;
  resetLive(next.timelineStart);
  chips.show(next.clients);
  forgetEndedBrowserClients(next);
}

/** The page's own EventSources whose lanes the host no longer keeps (cleared, or disconnected elsewhere). */
function forgetEndedBrowserClients(next: HostStatus): void {
  const live = new Set(next.clients.map((client) => client.lane));
  for (const [lane, client] of browserClients) {
    if (live.has(lane)) continue;
    client.close();
    browserClients.delete(lane);
  }
}

/** Says what a request that got no reply went through, in the status line. */
function sayFailure(error: unknown): void {
  say(errorMessage(error), "error");
}

async function run(): Promise<void> {
  if (!editor) return;
  const source = editor.source;
  say("Loading…");
  let event: LoadOutcome;
  try {
    event = await connection.request("load", { source, path: openPath() });
  } catch (error) {
    return sayFailure(error);
  }
  showLoad(event);
}

/** A load's outcome: the status line, and the editor's marker for a load error. */
function showLoad(event: LoadOutcome): void {
  if (!editor) return;
  if (event.kind === "loaded") {
    lastLoad = { version: event.version, at: Date.now(), ms: event.loadMs };
    status = status && { ...status, serving: event.version };
    editor.clearLoadError();
    editor.noteEvents(store.events, event.version);
    say(describeServing() + (event.notices.length ? ` · ${event.notices.length} notice(s)` : ""), "ok");
  } else {
    editor.showLoadError(event);
    const where =
      event.line === undefined ? "" : ` at line ${event.line}${event.column === undefined ? "" : `:${event.column}`}`;
    const serving = event.serving === undefined ? "nothing is serving" : `v${event.serving} keeps serving`;
    say(`v${event.version} did not load (${event.failure}${where}): ${event.message} — ${serving}`, "error");
  }
}

async function connect(request: ClientRequest): Promise<void> {
  settings.rememberClient(request.client);
  let lanes: { lane: number; url: string }[];
  // The page's own clients are stamped on its clock put on the host's: measured afresh first.
  if (request.client === "browser") await connection.syncClock();
  try {
    ({ lanes } = await connection.request("connect", { request }));
  } catch (error) {
    return sayFailure(error);
  }
  for (const { lane, url } of lanes) {
    if (request.client === "browser") {
      const client = openBrowserEventSource({
        lane,
        url,
        hostNow: connection.hostNow,
        emit: (events: ClientEvent[]) => void connection.request("browser-events", { events }).catch(sayFailure),
      });
      browserClients.set(lane, client);
      if (request.disconnectAfterMs !== undefined) setTimeout(() => disconnect(lane), request.disconnectAfterMs);
    }
  }
}

function disconnect(lane?: number): void {
  for (const [id, client] of browserClients) {
    if (lane === undefined || lane === id) {
      client.close();
      browserClients.delete(id);
    }
  }
  // The chips follow the host's status, which every page gets once the lane is gone.
  void connection.request("disconnect", { lane }).catch(sayFailure);
}

const wsBoxes = createWsLaneBoxes({
  onSend: (lane, message) =>
    connection.request("ws-send", { lane, ...message }).then(
      () => true,
      (error: unknown) => {
        sayFailure(error);
        return false;
      },
    ),
  onClose: (lane, code, reason) =>
    void connection.request("ws-close", { lane, code, reason: reason === "" ? undefined : reason }).catch(sayFailure),
});
const chips = createLaneChips(byId("lanes", HTMLDivElement), {
  onDisconnect: (lane) => disconnect(lane),
  extra: (client) => {
    const parts = [
      readingToggle(
        client,
        (lane, paused) => void connection.request("lane-reading", { lane, paused }).catch(sayFailure),
      ),
      client.client === "websocket" ? wsBoxes.boxFor(client.lane) : undefined,
    ].filter((part) => part !== undefined);
    if (parts.length <= 1) return parts[0];
    const both = element("span", { class: "lane-extras" });
    both.append(...parts);
    return both;
  },
});
const fileSaver = createFileSaver({ connection, nativeDialogs: () => pendingWorkspace?.nativeDialogs ?? false });
const quitDialog = createQuitDialog((choice) => void connection.request("quit-answer", { choice }).catch(sayFailure));

/** Saves an export and says in the status line where it went, or why it did not. */
async function saveExport(name: string, content: Blob, what: string): Promise<void> {
  const { text, tone } = describeSave(await fileSaver.save(name, content), what);
  say(text, tone);
}

const details = createDetailsPanel(byId("details", HTMLElement), () => store.timelineStart);
const timeline = mountTimeline(byId("timeline", HTMLDivElement), byId("tooltip", HTMLDivElement), store, {
  // A recording has no "now"; the viewer exists by the time the timeline first draws.
  now: () => (viewer.active ? undefined : connection.hostNow()),
  onSelect(event) {
    table.select(event);
    details.show(event);
  },
});
const table = createEventsTable(byId("panel-events", HTMLDivElement), store, {
  onSelect(event) {
    timeline.select(event);
    details.show(event);
  },
});
const rawView = createRawView(byId("panel-raw", HTMLDivElement), store);
createConsolePanel(byId("panel-console", HTMLDivElement), store, (line) =>
  viewer.active ? viewer.revealLine(line) : editor?.revealLine(line),
);
const viewer = createRecordingViewer({
  store,
  view: timeline.view,
  onModeChange(viewing) {
    // A recording is read-only: nothing that would change the live session, nor the user's snippet, is offered.
    byId("recording-source", HTMLDivElement).hidden = !viewing;
    for (const id of ["run", "clear", "connect", "disconnect-all", "export-bun", "export-deno"])
      byId(id, HTMLButtonElement).disabled = viewing;
    table.select(undefined);
    details.show(undefined);
  },
});
const recordings = createRecordingFiles({
  connection,
  viewer,
  events: () => store.events,
  timelineStart: () => store.timelineStart,
  range: () => timeline.view.range,
  controls: () => controls.current(),
  documentName: () => documents.path?.split("/").at(-1),
  nativeDialogs: () => pendingWorkspace?.nativeDialogs ?? false,
  say,
});
const settings = createPageSettings({
  save: (changes) => void connection.request("settings-set", { settings: changes }).catch(sayFailure),
  onTheme(dark) {
    editor?.setDark(dark);
    timeline.view.setDark(dark);
  },
});
const documents = createDocuments({
  connection,
  getSource: () => editor?.source,
  setSource: (source) => {
    if (editor) editor.source = source;
  },
  say,
  onOpened: () => {
    // A snippet opened from the File menu is for editing: back to live, where it runs.
    viewer.close();
    void run();
  },
});
const controls = createClientControls({
  onConnect: (request) => void connect(request),
  onDisconnectAll: () => disconnect(),
});

// Runtime errors and leaks become editor markers as they arrive, once per frame at most (a
// recording's are not the user's snippet's).
store.subscribe({
  appended(from) {
    if (!viewer.active) editor?.noteEvents(store.events.slice(from), status?.serving);
  },
  cleared() {
    // The clients (and their chips) follow the host's status, which comes with every clear.
  },
});

function setupTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const choose = (tab: HTMLButtonElement) => {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !chosen;
    }
    // Hidden panels skip their work; the raw stream catches up when it is shown.
    if (tab.id === "tab-raw") rawView.show();
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => choose(tab));
    tab.addEventListener("keydown", (key) => {
      if (key.key !== "ArrowRight" && key.key !== "ArrowLeft") return;
      const next = tabs[(index + (key.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]!;
      next.focus();
      choose(next);
    });
  });
}

function setupToolbar(): void {
  byId("run", HTMLButtonElement).addEventListener("click", () => void run());
  byId("clear", HTMLButtonElement).addEventListener("click", () => {
    connection.request("clear", {}).then((reply) => cleared(reply.status), sayFailure);
  });
  byId("export-json", HTMLButtonElement).addEventListener("click", () => {
    byId("export-menu", HTMLDetailsElement).open = false;
    // A recording's events are already in ms since its start.
    const lines = timelineJsonLines(rebaseTimeline(store.events, viewer.active ? 0 : store.timelineStart));
    void saveExport("timeline.jsonl", new Blob([lines], { type: "application/x-ndjson" }), "timeline.jsonl");
  });
  for (const target of ["bun", "deno"] as const) {
    byId(`export-${target}`, HTMLButtonElement).addEventListener("click", () => {
      byId("export-menu", HTMLDetailsElement).open = false;
      void exportServerFile(target);
    });
  }
  byId("export-png", HTMLButtonElement).addEventListener("click", async () => {
    byId("export-menu", HTMLDetailsElement).open = false;
    await saveExport("timeline.png", await timeline.toPng(), "timeline.png");
  });
  byId("export-recording", HTMLButtonElement).addEventListener("click", () => {
    byId("export-menu", HTMLDetailsElement).open = false;
    const name = recordings.recordingName();
    recordings
      .recordingText()
      .then((text) => saveExport(name, new Blob([text], { type: "application/x-ndjson" }), name), sayFailure);
  });
  byId("export-expectations", HTMLButtonElement).addEventListener("click", () => {
    byId("export-menu", HTMLDetailsElement).open = false;
    const name = recordings.expectationsName();
    recordings
      .expectationsText()
      .then((text) => saveExport(name, new Blob([text], { type: "text/plain" }), name), sayFailure);
  });
}

/** Exports the editor's snippet as a standalone server file and downloads it, or says why not. */
async function exportServerFile(target: ExportTarget): Promise<void> {
  if (!editor) return;
  say(`Exporting for ${target === "bun" ? "Bun" : "Deno"}…`);
  let result: ExportResult;
  try {
    result = await connection.request("export", { source: editor.source, target, tryRequest: suggestedRequest });
  } catch (error) {
    return sayFailure(error);
  }
  if (!result.ok) {
    const where =
      result.error.line === undefined
        ? ""
        : ` (line ${result.error.line}${result.error.column === undefined ? "" : `:${result.error.column}`})`;
    return say(`Not exported for ${target}${where}: ${result.error.message}`, "error");
  }
  const outcome = await fileSaver.save("server.ts", new Blob([result.code], { type: "text/typescript" }));
  const { text, tone } = describeSave(outcome, `server.ts for ${target === "bun" ? "Bun" : "Deno"}`);
  const changed =
    outcome.saved && result.changes.length ? ` · ${result.changes.length} change(s) listed in its header` : "";
  say(text + changed, tone);
}

async function setupExamples(): Promise<void> {
  const select = byId("examples", HTMLSelectElement);
  let examples: Example[];
  try {
    examples = await loadExamples();
  } catch (error) {
    select.title = `examples unavailable: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  for (const example of examples) select.append(element("option", { value: example.id }, example.title));
  select.addEventListener("change", () => {
    const example = examples.find((e) => e.id === select.value);
    select.value = "";
    if (!example || !editor) return;
    viewer.close();
    // Opening an example never loses the user's own snippet: the example becomes a new untitled one.
    void documents.openAsNew(example.source).then(() => void run());
    controls.set(example.request);
    suggestedRequest =
      example.request.path === undefined
        ? undefined
        : {
            path: example.request.path,
            method: example.request.method,
            headers: example.request.headers,
            body: example.request.body,
          };
    const lesson = byId("lesson", HTMLElement);
    lesson.hidden = example.lessonHtml === "";
    lesson.innerHTML = example.lessonHtml;
  });
}

/** The open document's file, so its imports resolve from its own folder. */
function openPath(): string | undefined {
  return documents.path;
}

/** Puts the host's document into the editor (once both have arrived) and runs it. */
function restoreWorkspace(): void {
  if (!pendingWorkspace || !editor) return;
  documents.restore(pendingWorkspace);
  if (status?.serving === undefined) void run();
  reportReady();
}

let reportedReady = false;
/** The editor is ready for typing once it shows the host's document: say so, once. */
function reportReady(): void {
  if (reportedReady) return;
  reportedReady = true;
  markStartup("editor-ready");
  document.body.dataset.editorReady = "true";
  // The desktop app reports when its window is ready for typing (and `npm run bench` times it).
  void connection.request("page-ready", { editorReadyMs: performance.now() }).catch(sayFailure);
}

/** Resolves once the page has painted what it shows now (or soon, in a tab the browser does not paint). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, paintWaitMs);
  });
}
const paintWaitMs = 200;
/** How long Monaco's workers wait for Bun's types before starting without them (syntax checks only). */
const workersWaitForTypesMs = 5_000;

async function setupEditor(): Promise<void> {
  const monaco = await loadMonaco();
  markStartup("monaco-loaded");
  // First what typing needs; Bun's types and the workers once the editor is on screen.
  const workersMayStart = Promise.withResolvers<void>();
  holdMonacoWorkers(workersMayStart.promise);
  checkSyntaxOnly(monaco);
  const debounce = createTrailingDebounce(() => void run(), autoRunDelayMs);
  editor = createEditor(monaco, byId("editor", HTMLDivElement), {
    initialSource: pendingWorkspace?.document.source ?? "",
    onRun: () => {
      debounce.cancel();
      documents.saveForRun();
      void run();
    },
    onChange: () => {
      documents.edited();
      if (settings.autoRun) debounce.call();
    },
    snippetPath: openPath,
  });
  markStartup("editor-created");
  editor.setDark(
    document.documentElement.dataset.theme === "dark" ||
      (document.documentElement.dataset.theme !== "light" && matchMedia("(prefers-color-scheme: dark)").matches),
  );
  restoreWorkspace();
  await afterPaint();
  setTimeout(() => workersMayStart.resolve(), workersWaitForTypesMs);
  // The editor works without the types: it checks only syntax then.
  await loadSnippetTypes(monaco).then(
    () => markStartup("types-applied"),
    (error: unknown) => console.warn("Bun's types did not load", error),
  );
  workersMayStart.resolve();
  document.body.dataset.typesReady = "true";
}

setupTabs();
setupToolbar();
void setupExamples();
setupEditor().catch((error: unknown) =>
  say(`The editor failed to start: ${error instanceof Error ? error.message : String(error)}`, "error"),
);
