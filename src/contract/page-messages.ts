/**
 * Messages between a page and the host, over the page's WebSocket: what a page asks and what each
 * request is answered with, and what the host pushes to every page.
 *
 * A new request type is one entry in `PageRequests` and one in `pageRequestChecks` (the compiler
 * asks for the second, and for the session's handler).
 */

import {
  array,
  boolean,
  integer,
  literal,
  number,
  object,
  oneOf,
  optional,
  refine,
  string,
  tagged,
  type Check,
} from "./check.ts";
import { emptyCheck, type Empty, type PushChecks, type RequestChecks } from "./envelope.ts";
import {
  exportResultCheck,
  exportTargets,
  tryRequestCheck,
  type ExportResult,
  type ExportTarget,
  type TryRequest,
} from "./export.ts";
import {
  absolutePathCheck,
  documentIdCheck,
  folderListingCheck,
  savedFileKinds,
  settingsCheck,
  settingsPatchCheck,
  snippetDocumentCheck,
  sourceCheck,
  workspaceStateCheck,
  type FolderListing,
  type SavedFileKind,
  type Settings,
  type SnippetDocument,
  type WorkspaceState,
} from "./files.ts";
import { clientBehaviourCheck, type ClientBehaviour } from "./client-behaviour.ts";
import { clientRequestCheck, type ClientRequest } from "./client-request.ts";
import { clockReadingCheck, type ClockReading } from "./clock-sync.ts";
import {
  recordingFileReplyCheck,
  recordingSourcesCheck,
  type RecordingFileReply,
  type RecordingSources,
} from "./recording-file.ts";
import { clientEventCheck, timelineEventCheck } from "./timeline-checks.ts";
import { type StartupTimes, startupTimesCheck } from "./page-start.ts";
import {
  clientKinds,
  type ClientEvent,
  type ClientKind,
  type LoadedEvent,
  type LoadErrorEvent,
  type TimelineEvent,
} from "./timeline-events.ts";

/** A message for a lane's WebSocket: text, or binary written as hex (`de ad be ef`). */
export interface WsSendRequest {
  lane: number;
  text?: string | undefined;
  hex?: string | undefined;
}

/** Closes a lane's WebSocket with a code (1000, or 3000–4999) and a reason. */
export interface WsCloseRequest {
  lane: number;
  code?: number | undefined;
  reason?: string | undefined;
}

/** A client the host keeps open: a page shows one chip per lane, and a page that (re)loads gets them back. */
export interface LiveClient {
  lane: number;
  client: ClientKind;
  method: string;
  /** Path and query on the runner, or another server's URL. */
  path: string;
  /** How a slow client reads, when it is one. */
  slow?: ClientBehaviour | undefined;
  /** A slow client's reading is paused (from its chip, or by its stall setting). */
  paused?: boolean | undefined;
}

/** What the host tells a page when it connects, and again when something about the runner or its clients changes. */
export interface HostStatus {
  /** Where the runner serves. */
  runnerUrl: string;
  /** The version serving new requests, if any loaded. */
  serving?: number | undefined;
  /** Host clock at the moment the timeline began (the zero of the time axis). */
  timelineStart: number;
  /** The clients still open, by lane. */
  clients: LiveClient[];
}

/** What the user chose when the desktop window was closed with unsaved edits. */
export const quitChoices = ["save", "draft", "cancel"] as const;
export type QuitChoice = (typeof quitChoices)[number];

/** Largest file a page may hand the host to write (a timeline of a few hundred thousand events). */
export const maxSaveCopyBytes = 96 * 1024 * 1024;

/** Text, or bytes as base64, to write where the user chose in the save sheet. */
export interface SaveCopyRequest {
  /** The file to write, e.g. `/home/ada/exports/server.ts`. */
  path: string;
  /** What it is: its folder becomes where the next save of this kind starts. */
  kind: SavedFileKind;
  /** The user agreed to replace a file that is there; without it, one that is there is left alone. */
  replace?: boolean | undefined;
  text?: string | undefined;
  base64?: string | undefined;
}

/** Written, or not, because a file is there and replacing it was not agreed to. */
export type SaveCopyReply = { type: "saved"; path: string } | { type: "exists"; path: string };

/** A load's outcome, as the timeline records it. */
export type LoadOutcome = LoadedEvent | LoadErrorEvent;

/** The document now open, and the recent files. */
export interface OpenedDocument {
  document: SnippetDocument;
  recent: string[];
}

/**
 * The snippet was changed in another window since the revision an edit or a save was made on: the
 * host's text and revision, for the page to ask which to keep. Nothing was written.
 */
export interface EditedElsewhere {
  type: "edited-elsewhere";
  id: string;
  source: string;
  revision: number;
}

/**
 * The answer to a file request that may open a document: the document, a dialog closed without a
 * choice, or (a save) a snippet another window changed meanwhile.
 */
export type DocumentReply = ({ type: "document" } & OpenedDocument) | { type: "cancelled" } | EditedElsewhere;

/** The answer to a draft: taken, now at `revision`; or made beside another window's edits. */
export type DraftReply = { type: "taken"; revision: number } | EditedElsewhere;

/** Lanes given to the clients a `connect` opened; for `browser` clients, the URL each should open. */
export interface ConnectedLanes {
  lanes: { lane: number; url: string }[];
}

/** The fields of an `export` request. */
export interface ExportRequest {
  source: string;
  target: ExportTarget;
  port?: number | undefined;
  tryRequest?: TryRequest | undefined;
}

/** A page's editor is ready for typing. */
export interface PageReady {
  /** How long after the page began loading, by its own clock. */
  editorReadyMs: number;
  /** When each milestone of its start came. */
  marks?: StartupTimes | undefined;
}

/** Page → host requests, and what each is answered with. */
export interface PageRequests {
  /** Load a new version of the snippet. `path` is its file, when it has one. */
  load: { request: { source: string; path?: string | undefined }; reply: LoadOutcome };
  /** Open clients against the runner. `browser` clients get lanes and a URL; the page opens them itself. */
  connect: { request: { request: ClientRequest }; reply: ConnectedLanes };
  /** Disconnect one lane, or every client when no lane is named. */
  disconnect: { request: { lane?: number | undefined }; reply: Empty };
  /** Send a message on a lane's WebSocket; refused when the lane has none, or it is not open. */
  "ws-send": { request: WsSendRequest; reply: Empty };
  /** Close a lane's WebSocket with a code and a reason. */
  "ws-close": { request: WsCloseRequest; reply: Empty };
  /** Pause or resume a slow client's reading; refused for a lane whose client is not a slow one. */
  "lane-reading": { request: { lane: number; paused: boolean }; reply: Empty };
  /** What a recording of the timeline needs from the host: the source of these versions, and each lane's request. */
  "recording-sources": { request: { versions: number[] }; reply: RecordingSources };
  /** Open a recording with the system's dialog (desktop only): its text, to be read by the page. */
  "recording-open-dialog": { request: Empty; reply: RecordingFileReply };
  /** Forget the recorded timeline (the runner keeps serving). Every other page gets `cleared`. */
  clear: { request: Empty; reply: { status: HostStatus } };
  /**
   * Restart server: a fresh runner serves the last good version; whatever the snippet left running
   * (an interval logging for ever, a leaked stream, a child process) ends with the old one.
   */
  "restart-runner": { request: Empty; reply: Empty };
  /** Clock sync: the host answers with its clock. */
  "clock-ping": { request: Empty; reply: ClockReading };
  /** Events the page's own browser clients recorded, already on the host's clock. */
  "browser-events": { request: { events: ClientEvent[] }; reply: Empty };
  /** The page's EventSource on `lane` listens for these event types now (the answer to `browser-listen`). */
  "browser-listening": { request: { lane: number; types: string[] }; reply: Empty };
  /** Start a new untitled snippet. */
  /** A new untitled snippet, holding `source` (a lesson's) or the starter. */
  "file-new": { request: { source?: string | undefined }; reply: DocumentReply };
  /** Open a file by path (typed, or picked from a listing). */
  "file-open": { request: { path: string }; reply: DocumentReply };
  /** Open a file with the system's dialog (desktop only). */
  "file-open-dialog": { request: Empty; reply: DocumentReply };
  /** List a folder (the workspace folder when none is named). */
  /** `all`: every file, not only snippets (the save sheet shows what a name would replace). */
  "file-list": { request: { dir?: string | undefined; all?: boolean | undefined }; reply: FolderListing };
  /** Save the document; `path` saves it as a new file (Save As). */
  /** `base`: the revision the text was edited from; a save onto another window's newer edits is refused. */
  "file-save": {
    request: { id: string; source: string; path?: string | undefined; base?: number | undefined };
    reply: DocumentReply;
  };
  /** The editor's unsaved text, sent after a pause in typing so nothing is lost in a crash. */
  /** Unsaved edits, made on revision `base` (any revision when left out: the user chose to keep these). */
  draft: { request: { id: string; source: string; base?: number | undefined }; reply: DraftReply };
  /** The file changed on disk while the editor had unsaved edits: keep the editor's text, or take the disk's. */
  "file-conflict-resolve": { request: { id: string; keep: "mine" | "theirs" }; reply: DocumentReply };
  /** Change some settings; every other page gets `settings`. */
  "settings-set": { request: { settings: Partial<Settings> }; reply: { settings: Settings } };
  /** Export the editor's snippet as a standalone server file. */
  export: { request: ExportRequest; reply: ExportResult };
  /** Write an export where the user chose in the save sheet, never replacing a file without their word (desktop only). */
  "save-copy": { request: SaveCopyRequest; reply: SaveCopyReply };
  /** The page's editor is ready for typing. */
  "page-ready": { request: PageReady; reply: Empty };
  /** The user's answer to `quit-requested`. */
  "quit-answer": { request: { choice: QuitChoice }; reply: Empty };
}

/** Host → page pushes. */
export interface HostPushes {
  status: { status: HostStatus };
  /** Events in time order as they arrive; batched, never one per message. */
  events: { events: TimelineEvent[] };
  /** Another page cleared the timeline. */
  cleared: { status: HostStatus };
  /**
   * A load no page asked for (the open file changed on disk, or a conflict was resolved with its
   * text): the text loaded, and how it went.
   */
  "load-result": { event: LoadOutcome; source: string };
  /** Sent when a page connects: the document to show, recent files, settings. */
  workspace: { workspace: WorkspaceState };
  /** Another page opened a document (new, open, save as, a resolved conflict). */
  document: OpenedDocument;
  /** Another window changed the open snippet: its text, now at `revision`. */
  edited: { id: string; source: string; revision: number };
  /** The open file changed on disk. Without unsaved edits the editor takes it; with them, `conflict` asks the user. */
  "file-changed": { id: string; source: string; conflict: boolean };
  /** Another page changed the settings. */
  settings: { settings: Settings };
  /** Something the host could not answer as a reply: a message that was not JSON, or a background load that failed. */
  failed: { message: string };
  /** The desktop window was closed with unsaved edits in `documentName`: ask, and answer with `quit-answer`. */
  "quit-requested": { documentName: string };
  /**
   * The stream of the page's EventSource on `lane` is about to deliver events of these types: listen
   * for them, and answer with `browser-listening` (the bytes wait for it, within a bound).
   */
  "browser-listen": { lane: number; types: string[] };
}

/** One example (a lesson) as the host serves it at `/examples/index.json`. */
/** The parts of the course, each beginning at a lesson number: the Examples menu groups lessons by them. */
export const lessonGroups = [
  { from: 1, title: "How streams work" },
  { from: 16, title: "LLM and agent streams" },
  { from: 19, title: "Surprises in production" },
] as const;
export type LessonGroup = (typeof lessonGroups)[number]["title"];

/** The group of the lesson numbered `number`. */
export function lessonGroupOf(number: number): LessonGroup {
  return lessonGroups.findLast((group) => number >= group.from)?.title ?? lessonGroups[0].title;
}

export interface ExampleInfo {
  /** The file name without extension, e.g. `03-sse-generator`. */
  id: string;
  title: string;
  /** The snippet. */
  source: string;
  /** The lesson text, rendered from its Markdown; empty when the example has none. */
  lessonHtml: string;
  /** The request the lesson suggests (path, client kind, …), to fill the client controls. */
  request: Partial<ClientRequest>;
}

// --- checks -----------------------------------------------------------------------------------

/** A lane number: 1 or more. */
const lane = integer(1);

/** Hex digits in pairs, spaces and colons between them allowed. */
const hexText = refine(
  string,
  (text) => /^(?:0x)?[0-9a-fA-F\s:]*$/.test(text) && text.replace(/^0x|[\s:]/g, "").length % 2 === 0,
  "must be hex, two digits per byte",
);

const wsSendRequestCheck: Check<WsSendRequest> = refine(
  object({ lane, text: optional(string), hex: optional(hexText) }),
  (request) => (request.text === undefined) !== (request.hex === undefined),
  "must carry either text or hex, not both",
);
const wsCloseRequestCheck: Check<WsCloseRequest> = object({
  lane,
  code: optional(integer(1000, 4999)),
  // The close frame holds 125 bytes: the code's 2 and a reason of 123 (RFC 6455 §5.5).
  reason: optional(
    refine(
      string,
      (reason) => new TextEncoder().encode(reason).byteLength <= 123,
      "must be at most 123 bytes of UTF-8",
    ),
  ),
});

/** A page's browser clients record client events on their own lanes (never lane 0, the runner's). */
const browserEventCheck: Check<ClientEvent> = refine(
  clientEventCheck,
  (event) => event.lane >= 1,
  "must be on a client's lane (1 or more)",
);

const liveClientCheck: Check<LiveClient> = object({
  lane,
  client: oneOf(clientKinds),
  method: string,
  path: string,
  slow: optional(clientBehaviourCheck),
  paused: optional(boolean),
});
export const hostStatusCheck: Check<HostStatus> = object({
  runnerUrl: string,
  serving: optional(integer(1)),
  timelineStart: number,
  clients: array(liveClientCheck),
});

const saveCopyRequestCheck: Check<SaveCopyRequest> = refine(
  object({
    path: absolutePathCheck,
    kind: oneOf(savedFileKinds),
    replace: optional(boolean),
    text: optional(
      refine(string, (text) => text.length <= maxSaveCopyBytes, `must be at most ${maxSaveCopyBytes} characters`),
    ),
    base64: optional(
      refine(
        string,
        (text) => text.length <= (maxSaveCopyBytes / 3) * 4 + 4 && /^[A-Za-z0-9+/]*={0,2}$/.test(text),
        "must be base64 of at most the size limit",
      ),
    ),
  }),
  (request) => (request.text === undefined) !== (request.base64 === undefined),
  "must carry either text or base64, not both",
);
const saveCopyReplyCheck: Check<SaveCopyReply> = tagged("type", {
  saved: object({ type: literal("saved"), path: string }),
  exists: object({ type: literal("exists"), path: string }),
});

const loadOutcomeCheck = refine(
  timelineEventCheck,
  (event) => event.kind === "loaded" || event.kind === "load-error",
  "must be a loaded or load-error event",
) as Check<LoadOutcome>;

const editedElsewhereCheck: Check<EditedElsewhere> = object({
  type: literal("edited-elsewhere"),
  id: documentIdCheck,
  source: string,
  revision: integer(1),
});

const documentReplyCheck: Check<DocumentReply> = tagged("type", {
  document: object({ type: literal("document"), document: snippetDocumentCheck, recent: array(string) }),
  cancelled: object({ type: literal("cancelled") }),
  "edited-elsewhere": editedElsewhereCheck,
});

const draftReplyCheck: Check<DraftReply> = tagged("type", {
  taken: object({ type: literal("taken"), revision: integer(1) }),
  "edited-elsewhere": editedElsewhereCheck,
});

export const pageRequestChecks: RequestChecks<PageRequests> = {
  load: {
    request: object({ source: string, path: optional(refine(string, (path) => path !== "", "must be a file path")) }),
    reply: loadOutcomeCheck,
  },
  connect: {
    request: object({ request: clientRequestCheck }),
    reply: object({ lanes: array(object({ lane, url: string })) }),
  },
  disconnect: { request: object({ lane: optional(lane) }), reply: emptyCheck },
  "ws-send": { request: wsSendRequestCheck, reply: emptyCheck },
  "ws-close": { request: wsCloseRequestCheck, reply: emptyCheck },
  "lane-reading": { request: object({ lane, paused: boolean }), reply: emptyCheck },
  "recording-sources": { request: object({ versions: array(integer(1), 10_000) }), reply: recordingSourcesCheck },
  "recording-open-dialog": { request: emptyCheck, reply: recordingFileReplyCheck },
  clear: { request: emptyCheck, reply: object({ status: hostStatusCheck }) },
  "restart-runner": { request: emptyCheck, reply: emptyCheck },
  "clock-ping": { request: emptyCheck, reply: clockReadingCheck },
  "browser-events": { request: object({ events: array(browserEventCheck) }), reply: emptyCheck },
  "browser-listening": { request: object({ lane, types: array(string, 1000) }), reply: emptyCheck },
  "file-new": { request: object({ source: optional(sourceCheck) }), reply: documentReplyCheck },
  "file-open": { request: object({ path: absolutePathCheck }), reply: documentReplyCheck },
  "file-open-dialog": { request: emptyCheck, reply: documentReplyCheck },
  "file-list": {
    request: object({ dir: optional(absolutePathCheck), all: optional(boolean) }),
    reply: folderListingCheck,
  },
  "file-save": {
    request: object({
      id: documentIdCheck,
      source: sourceCheck,
      path: optional(absolutePathCheck),
      base: optional(integer(1)),
    }),
    reply: documentReplyCheck,
  },
  draft: {
    request: object({ id: documentIdCheck, source: sourceCheck, base: optional(integer(1)) }),
    reply: draftReplyCheck,
  },
  "file-conflict-resolve": {
    request: object({ id: documentIdCheck, keep: oneOf(["mine", "theirs"]) }),
    reply: documentReplyCheck,
  },
  "settings-set": { request: object({ settings: settingsPatchCheck }), reply: object({ settings: settingsCheck }) },
  export: {
    request: object({
      source: string,
      target: oneOf(exportTargets),
      port: optional(number),
      tryRequest: optional(tryRequestCheck),
    }),
    reply: exportResultCheck,
  },
  "save-copy": { request: saveCopyRequestCheck, reply: saveCopyReplyCheck },
  "page-ready": {
    request: object({
      editorReadyMs: refine(number, (ms) => ms >= 0, "must be a number of ms"),
      marks: optional(startupTimesCheck),
    }),
    reply: emptyCheck,
  },
  "quit-answer": { request: object({ choice: oneOf(quitChoices) }), reply: emptyCheck },
};

export const hostPushChecks: PushChecks<HostPushes> = {
  status: object({ status: hostStatusCheck }),
  events: object({ events: array(timelineEventCheck) }),
  cleared: object({ status: hostStatusCheck }),
  "load-result": object({ event: loadOutcomeCheck, source: string }),
  workspace: object({ workspace: workspaceStateCheck }),
  document: object({ document: snippetDocumentCheck, recent: array(string) }),
  edited: object({ id: documentIdCheck, source: string, revision: integer(1) }),
  "file-changed": object({ id: documentIdCheck, source: string, conflict: boolean }),
  settings: object({ settings: settingsCheck }),
  failed: object({ message: string }),
  "quit-requested": object({ documentName: string }),
  "browser-listen": object({ lane, types: array(string) }),
};
