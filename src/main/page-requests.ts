/**
 * What answers each request a page sends (`PageRequests` in the contract): the compiler asks for a
 * handler for every request type. A handler that throws is answered with an error by the page's
 * endpoint, so every request gets exactly one reply.
 */

import type {
  ClientRequest,
  ConnectedLanes,
  DocumentReply,
  EditedElsewhere,
  Handlers,
  HostStatus,
  LoadOutcome,
  PageReady,
  PageRequests,
  SnippetDocument,
  TimelineEvent,
} from "../contract/index.ts";
import { exportSnippet } from "../export/index.ts";
import { parseHex } from "../shared/index.ts";
import { type FileDialogs, openRecordingWithDialog, type WorkspaceFiles } from "./files/index.ts";
import type { LaneRegistry } from "./lane-registry.ts";
import type { PageConnection, Pages } from "./pages.ts";
import type { QuitQuestion } from "./quit-question.ts";
import type { RecordingLedger } from "./recording-ledger.ts";

/** What the handlers work with: the session's parts. */
export interface PageRequestContext {
  /** The host's clock, in ms. */
  now: () => number;
  pages: Pages;
  lanes: LaneRegistry;
  ledger: RecordingLedger;
  quit: QuitQuestion;
  /** The workspace, once the session has opened it; throws before. */
  workspaceFiles: () => WorkspaceFiles;
  /** The system's Open and Save dialogs (the desktop app). */
  dialogs: FileDialogs | undefined;
  /** Loads a version of the snippet, for the page that asked. */
  load: (source: string, path: string | undefined) => Promise<LoadOutcome>;
  /** Loads text no page asked for: every page gets the result. */
  loadForEveryPage: (source: string, path: string) => Promise<void>;
  /** Opens a request's clients on new lanes, once the runner serves. */
  connect: (page: PageConnection, request: ClientRequest) => Promise<ConnectedLanes>;
  /** Starts the timeline again. */
  clear: () => HostStatus;
  /** A fresh runner serving the last good version (Restart server). */
  restartRunner: () => Promise<void>;
  status: () => HostStatus;
  /** Records an event the page saw itself (its own EventSource's). */
  record: (event: TimelineEvent) => void;
  /** A page's editor became ready for typing, `editorReadyMs` after it began loading. */
  onPageReady?: ((ready: PageReady) => void) | undefined;
}

export function pageRequestHandlers(page: PageConnection, context: PageRequestContext): Handlers<PageRequests> {
  const { pages, lanes, workspaceFiles } = context;

  /**
   * The reply to a request that may open a document (or be cancelled in its dialog). Every other
   * page learns of the document now open.
   */
  function documentReply(document: SnippetDocument | EditedElsewhere | undefined): DocumentReply {
    if (!document) return { type: "cancelled" };
    if ("type" in document) return document;
    const recent = workspaceFiles().recent();
    pages.broadcast("document", { document, recent }, page);
    return { type: "document", document, recent };
  }

  return {
    load: (request) => context.load(request.source, request.path),
    connect: (request) => context.connect(page, request.request),
    disconnect: (request) => {
      lanes.disconnect(request.lane, false);
      pages.broadcastAfterEvents("status", { status: context.status() });
      return {};
    },
    "ws-send": (request) => {
      const socket = lanes.socketOn(request.lane);
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
      lanes.socketOn(request.lane).close(request.code, request.reason);
      return {};
    },
    "lane-reading": (request) => {
      const reading = lanes.readingOn(request.lane);
      if (request.paused) reading.pause();
      else reading.resume();
      return {};
    },
    "recording-sources": (request) => context.ledger.sources(request.versions),
    "recording-open-dialog": () =>
      openRecordingWithDialog({
        dialogs: context.dialogs,
        startIn: workspaceFiles().startFolder("recording"),
        onOpened: (folder) => workspaceFiles().rememberFolder("recording", folder),
      }),
    "restart-runner": async () => {
      await context.restartRunner();
      return {};
    },
    clear: () => {
      const status = context.clear();
      pages.broadcast("cleared", { status }, page);
      return { status };
    },
    "clock-ping": () => ({ now: context.now() }),
    "browser-events": (request) => {
      for (const event of request.events) context.record(event);
      return {};
    },
    "browser-listening": (request) => {
      lanes.browserListening(request.lane, request.types);
      return {};
    },
    export: (request) => {
      const { source, target, port, tryRequest } = request;
      return exportSnippet({ source, path: workspaceFiles().document().path, target, port, tryRequest });
    },
    "file-new": async (request) => documentReply(await workspaceFiles().newDocument(request.source)),
    "file-open": async (request) => documentReply(await workspaceFiles().open(request.path)),
    "file-open-dialog": async () => documentReply(await workspaceFiles().openWithDialog()),
    "file-list": (request) => workspaceFiles().list(request.dir, { all: request.all }),
    "file-save": async (request) =>
      documentReply(await workspaceFiles().save(request.id, request.source, request.path, request.base)),
    draft: async (request) => {
      const { reply, changed } = await workspaceFiles().draft(request.id, request.source, request.base);
      // The other windows on the snippet take the edit, or ask about it if they have edits of their own.
      if (changed && reply.type === "taken")
        pages.broadcast("edited", { id: request.id, source: request.source, revision: reply.revision }, page);
      return reply;
    },
    "file-conflict-resolve": async (request) => {
      const document = await workspaceFiles().resolveConflict(request.id, request.keep);
      if (request.keep === "theirs") void context.loadForEveryPage(document.source, document.path);
      return documentReply(document);
    },
    "settings-set": async (request) => {
      const settings = await workspaceFiles().setSettings(request.settings);
      pages.broadcast("settings", { settings }, page);
      return { settings };
    },
    "save-copy": async (request) => {
      const content = request.text ?? Buffer.from(request.base64 ?? "", "base64");
      return workspaceFiles().saveCopy(request.path, content, { kind: request.kind, replace: request.replace });
    },
    "page-ready": (request) => {
      context.onPageReady?.(request);
      return {};
    },
    "quit-answer": (request) => {
      context.quit.answer(request.choice);
      return {};
    },
  };
}
