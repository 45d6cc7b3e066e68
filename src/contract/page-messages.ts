/** Messages between a page and the host, over the page's WebSocket. */

import type { Envelope } from "./envelope.ts";
import type { ExportResult, ExportTarget, TryRequest } from "./export.ts";
import type { FileEntry, Settings, SnippetDocument, WorkspaceState } from "./files.ts";
import type { ClientEvent, ClientKind, LoadedEvent, LoadErrorEvent, TimelineEvent } from "./timeline-events.ts";

/** The request the UI's client controls describe. */
export interface ClientRequest {
  client: ClientKind;
  /** Path and query on the runner. */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Request body, for `stream` clients. */
  body?: string | undefined;
  /** How many clients, each on its own lane. */
  clients: number;
  /** Disconnect each client this long after it opened. */
  disconnectAfterMs?: number | undefined;
}

/** Page → host. */
export type PagePayload =
  /** Load a new version of the snippet. `path` is its file, when it has one. */
  | { type: "load"; source: string; path?: string | undefined }
  /** Open clients against the runner. `browser` clients get lanes and a URL; the page opens them itself. */
  | { type: "connect"; request: ClientRequest }
  /** Disconnect one lane, or every client when no lane is named. */
  | { type: "disconnect"; lane?: number | undefined }
  /** Forget the recorded timeline (the runner keeps serving). */
  | { type: "clear" }
  /** Clock sync: the host answers with its clock. */
  | { type: "clock-ping" }
  /** Events the page's own browser clients recorded, already on the host's clock. */
  | { type: "browser-events"; events: ClientEvent[] }
  /** Start a new untitled snippet. */
  | { type: "file-new" }
  /** Open a file by path (typed, or picked from a listing). */
  | { type: "file-open"; path: string }
  /** Open a file with the system's dialog (desktop only). */
  | { type: "file-open-dialog" }
  /** List a folder (the workspace folder when none is named). */
  | { type: "file-list"; dir?: string | undefined }
  /** Save the document; `path` saves it as a new file (Save As). */
  | { type: "file-save"; id: string; source: string; path?: string | undefined }
  /** Save As with the system's dialog (desktop only). */
  | { type: "file-save-dialog"; id: string; source: string }
  /** The editor's unsaved text, sent after a pause in typing so nothing is lost in a crash. */
  | { type: "draft"; id: string; source: string }
  /** The file changed on disk while the editor had unsaved edits: keep the editor's text, or take the disk's. */
  | { type: "file-conflict-resolve"; id: string; keep: "mine" | "theirs" }
  | { type: "settings-set"; settings: Partial<Settings> }
  /** Export the editor's snippet as a standalone server file. */
  | { type: "export"; source: string; target: ExportTarget; port?: number | undefined; tryRequest?: TryRequest | undefined };


/** What the host tells a page when it connects, and again when something about the runner changes. */
export interface HostStatus {
  /** Where the runner serves. */
  runnerUrl: string;
  /** The version serving new requests, if any loaded. */
  serving?: number | undefined;
  /** Host clock at the moment the timeline began (the zero of the time axis). */
  timelineStart: number;
}

/** Host → page. */
export type HostToPagePayload =
  | { type: "status"; status: HostStatus }
  /** Events in time order as they arrive; batched, never one per message. */
  | { type: "events"; events: TimelineEvent[] }
  /** The timeline was cleared (by any page). */
  | { type: "cleared"; status: HostStatus }
  | { type: "load-result"; event: LoadedEvent | LoadErrorEvent }
  /** Lanes given to the clients a `connect` opened; for `browser` clients, the URL each should open. */
  | { type: "connected"; lanes: { lane: number; url: string }[] }
  | { type: "clock-pong"; hostNow: number }
  | { type: "exported"; result: ExportResult }
  /** Sent when a page connects: the document to show, recent files, settings. */
  | { type: "workspace"; workspace: WorkspaceState }
  /** The document now open (after new, open, save, save as, or a resolved conflict). */
  | { type: "document"; document: SnippetDocument; recent: string[] }
  /** The open file changed on disk. Without unsaved edits the editor takes it; with them, `conflict` asks the user. */
  | { type: "file-changed"; id: string; source: string; conflict: boolean }
  | { type: "file-list"; dir: string; parent?: string | undefined; entries: FileEntry[] }
  | { type: "settings"; settings: Settings }
  /** A dialog was closed without choosing anything. */
  | { type: "cancelled" }
  | { type: "ack" }
  /** A request failed; `message` says why in plain words. */
  | { type: "failed"; message: string };

export type PageMessage = Envelope<PagePayload>;
export type HostToPageMessage = Envelope<HostToPagePayload>;

/** One example (a lesson) as the host serves it at `/examples/index.json`. */
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

