/** Snippets as files: documents, settings, folder listings, the workspace a page restores. */

import {
  array,
  boolean,
  describedAs,
  integer,
  object,
  oneOf,
  optional,
  partialObject,
  refine,
  string,
  type Check,
} from "./check.ts";
import { clientKinds, type ClientKind } from "./timeline-events.ts";

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
  /**
   * Counts the changes to `source` from any window (an edit, a save, the file changing on disk).
   * A window's edits name the revision they were made on; edits made on an older one than the
   * host's were made beside another window's, and are not taken silently.
   */
  revision: number;
}

export const themes = ["system", "light", "dark"] as const;
export type Theme = (typeof themes)[number];

/** The kinds of file the playground writes; a save sheet starts in the folder its kind was last saved to. */
export const savedFileKinds = ["snippet", "server", "timeline", "recording", "image", "value"] as const;
export type SavedFileKind = (typeof savedFileKinds)[number];

/** What persists between launches. */
export interface Settings {
  theme: Theme;
  autoRun: boolean;
  /**
   * Whether the editor checks the snippet against Bun's and Node's type declarations (as `tsc`
   * would); off, it only colours it, loading neither TypeScript's worker nor the ~4 MB of
   * declarations, and a version that does not load is marked by the runner.
   */
  checkTypes: boolean;
  defaultClient: ClientKind;
  /** The desktop window's last size and place. */
  window?: WindowPlace | undefined;
  /** The folder each kind of file was last saved to (or a recording opened from). */
  folders?: Partial<Record<SavedFileKind, string>> | undefined;
}

/** A window's size and place on the screen, in whole pixels. */
export interface WindowPlace {
  width: number;
  height: number;
  x: number;
  y: number;
}

/** One entry of a folder listing, for opening files in browser mode. */
export interface FileEntry {
  name: string;
  path: string;
  directory: boolean;
}

/** A folder's snippets and subfolders. */
export interface FolderListing {
  dir: string;
  /** The folder above, when there is one. */
  parent?: string | undefined;
  entries: FileEntry[];
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
  /** True in the desktop app: Open uses the system's dialog, and exports are written where the save sheet says. */
  nativeDialogs: boolean;
  /** Where a save sheet starts when nothing of its kind was saved yet and no file is open: the user's home folder. */
  homeDir: string;
}

// --- limits and checks ------------------------------------------------------------------------

/** The largest file the playground opens, and the largest source a page may send. */
export const maxSnippetBytes = 4 * 1024 * 1024;

/** Longer than any path a file system takes (Linux's PATH_MAX is 4096). */
export const maxPathLength = 4096;

/** Window sizes and places beyond this are not a screen's. */
export const maxWindowCoordinate = 100_000;

/** Document ids are safe as a file name, since an opened file's draft is `drafts/<id>.ts`. */
const documentIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** True for a string that can be a document id (and so a draft's file name). */
export function isDocumentId(value: unknown): value is string {
  return typeof value === "string" && documentIdPattern.test(value);
}

/**
 * An absolute path on any platform the host runs on (`/…`, `C:\…`, `\\server\…`): the host has no
 * current folder a relative one could mean. The host's file functions check it again with the
 * platform's own rules.
 */
export function isAbsolutePath(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length <= maxPathLength &&
    !value.includes("\0") &&
    /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(value)
  );
}

export const documentIdCheck: Check<string> = refine(string, isDocumentId, "must be a document id");
export const absolutePathCheck: Check<string> = refine(
  string,
  isAbsolutePath,
  `must be an absolute path (at most ${maxPathLength} characters)`,
);
/** A snippet's text, at most the size of a file the playground would open. */
export const sourceCheck: Check<string> = refine(
  string,
  (source) => source.length <= maxSnippetBytes,
  `must be a string of at most ${maxSnippetBytes} characters`,
);

const coordinate = (min: number) => integer(min, maxWindowCoordinate);

export const windowPlaceCheck: Check<WindowPlace> = describedAs(
  object({
    width: coordinate(1),
    height: coordinate(1),
    x: coordinate(-maxWindowCoordinate),
    y: coordinate(-maxWindowCoordinate),
  }),
  `must be { width, height, x, y } in whole pixels (width and height 1 or more, all within ±${maxWindowCoordinate})`,
);

/** Each setting's check: a settings file is read field by field, so one bad field costs only itself. */
export const settingFieldChecks: { [K in keyof Settings]-?: Check<NonNullable<Settings[K]>> } = {
  theme: oneOf(themes),
  autoRun: boolean,
  checkTypes: boolean,
  defaultClient: oneOf(clientKinds),
  window: windowPlaceCheck,
  folders: partialObject(
    Object.fromEntries(savedFileKinds.map((kind) => [kind, absolutePathCheck])) as Record<SavedFileKind, Check<string>>,
    "is not a kind of file",
  ),
};

export const settingsCheck: Check<Settings> = object({
  ...settingFieldChecks,
  window: optional(windowPlaceCheck),
  folders: optional(settingFieldChecks.folders),
});

/** Some settings to change: every field optional, and a name that is not a setting refused. */
export const settingsPatchCheck: Check<Partial<Settings>> = partialObject(settingFieldChecks, "is not a setting");

export const snippetDocumentCheck: Check<SnippetDocument> = object({
  id: documentIdCheck,
  path: string,
  name: string,
  untitled: boolean,
  source: string,
  dirty: boolean,
  revision: integer(1),
});

export const folderListingCheck: Check<FolderListing> = object({
  dir: string,
  parent: optional(string),
  entries: array(object({ name: string, path: string, directory: boolean })),
});

export const workspaceStateCheck: Check<WorkspaceState> = object({
  workspaceDir: string,
  document: snippetDocumentCheck,
  recent: array(string),
  settings: settingsCheck,
  nativeDialogs: boolean,
  homeDir: absolutePathCheck,
});
