/**
 * The page: editor on the left; client controls, the timeline and the panels on the right. It
 * talks to the host over one WebSocket; everything it shows comes from the event store.
 *
 * This file only creates the page's parts and connects them; each part's file says what it does.
 */

import {
  type ClientRequest,
  curlCommand,
  describePageReload,
  isPageReloadReason,
  pageReloadParameter,
  type TimelineEvent,
} from "../contract/index.ts";
import { createClientControls } from "./client-controls.ts";
import { createClientLanes } from "./client-lanes.ts";
import { createConsolePanel } from "./console-panel.ts";
import { createDetailsPanel } from "./details-panel.ts";
import { createDocuments } from "./documents.ts";
import { byId, element } from "./dom.ts";
import { createEditorPane } from "./editor-pane.ts";
import { createEventStore } from "./event-store.ts";
import { createEventsTable } from "./events-table.ts";
import { createExportMenu } from "./export-menu.ts";
import { createHostConnection } from "./host-connection.ts";
import { createHostPushHandler } from "./host-pushes.ts";
import { createLaneChips } from "./lane-chips.ts";
import { createLeftRunningTracker, describeLeftRunning } from "./left-running.ts";
import { createMessageView } from "./message-view.ts";
import { readingToggle } from "./lane-reading-toggle.ts";
import { createPageSettings } from "./page-settings.ts";
import { setupPanelTabs } from "./panel-tabs.ts";
import { createQuitDialog } from "./quit-dialog.ts";
import { createRawView } from "./raw-view.ts";
import { createRecordingFiles } from "./recording-files.ts";
import { createRecordingViewer } from "./recording-viewer.ts";
import { createRequestsPanel } from "./requests-panel.ts";
import { createFileSaver, describeSave } from "./save-file.ts";
import { createSaveSheet } from "./save-sheet.ts";
import { createSnippetRuns } from "./snippet-runs.ts";
import { markStartup } from "./startup-marks.ts";
import { createStatusLine } from "./status-line.ts";
import { mountTimeline } from "./timeline-panel.ts";
import { createToolbar } from "./toolbar.ts";
import { createWsLaneBoxes } from "./ws-lane-box.ts";

markStartup("page-script");

const store = createEventStore();
const statusLine = createStatusLine(byId("status", HTMLSpanElement));
const { sayFailure } = statusLine;

const connection = createHostConnection({
  onState(state) {
    if (state === "closed") {
      runs.connectionLost();
      statusLine.say("Lost the host; reconnecting…", "error");
    } else if (state === "open") statusLine.say(runs.describeServing());
  },
  onPush: (push) => pushes.handle(push),
});
/** What older versions left running, offered to end by Restart server. */
const leftRunning = createLeftRunningTracker();
const runs = createSnippetRuns({
  connection,
  leftRunning: (serving) => describeLeftRunning(leftRunning.before(serving)),
  statusLine,
  editor: () => pane.editor,
  path: () => documents.path,
  events: () => store.events,
});
/** The request each of this page's lanes was opened with: how its lens reads it (its body, its rule). */
const liveLaneRequests = new Map<number, ClientRequest>();
const clientLanes = createClientLanes({
  connection,
  rememberClient: (kind) => settings.rememberClient(kind),
  onFailure: sayFailure,
  onLanes(lanes, request) {
    for (const lane of lanes) liveLaneRequests.set(lane, request);
    // A lane's first events may have come before the reply that names its request.
    messageView.requestsKnown(lanes);
  },
});

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
  onDisconnect: (lane) => clientLanes.disconnect(lane),
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
const nativeDialogs = () => pane.workspace?.nativeDialogs ?? false;
const saveSheet = createSaveSheet({
  connection,
  places: () => ({
    remembered: pane.workspace?.settings.folders ?? {},
    openFile: documents.untitled ? undefined : documents.path,
    homeDir: pane.workspace?.homeDir,
  }),
});
const fileSaver = createFileSaver({ connection, nativeDialogs, sheet: saveSheet });
const quitDialog = createQuitDialog((choice) => void connection.request("quit-answer", { choice }).catch(sayFailure));

const details = createDetailsPanel(byId("details", HTMLElement), {
  timelineStart: () => store.timelineStart,
  save: (name, text) =>
    void fileSaver
      .save({ name, kind: "value", what: "the whole value" }, new Blob([text], { type: "text/plain;charset=utf-8" }))
      .then((outcome) => {
        const { text: said, tone } = describeSave(outcome, name);
        statusLine.say(said, tone);
      }),
  requestStartOf(event) {
    // Back from the event to its lane's latest open (or, for a lane no client of ours opened, request).
    const events = store.events;
    for (let i = events.lastIndexOf(event); i >= 0; i--) {
      const earlier = events[i]!;
      if (earlier.lane !== event.lane) continue;
      if ((earlier.kind === "open" && earlier.side === "client") || earlier.kind === "request") return earlier.t;
    }
    return undefined;
  },
  curlOf(open) {
    if (open.client === "websocket" || open.outside !== undefined) return undefined;
    const request = viewer.active
      ? viewer.recording?.header?.lanes.find((described) => described.lane === open.lane)?.request
      : liveLaneRequests.get(open.lane);
    // An EventSource asks for an event stream; the command asks as it did.
    const accept: Record<string, string> = open.client === "eventsource" ? { accept: "text/event-stream" } : {};
    return curlCommand({
      url: open.url,
      method: open.method,
      headers: { ...accept, ...request?.headers },
      body: request?.body,
    });
  },
  say: statusLine.say,
});
// Before the timeline: it frames the lanes the request log has read, so the log reads each batch first.
const requests = createRequestsPanel(byId("panel-requests", HTMLDivElement), store, {
  tab: byId("tab-requests", HTMLButtonElement),
  now: () => (viewer.active ? undefined : connection.hostNow()),
  onSelect(lane) {
    // Its response head (or, before one came, its open) says the most about a request.
    const head =
      store.events.find((event) => event.lane === lane && event.side === "client" && event.kind === "headers") ??
      store.events.find((event) => event.lane === lane && (event.kind === "open" || event.kind === "request"));
    table.showLane(lane);
    rawView.showLane(lane);
    if (head) {
      timeline.select(head);
      table.select(head);
      details.show(head);
      messageView.setCursor(head);
    }
    timeline.showLane(lane);
  },
});
const timeline = mountTimeline(byId("timeline", HTMLDivElement), byId("tooltip", HTMLDivElement), store, {
  // A recording has no "now"; the viewer exists by the time the timeline first draws.
  now: () => (viewer.active ? undefined : connection.hostNow()),
  lanes: () => requests.log.rows,
  onSelect(event) {
    requests.select(event?.lane);
    table.select(event);
    details.show(event);
    revealLineOf(event);
    messageView.setCursor(event);
  },
});
const table = createEventsTable(byId("panel-events", HTMLDivElement), store, {
  onSelect(event) {
    requests.select(event?.lane);
    timeline.select(event);
    details.show(event);
    revealLineOf(event);
    messageView.setCursor(event);
  },
});
const messageView = createMessageView(byId("panel-message", HTMLDivElement), store, {
  tab: byId("tab-message", HTMLButtonElement),
  requestOf: (lane) =>
    viewer.active
      ? viewer.recording?.header?.lanes.find((described) => described.lane === lane)?.request
      : liveLaneRequests.get(lane),
  onSelectAt(lane, t) {
    const event = store.events.find(
      (candidate) => candidate.lane === lane && candidate.side === "client" && candidate.t >= t,
    );
    if (!event) return;
    timeline.select(event);
    table.select(event);
    details.show(event);
    messageView.setCursor(event);
  },
  onMarks: (marks) => timeline.view.setLensMarks(marks),
  onRule: (rule) => controls.setLens(rule),
});
/** An event that names a snippet line (a write, an error, a leak) shows that line in the editor or the recording's source. */
function revealLineOf(event: TimelineEvent | undefined): void {
  const line = event && "line" in event && typeof event.line === "number" ? event.line : undefined;
  if (line === undefined) return;
  if (viewer.active) viewer.revealLine(line);
  else pane.editor?.revealLine(line);
}
const rawView = createRawView(byId("panel-raw", HTMLDivElement), store);
createConsolePanel(byId("panel-console", HTMLDivElement), store, (line) =>
  viewer.active ? viewer.revealLine(line) : pane.editor?.revealLine(line),
);
const viewer = createRecordingViewer({
  store,
  view: timeline.view,
  onModeChange(viewing) {
    // A recording is read-only: nothing that would change the live session, nor the user's snippet, is offered.
    byId("recording-source", HTMLDivElement).hidden = !viewing;
    for (const id of ["run", "restart-server", "clear", "connect", "disconnect-all", "export-bun", "export-deno"])
      byId(id, HTMLButtonElement).disabled = viewing;
    table.select(undefined);
    details.show(undefined);
    // Back to live: the status line speaks of the live session again.
    if (!viewing) statusLine.say(runs.describeServing(), runs.servingTone());
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
  nativeDialogs,
  say: statusLine.say,
});
const settings = createPageSettings({
  save: (changes) => void connection.request("settings-set", { settings: changes }).catch(sayFailure),
  onTheme(dark) {
    pane.editor?.setDark(dark);
    timeline.view.setDark(dark);
  },
  onCheckTypes: (on) => pane.checkTypes(on),
});
const documents = createDocuments({
  connection,
  saveSheet,
  getSource: () => pane.editor?.source,
  setSource: (source) => {
    if (pane.editor) pane.editor.source = source;
  },
  say: statusLine.say,
  onOpened: (another, loadedByHost) => {
    // A lesson's text belongs to the lesson's snippet: another document (New, Open) leaves it.
    if (another) {
      byId("lesson", HTMLElement).hidden = true;
      toolbar.leftLesson();
      // An exported server file's curl line no longer suggests the lesson's path.
      exportMenu.suggestRequest({});
    }
    // A snippet opened from the File menu is for editing: back to live, where it runs.
    viewer.close();
    if (!loadedByHost) void runs.run();
  },
});
const controls = createClientControls({
  onConnect(request) {
    // Asked for by the user: the timeline frames the new connections, wherever it was left.
    timeline.view.follow(true);
    void clientLanes.connect(request);
  },
  onDisconnectAll: () => clientLanes.disconnect(),
});
const exportMenu = createExportMenu({
  connection,
  fileSaver,
  statusLine,
  store,
  viewer,
  recordings,
  source: () => pane.editor?.source,
  timelinePng: () => timeline.toPng(),
  documentName: () => (documents.untitled ? undefined : documents.path?.split("/").at(-1)),
  clientRequest: () => controls.current(),
});
const pushes = createHostPushHandler({
  store,
  viewer,
  runs,
  statusLine,
  chips,
  wsBoxes,
  clientLanes,
  settings,
  documents,
  quitDialog,
  onWorkspace: (workspace) => pane.showWorkspace(workspace),
  // An axis left at "-58500 ms" after Clear would put what comes next out of view.
  onLiveCleared: () => timeline.view.follow(true),
});

// Runtime errors and leaks become editor markers as they arrive, once per frame at most (a
// recording's are not the user's snippet's).
store.subscribe({
  appended(from) {
    if (viewer.active) return;
    const added = store.events.slice(from);
    pane.editor?.noteEvents(added, runs.status?.serving);
    // Moving on (a new version, another lesson) offers to end what older versions left running.
    leftRunning.take(added);
    for (const event of added) {
      if (event.kind === "loaded") toolbar.offerRestart(describeLeftRunning(leftRunning.before(event.version)));
      else if (event.kind === "restarted") toolbar.offerRestart(undefined);
    }
  },
  cleared(_start, why) {
    // The clients (and their chips) follow the host's status, which comes with every clear. The
    // event the details showed is gone, and its lane's number may soon be another client's.
    if (why === "cleared") details.show(undefined);
  },
});

setupPanelTabs({
  // Hidden panels skip their work; the raw stream catches up when it is shown.
  onChoose: (tabId) => {
    if (tabId === "tab-raw") rawView.show();
    if (tabId === "tab-message") messageView.show();
    if (tabId === "tab-requests") requests.show();
  },
});
const toolbar = createToolbar({
  connection,
  statusLine,
  run: () => void runs.run(),
  describeServing: () => runs.describeServing(),
  onCleared: (status) => pushes.showCleared(status),
  editorStarted: () => pane.editor !== undefined,
  openExample(example) {
    viewer.close();
    // A lesson starts with no client of the last one still connected: a chat's sockets sending every
    // second would otherwise run on into the new lesson's timeline and table.
    clientLanes.disconnect();
    // Opening an example never loses the user's own snippet: the example becomes a new untitled one.
    void documents.openAsNew(example.source).then(() => void runs.run());
    controls.set(example.request);
    exportMenu.suggestRequest(example.request);
  },
});
const pane = createEditorPane({ connection, statusLine, documents, settings, runs, onSettled: sayWhyReloaded });

/**
 * The desktop app loaded this page again, or opened again, because something died or hung
 * (`?restarted=`): say so, once, after the page has shown what serves (which would replace it).
 */
function sayWhyReloaded(): void {
  const url = new URL(location.href);
  const reason = url.searchParams.get(pageReloadParameter);
  if (reason === null) return;
  url.searchParams.delete(pageReloadParameter);
  history.replaceState(null, "", url);
  if (isPageReloadReason(reason)) statusLine.say(describePageReload(reason), "error");
}
