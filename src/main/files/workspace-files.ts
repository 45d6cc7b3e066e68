/**
 * The files side of a session: the one open document, its file, its draft, the recent files and
 * the settings, all kept in the workspace folder so the next launch (or the one after a crash)
 * comes back to the same text.
 *
 * A document is a real file, or an untitled snippet whose file is `untitled-N.ts` in the
 * workspace. `source` is the editor's text as the page last sent it; `disk` the file's text as last
 * read or written; the document is dirty while they differ, or while its file is gone. Drafts of an opened file go to
 * `drafts/<id>.ts`; an untitled snippet's go to its own file, so it is never dirty for long.
 *
 * Every operation that touches the disk runs in one queue, so a draft, a save and a look at a
 * changed file never interleave (a look during our own save would see the old text and take it for
 * someone else's change).
 */

import { readdir, stat, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import {
  type DraftReply,
  type SavedFileKind,
  type EditedElsewhere,
  type SnippetDocument,
  type Settings,
  type WorkspaceState,
  errorMessage,
} from "../../contract/index.ts";
import { removeLeftoverTempFiles, writeFileAtomic } from "./atomic-write.ts";
import { readRegularFile } from "./bounded-read.ts";
import { newDocumentId } from "./document-id.ts";
import { createDraftStore, draftsFolderName } from "./drafts.ts";
import { describeFsError, describeWriteError, errorCode, FilesError } from "./files-error.ts";
import { defaultWatchDebounceMs, watchFile, type FileWatch } from "../../shared/index.ts";
import { listFolder, type FolderListing } from "./folder-listing.ts";
import { withRecentFile } from "./recent-files.ts";
import { loadSessionRecord, saveSessionRecord } from "./session-file.ts";
import { loadSettings, saveSettings } from "./settings.ts";
import {
  documentName,
  freeUntitledNumber,
  hasSnippetExtension,
  maxSnippetBytes,
  snippetExtensions,
  untitledNumber,
  untitledPath,
} from "./snippet-names.ts";
import { starterSnippet } from "./starter-snippet.ts";
import { windowTitle } from "./window-title.ts";

/**
 * The desktop app's system dialogs; resolves with undefined when the user cancels. Saving has no
 * system dialog here (Electrobun 1.18.1 offers none): the page's save sheet names the file.
 */
export interface FileDialogs {
  /**
   * Picks a file to open; `startIn` is the folder shown first, `fileTypes` the name patterns offered (snippets when
   * left out).
   */
  openFile(options: { startIn: string; fileTypes?: string[] | undefined }): Promise<string | undefined>;
}

/** What became of an export: written, or not, because a file is there and replacing it was not agreed to. */
export type SaveCopyOutcome = { type: "saved"; path: string } | { type: "exists"; path: string };

/** The open file changed on disk, made by another program. */
export interface FileChange {
  /** The document after the change: the disk's text when it had no unsaved edits, else unchanged. */
  document: SnippetDocument;
  /** The text now on disk. */
  source: string;
  /** The document had unsaved edits, so nothing was overwritten: the user decides. */
  conflict: boolean;
}

export interface WorkspaceFilesOptions {
  /** The workspace folder; it must exist (see `ensureWorkspaceDir`). */
  workspaceDir: string;
  /** System dialogs, in the desktop app. */
  dialogs?: FileDialogs | undefined;
  /** Where save sheets and dialogs start when nothing says otherwise; the user's home folder by default. */
  homeDir?: string | undefined;
  /** Called with the window title whenever the document's name or dirty state changes. */
  onTitle?: ((title: string) => void) | undefined;
  /** Called when another program changed the open file. */
  onFileChange?: ((change: FileChange) => void) | undefined;
  /** The quiet time after a burst of file events before the file is read again. */
  watchDebounceMs?: number | undefined;
}

/** A draft's answer for the page, and whether the text changed (other windows are then told). */
export interface DraftOutcome {
  reply: DraftReply;
  changed: boolean;
}

interface OpenDocument {
  id: string;
  path: string;
  untitled: boolean;
  name: string;
  /** The editor's text as last sent. */
  source: string;
  /** The file's text as last read or written. */
  disk: string;
  /** Set while the file is gone (or unusable): the text is then only in the editor and the draft. */
  missing?: boolean | undefined;
  /** Bumped with every change to `source` (see `SnippetDocument.revision`). */
  revision: number;
  /** An untitled snippet's first text (the starter, or a lesson's): while it still holds only that, leaving it drops it. */
  pristine?: string | undefined;
}

const extensionList = snippetExtensions.join(", ");

/** `path`, normalised, when it can be a snippet's file. */
function snippetPath(path: string): string {
  if (!isAbsolute(path))
    throw new FilesError("relative-path", `A file path must be absolute, not ${JSON.stringify(path)}.`);
  if (!hasSnippetExtension(path))
    throw new FilesError(
      "unsupported-type",
      `${basename(path)} is not a snippet: the playground opens and saves ${extensionList} files.`,
    );
  return resolve(path);
}

/** A snippet file's text, refusing folders, pipes, devices and files too large to be a snippet. */
async function readSnippet(path: string): Promise<string> {
  try {
    return await readRegularFile(path, { maxBytes: maxSnippetBytes, what: "a snippet" });
  } catch (error) {
    throw error instanceof FilesError ? error : describeFsError(error, path, "file");
  }
}

/** A file's text, or undefined when there is none the playground can use (gone, unreadable, a folder, too large). */
async function readIfUsable(path: string): Promise<string | undefined> {
  try {
    return await readSnippet(path);
  } catch (error) {
    if (error instanceof FilesError) return undefined;
    throw error;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return false;
    throw error;
  }
}

/** The workspace on disk: the open document and its draft, settings, recent files and the folders to pick from. */
export interface WorkspaceFiles {
  /** The workspace folder, resolved. */
  readonly workspaceDir: string;
  /** Problems met while opening (an unreadable settings file, …): worth logging, not fatal. */
  readonly warnings: string[];
  /** What a page needs to show the workspace. */
  state(): WorkspaceState;
  /** The open document. */
  document(): SnippetDocument;
  /** The recently opened files, newest first. */
  recent(): string[];
  /** Opens a new untitled snippet with the starter text. */
  /**
   * A new untitled snippet holding `source` (the starter when left out; a lesson's text, so a lesson
   * never writes over the user's own). Leaving it untouched drops it, so browsing lessons leaves
   * no files behind.
   */
  newDocument(source?: string): Promise<SnippetDocument>;
  /** Opens the file at `path` (with its draft, when it has one). */
  open(path: string): Promise<SnippetDocument>;
  /** Opens the file the system dialog picks; undefined when the user cancelled. */
  openWithDialog(): Promise<SnippetDocument | undefined>;
  /**
   * Saves document `id` with `source`: to `path` when given (Save As), else to its own file. An
   * untitled snippet has none, so it asks the system dialog (undefined when cancelled) or, in
   * browser mode, fails with `needs-path`.
   */
  /**
   * Writes the document to its file (or to `path`, Save As). Refused, with the host's text, when
   * another window changed it after revision `base`.
   */
  save(
    id: string,
    source: string,
    path?: string,
    base?: number,
  ): Promise<SnippetDocument | EditedElsewhere | undefined>;
  /**
   * Writes `content` (an exported server file, a timeline) to `path`, the file the user named in
   * the save sheet; a file already there is replaced only with `replace`. Its folder becomes where
   * the next save of its `kind` starts. A failed write throws a FilesError that says why.
   */
  saveCopy(
    path: string,
    content: string | Uint8Array,
    options: { kind: SavedFileKind; replace?: boolean | undefined },
  ): Promise<SaveCopyOutcome>;
  /** Remembers `folder` as where the next save (or open) of `kind` starts. */
  rememberFolder(kind: SavedFileKind, folder: string): Promise<void>;
  /** Where a dialog for `kind` starts: the folder last used for it, else the open file's, else the home folder. */
  startFolder(kind: SavedFileKind): string;
  /** Keeps the editor's unsaved text: an untitled snippet's own file, or an opened file's draft. */
  draft(id: string, source: string, base?: number): Promise<DraftOutcome>;
  /** Settles a conflict: `theirs` takes the disk's text (the draft goes), `mine` keeps the edits. */
  resolveConflict(id: string, keep: "mine" | "theirs"): Promise<SnippetDocument>;
  /**
   * A folder's folders and snippets (every file with `all`); the workspace folder (without its
   * drafts) when none is named.
   */
  list(dir?: string, options?: { all?: boolean | undefined }): Promise<FolderListing>;
  /** Merges `patch` into the settings and saves them. */
  setSettings(patch: Partial<Settings>): Promise<Settings>;
  /** The settings now. */
  settings(): Settings;
  /**
   * True when an opened file has edits not saved to it. (An untitled snippet's edits are in its
   * own file in the workspace and come back on the next launch, so they do not count.)
   */
  hasUnsavedChanges(): boolean;
  /** Saves the open file's unsaved edits to it (an untitled snippet stays in the workspace). */
  saveAll(): Promise<void>;
  /** Stops watching; waits for queued writes to finish. */
  close(): Promise<void>;
}

/** Opens the workspace: restores the last session's document (with its draft), settings and recent files. */
export async function openWorkspaceFiles(options: WorkspaceFilesOptions): Promise<WorkspaceFiles> {
  const workspaceDir = resolve(options.workspaceDir);
  const homeDir = resolve(options.homeDir ?? homedir());
  const warnings: string[] = [];
  const drafts = await createDraftStore(workspaceDir);
  if (drafts.warning) warnings.push(drafts.warning);
  await removeLeftoverTempFiles(workspaceDir);
  await removeLeftoverTempFiles(drafts.folder);
  const loadedSettings = await loadSettings(workspaceDir);
  if (loadedSettings.warning) warnings.push(loadedSettings.warning);
  let settings = loadedSettings.settings;
  const { record, warning } = await loadSessionRecord(workspaceDir);
  if (warning) warnings.push(warning);
  let recent: string[] = [];
  for (const path of record.recent)
    if (untitledNumber(workspaceDir, path) === undefined && (await isFile(path))) recent.push(path);

  let watch: FileWatch | undefined;
  let lastTitle: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** One count for the workspace, so that a revision never means two texts. */
  let revisions = 0;
  const nextRevision = () => ++revisions;
  let current = await restore();
  await persist();
  watchCurrent();
  announceTitle();

  /** Runs `task` after every task queued before it. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    // The queue only orders tasks; each caller gets its own task's failure.
    queue = result.catch(() => undefined);
    return result;
  }

  function isDirty(document: OpenDocument): boolean {
    return document.missing === true || document.source !== document.disk;
  }

  function snapshot(document = current): SnippetDocument {
    const { id, path, name, untitled, source, revision } = document;
    return { id, path, name, untitled, source, dirty: isDirty(document), revision };
  }

  function announceTitle(): void {
    const title = windowTitle(snapshot());
    if (title === lastTitle) return;
    lastTitle = title;
    options.onTitle?.(title);
  }

  function persist(): Promise<void> {
    const { id, path, untitled } = current;
    return saveSessionRecord(workspaceDir, { document: { id, path, untitled }, recent });
  }

  function watchCurrent(): void {
    watch?.close();
    const watched = current;
    const look = () =>
      serial(() => lookAgain(watched)).catch((error: unknown) => {
        // No page asked for this look, so there is no reply to carry the failure (a draft that
        // could not be removed); the host's log is where it can be seen.
        console.error(`workspace: looking at ${watched.path} again failed: ${errorMessage(error)}`);
      });
    watch = watchFile(watched.path, () => void look(), options.watchDebounceMs ?? defaultWatchDebounceMs);
  }

  /** A new untitled snippet in the workspace, holding `source`. */
  async function createUntitled(source: string, id = newDocumentId(), name?: string): Promise<OpenDocument> {
    const path = untitledPath(workspaceDir, freeUntitledNumber(workspaceDir, await readdir(workspaceDir)));
    await writeFileAtomic(path, source, 0o600);
    return {
      id,
      path,
      untitled: true,
      name: name ?? documentName(workspaceDir, path),
      source,
      disk: source,
      revision: nextRevision(),
      pristine: source,
    };
  }

  /** The last session's document, or a new untitled snippet when there is none to come back to. */
  async function restore(): Promise<OpenDocument> {
    const last = record.document;
    if (!last) return createUntitled(starterSnippet);
    const disk = await readIfUsable(last.path);
    if (last.untitled) {
      if (disk === undefined) return createUntitled(starterSnippet);
      return {
        id: last.id,
        path: last.path,
        untitled: true,
        name: documentName(workspaceDir, last.path),
        source: disk,
        disk,
        revision: nextRevision(),
      };
    }
    const draft = await drafts.read(last.id);
    if (disk !== undefined)
      return {
        id: last.id,
        path: last.path,
        untitled: false,
        name: basename(last.path),
        source: draft ?? disk,
        disk,
        revision: nextRevision(),
      };
    if (draft === undefined) return createUntitled(starterSnippet);
    // The file is gone but its unsaved edits are not: keep them as an untitled snippet whose name
    // says what happened (the protocol has no notice field for it).
    const reason = (await isFile(last.path)) ? "unreadable" : "deleted";
    const rescued = await createUntitled(draft, last.id, `${basename(last.path)} (${reason})`);
    await drafts.remove(last.id);
    return rescued;
  }

  /** An untitled snippet nobody touched is not worth keeping once another document is open. */
  async function dropIfUntouched(document: OpenDocument): Promise<void> {
    const pristine = document.pristine ?? starterSnippet;
    if (document.untitled && document.source === pristine && document.disk === pristine)
      await removeIfPresent(document.path);
  }

  /** Leaves the open document for `next`: watches it, remembers it, retitles. */
  async function switchTo(next: OpenDocument): Promise<SnippetDocument> {
    const previous = current;
    current = next;
    if (previous.path !== next.path) await dropIfUntouched(previous);
    if (!next.untitled) recent = withRecentFile(recent, next.path);
    await persist();
    watchCurrent();
    announceTitle();
    return snapshot();
  }

  function openDocument(id: string): OpenDocument {
    if (id !== current.id)
      throw new FilesError(
        "not-open",
        `That document is no longer open (${current.name} is); reload the page to see it.`,
      );
    return current;
  }

  /** Another program may have changed `watched`'s file: take its text, or flag a conflict. */
  async function lookAgain(watched: OpenDocument): Promise<void> {
    if (watched !== current) return;
    const disk = await readIfUsable(watched.path);
    if (disk === undefined) {
      if (watched.missing) return;
      // Deleted (or mid-replace by a slow editor): the text is now only here, so it goes to a
      // draft, which a restart brings back.
      watched.missing = true;
      if (!watched.untitled) await drafts.write(watched.id, watched.path, watched.source);
      announceTitle();
      return;
    }
    const wasMissing = watched.missing === true;
    watched.missing = false;
    if (disk === watched.disk) {
      // Back as it was: clean again unless there are edits.
      if (wasMissing && !watched.untitled && watched.source === disk) await drafts.remove(watched.id);
      if (wasMissing) announceTitle();
      return;
    }
    const hadEdits = watched.source !== watched.disk;
    watched.disk = disk;
    const conflict = hadEdits && watched.source !== disk;
    if (!conflict) {
      watched.source = disk;
      watched.revision = nextRevision();
      if (!watched.untitled) await drafts.remove(watched.id);
    }
    announceTitle();
    options.onFileChange?.({ document: snapshot(watched), source: disk, conflict });
  }

  async function open(requested: string): Promise<SnippetDocument> {
    const path = snippetPath(requested);
    if (path === current.path) return snapshot();
    const disk = await readSnippet(path);
    if (untitledNumber(workspaceDir, path) !== undefined) {
      return switchTo({
        id: newDocumentId(),
        path,
        untitled: true,
        name: documentName(workspaceDir, path),
        source: disk,
        disk,
        revision: nextRevision(),
      });
    }
    const draftId = drafts.idFor(path);
    const draft = draftId === undefined ? undefined : await drafts.read(draftId);
    const id = draft === undefined || draftId === undefined ? newDocumentId() : draftId;
    return switchTo({
      id,
      path,
      untitled: false,
      name: basename(path),
      source: draft ?? disk,
      disk,
      revision: nextRevision(),
    });
  }

  /** Writes `source` to `path` and makes that the document's file (Save As), keeping its id. */
  async function saveAs(document: OpenDocument, source: string, requested: string): Promise<SnippetDocument> {
    const path = snippetPath(requested);
    if (path === document.path) return saveInPlace(document, source);
    try {
      if ((await stat(path)).isDirectory())
        throw new FilesError("not-a-file", `${path} is a folder; choose a file name inside it.`);
    } catch (error) {
      if (error instanceof FilesError) throw error;
      if (errorCode(error) !== "ENOENT") throw describeFsError(error, path, "file");
    }
    try {
      await writeFileAtomic(path, source);
    } catch (error) {
      throw describeFsError(error, path, "file");
    }
    // Another document's draft of the file it just replaced would come back as stale edits.
    const staleDraft = drafts.idFor(path);
    if (staleDraft !== undefined && staleDraft !== document.id) await drafts.remove(staleDraft);
    if (document.untitled) await removeIfPresent(document.path);
    else await drafts.remove(document.id);
    const untitled = untitledNumber(workspaceDir, path) !== undefined;
    return switchTo({
      id: document.id,
      path,
      untitled,
      name: documentName(workspaceDir, path),
      source,
      disk: source,
      revision: source === document.source ? document.revision : nextRevision(),
    });
  }

  async function saveInPlace(document: OpenDocument, source: string): Promise<SnippetDocument> {
    try {
      await writeFileAtomic(document.path, source, document.untitled ? 0o600 : 0o666);
    } catch (error) {
      throw describeFsError(error, document.path, "file");
    }
    if (source !== document.source) document.revision = nextRevision();
    document.source = source;
    document.disk = source;
    document.missing = false;
    if (!document.untitled) await drafts.remove(document.id);
    announceTitle();
    return snapshot();
  }

  /** Another window's edits came after revision `base`: the host's text, to choose from. */
  function editedElsewhere(
    document: OpenDocument,
    source: string,
    base: number | undefined,
  ): EditedElsewhere | undefined {
    if (base === undefined || base === document.revision || source === document.source) return undefined;
    return { type: "edited-elsewhere", id: document.id, source: document.source, revision: document.revision };
  }

  /** Where dialogs start for `kind`: where that kind was last used, else the open file's folder, else home. */
  function startFolder(kind: SavedFileKind): string {
    return settings.folders?.[kind] ?? (current.untitled ? homeDir : dirname(current.path));
  }

  async function rememberFolder(kind: SavedFileKind, folder: string): Promise<void> {
    if (settings.folders?.[kind] === folder) return;
    await serial(async () => {
      const next: Settings = { ...settings, folders: { ...settings.folders, [kind]: folder } };
      await saveSettings(workspaceDir, next);
      settings = next;
    });
  }

  return {
    workspaceDir,
    warnings,

    state(): WorkspaceState {
      return {
        workspaceDir,
        document: snapshot(),
        recent: [...recent],
        settings: { ...settings },
        nativeDialogs: options.dialogs !== undefined,
        homeDir,
      };
    },

    document(): SnippetDocument {
      return snapshot();
    },

    recent(): string[] {
      return [...recent];
    },

    newDocument(source = starterSnippet): Promise<SnippetDocument> {
      return serial(async () => {
        // First, so its number is free again: New after New stays at the same number.
        await dropIfUntouched(current);
        return switchTo(await createUntitled(source));
      });
    },

    open(path: string): Promise<SnippetDocument> {
      return serial(() => open(path));
    },

    async openWithDialog(): Promise<SnippetDocument | undefined> {
      if (!options.dialogs) throw new FilesError("no-dialogs", "no system dialogs in browser mode");
      const path = await options.dialogs.openFile({ startIn: startFolder("snippet") });
      return path === undefined ? undefined : serial(() => open(path));
    },

    async save(
      id: string,
      source: string,
      path?: string,
      base?: number,
    ): Promise<SnippetDocument | EditedElsewhere | undefined> {
      const target = path;
      if (target === undefined && openDocument(id).untitled) {
        throw new FilesError(
          "needs-path",
          `${openDocument(id).name} has no file of its own yet: give a path to save it to (Save As).`,
        );
      }
      if (target !== undefined) await rememberFolder("snippet", dirname(snippetPath(target)));
      return serial(async () => {
        const document = openDocument(id);
        const conflict = editedElsewhere(document, source, base);
        if (conflict) return conflict;
        return target === undefined ? saveInPlace(document, source) : saveAs(document, source, target);
      });
    },

    async saveCopy(path, content, { kind, replace }): Promise<SaveCopyOutcome> {
      // A browser page downloads its exports: the browser asks where.
      if (!options.dialogs) throw new FilesError("no-dialogs", "no system dialogs in browser mode");
      if (!isAbsolute(path))
        throw new FilesError("relative-path", `A file path must be absolute, not ${JSON.stringify(path)}.`);
      const target = resolve(path);
      try {
        const existing = await stat(target);
        if (existing.isDirectory())
          throw new FilesError("not-a-file", `${target} is a folder; choose a file name inside it.`);
        if (!replace) return { type: "exists", path: target };
      } catch (error) {
        if (error instanceof FilesError) throw error;
        if (errorCode(error) !== "ENOENT") throw describeFsError(error, target, "file");
      }
      try {
        await writeFileAtomic(target, content);
      } catch (error) {
        throw describeWriteError(error, target);
      }
      await rememberFolder(kind, dirname(target));
      return { type: "saved", path: target };
    },

    rememberFolder,

    startFolder,

    draft(id: string, source: string, base?: number): Promise<DraftOutcome> {
      return serial(async () => {
        const document = openDocument(id);
        const conflict = editedElsewhere(document, source, base);
        if (conflict) return { reply: conflict, changed: false };
        const changed = source !== document.source;
        if (changed) document.revision = nextRevision();
        document.source = source;
        if (document.untitled) {
          await writeFileAtomic(document.path, source, 0o600);
          document.disk = source;
          document.missing = false;
        } else if (source === document.disk && !document.missing) {
          await drafts.remove(id);
        } else {
          await drafts.write(id, document.path, source);
        }
        announceTitle();
        return { reply: { type: "taken", revision: document.revision }, changed };
      });
    },

    resolveConflict(id: string, keep: "mine" | "theirs"): Promise<SnippetDocument> {
      return serial(async () => {
        const document = openDocument(id);
        if (keep === "mine") return snapshot();
        const disk = await readSnippet(document.path);
        if (disk !== document.source) document.revision = nextRevision();
        document.source = disk;
        document.disk = disk;
        document.missing = false;
        if (!document.untitled) await drafts.remove(id);
        announceTitle();
        return snapshot();
      });
    },

    list(dir?: string, listOptions: { all?: boolean | undefined } = {}): Promise<FolderListing> {
      return dir === undefined || resolve(dir) === workspaceDir
        ? listFolder(workspaceDir, { hidden: new Set([draftsFolderName, "node_modules"]), all: listOptions.all })
        : listFolder(dir, { all: listOptions.all });
    },

    setSettings(patch: Partial<Settings>): Promise<Settings> {
      return serial(async () => {
        const next: Settings = { ...settings, ...patch };
        await saveSettings(workspaceDir, next);
        settings = next;
        return { ...settings };
      });
    },

    settings(): Settings {
      return { ...settings };
    },

    hasUnsavedChanges(): boolean {
      return !current.untitled && isDirty(current);
    },

    async saveAll(): Promise<void> {
      await serial(async () => {
        if (!current.untitled && isDirty(current)) await saveInPlace(current, current.source);
      });
    },

    async close(): Promise<void> {
      watch?.close();
      watch = undefined;
      await queue;
    },
  };
}
