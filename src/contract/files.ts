/** Snippets as files: documents, settings, folder listings, the workspace a page restores. */

import type { ClientKind } from "./timeline-events.ts";

/** A snippet as the editor holds it: a real file, or an untitled one kept in the workspace folder. */
export interface SnippetDocument {
  /** Stable for the document's life; also its draft's name in the workspace. */
  id: string;
  /** The file on disk; for an untitled snippet, its file in the workspace folder. */
  path: string;
  /** File name for titles and menus, e.g. `events.ts` or `Untitled 2`. */
  name: string;
  untitled: boolean;
  /** The text, with any unsaved edits (restored from the draft after a restart). */
  source: string;
  /** Unsaved edits differ from the file on disk. */
  dirty: boolean;
}

/** What persists between launches. */
export interface Settings {
  theme: "system" | "light" | "dark";
  autoRun: boolean;
  defaultClient: ClientKind;
  /** The desktop window's last size and place. */
  window?: { width: number; height: number; x: number; y: number } | undefined;
}

/** One entry of a folder listing, for opening files in browser mode. */
export interface FileEntry {
  name: string;
  path: string;
  directory: boolean;
}

/** The files side of a session: what the page needs to restore itself. */
export interface WorkspaceState {
  /** Where untitled snippets, drafts and settings live. */
  workspaceDir: string;
  /** The document the editor shows. */
  document: SnippetDocument;
  /** Recently opened files, newest first. */
  recent: string[];
  settings: Settings;
  /** True in the desktop app: Open and Save As use the system's dialogs. */
  nativeDialogs: boolean;
}
