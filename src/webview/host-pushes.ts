/**
 * What the page does with each push from the host: a new status (lanes, what serves), the
 * timeline's events and clears, the workspace and its settings, a file changed on disk, a load
 * another page started, and the desktop app's question before quitting.
 */

import type { HostPushes, HostStatus, PushPayload, WorkspaceState } from "../contract/index.ts";
import type { ClientLanes } from "./client-lanes.ts";
import type { Documents } from "./documents.ts";
import type { EventStore } from "./event-store.ts";
import type { LaneChips } from "./lane-chips.ts";
import type { PageSettings } from "./page-settings.ts";
import type { QuitDialog } from "./quit-dialog.ts";
import type { RecordingViewer } from "./recording-viewer.ts";
import type { SnippetRuns } from "./snippet-runs.ts";
import { markStartup } from "./startup-marks.ts";
import type { StatusLine } from "./status-line.ts";
import type { WsLaneBoxes } from "./ws-lane-box.ts";

export interface HostPushHandlerOptions {
  /** The live timeline's events. */
  store: EventStore;
  /** While it shows a recording, the live timeline goes on aside, in the viewer. */
  viewer: RecordingViewer;
  /** The live timeline was cleared and is on show: it follows live again, so what comes next is in view. */
  onLiveCleared?: (() => void) | undefined;
  runs: SnippetRuns;
  statusLine: StatusLine;
  chips: LaneChips;
  wsBoxes: WsLaneBoxes;
  clientLanes: ClientLanes;
  settings: PageSettings;
  documents: Documents;
  quitDialog: QuitDialog;
  /** The files side of the session arrived (once, when the page connects). */
  onWorkspace: (workspace: WorkspaceState) => void;
}

export interface HostPushHandler {
  /** Shows what one push from the host says. */
  handle(push: PushPayload<HostPushes>): void;
  /** The timeline was cleared, by this page (the reply to its Clear) or another (a push). */
  showCleared(status: HostStatus): void;
}

export function createHostPushHandler(options: HostPushHandlerOptions): HostPushHandler {
  const { store, viewer, runs, statusLine, chips, clientLanes } = options;

  /** The live timeline starts again at `start`: on show, or aside while a recording is shown. */
  function resetLive(start: number): void {
    if (viewer.active) viewer.resetLive(start);
    else store.clear(start);
  }

  function showCleared(next: HostStatus): void {
    runs.status = next;
    resetLive(next.timelineStart);
    if (!viewer.active) options.onLiveCleared?.();
    chips.show(next.clients);
    clientLanes.forgetEnded(next);
  }

  function handle(payload: PushPayload<HostPushes>): void {
    switch (payload.type) {
      case "status": {
        const status = payload.status;
        if (runs.status?.timelineStart !== status.timelineStart) resetLive(status.timelineStart);
        runs.status = status;
        options.wsBoxes.keepOnly(status.clients.map((client) => client.lane));
        chips.show(status.clients);
        clientLanes.forgetEnded(status);
        statusLine.say(runs.describeServing(), runs.servingTone());
        return;
      }
      case "cleared":
        showCleared(payload.status);
        return;
      case "events":
        // While a recording is shown, the live timeline goes on aside.
        if (viewer.active) viewer.holdLive(payload.events);
        else store.append(payload.events);
        return;
      case "workspace":
        markStartup("workspace-received");
        options.settings.apply(payload.workspace.settings);
        options.onWorkspace(payload.workspace);
        return;
      case "edited":
        options.documents.editedElsewhere(payload.id, payload.source, payload.revision);
        return;
      case "file-changed":
        // Without a conflict the host loads the file's text for every page: its outcome comes next.
        options.documents.fileChanged(payload.id, payload.source, payload.conflict);
        return;
      case "settings":
        options.settings.apply(payload.settings);
        return;
      case "load-result":
        runs.showLoad(payload.event, payload.source);
        return;
      case "failed":
        statusLine.say(payload.message, "error");
        return;
      case "quit-requested":
        options.quitDialog.ask(payload.documentName);
        return;
      case "browser-listen":
        clientLanes.listen(payload.lane, payload.types);
        return;
      case "document":
        options.documents.openedElsewhere(payload.document, payload.recent);
        return;
      default: {
        const _never: never = payload;
        console.warn("unexpected message from the host", _never);
      }
    }
  }

  return { handle, showCleared };
}
