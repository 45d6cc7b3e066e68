/**
 * The snippet as a file: the File menu (new, open, save, save as, recent), the document's name and
 * dirty marker in the toolbar and the window title, drafts sent to the host after a pause in
 * typing (so a crash loses nothing), the bar that asks what to do when the file changed on disk or
 * another window changed the snippet while this one has edits of its own, and, in browser mode, a
 * small dialog for choosing a path.
 *
 * Windows on one snippet stay in step: each edit names the revision it was made on, an edit from
 * another window replaces the text of a window without edits of its own, and edits made beside
 * another window's are never taken silently: the window is asked which to keep.
 */

import {
  errorMessage,
  type DocumentReply,
  type DraftReply,
  type EditedElsewhere,
  type FileEntry,
  type FolderListing,
  type PageRequests,
  type SnippetDocument,
  type WorkspaceState,
  createTrailingDebounce,
} from "../contract/index.ts";
import { byId, element } from "./dom.ts";
import type { HostConnection } from "./host-connection.ts";
import type { SaveSheet } from "./save-sheet.ts";

export interface DocumentsOptions {
  connection: HostConnection;
  /** Where Save As asks for the file's name and folder. */
  saveSheet: SaveSheet;
  /** The editor's text now, and a way to replace it. */
  getSource: () => string | undefined;
  setSource: (source: string) => void;
  say: (text: string, tone?: "ok" | "error") => void;
  /**
   * A document was opened or reloaded from disk: run it, unless `loadedByHost` (the host loads the
   * file's text for every page itself, when a conflict is resolved with it). `another` when it is
   * not the one open before (New, Open).
   */
  onOpened: (another: boolean, loadedByHost: boolean) => void;
}

const draftDelayMs = 400;

/** The file requests whose reply is a document (or a cancelled dialog). */
type DocumentRequest = "file-new" | "file-open" | "file-open-dialog" | "file-save" | "file-conflict-resolve";

export interface Documents {
  /** The host's workspace, when a page connects. */
  restore(workspace: WorkspaceState): void;
  /** The open file changed on disk. */
  fileChanged(id: string, source: string, isConflict: boolean): void;
  /** Another window changed the open snippet. */
  editedElsewhere(id: string, source: string, revision: number): void;
  /** Another window saved the snippet, or opened another document (new, open, save as). */
  openedElsewhere(document: SnippetDocument, recent: readonly string[]): void;
  /** Every edit: mark dirty now, send the draft after a pause. */
  edited(): void;
  /** Ctrl/Cmd+S: a file is written to disk; an untitled snippet is kept in the workspace. */
  saveForRun(): void;
  /** Opens `source` (an example) as a new untitled snippet, so the user's own is never overwritten. */
  openAsNew(source: string): Promise<void>;
  /** The open document's file (in the workspace folder when untitled). */
  readonly path: string | undefined;
  /** The open document is an untitled snippet, kept in the workspace folder. */
  readonly untitled: boolean;
}

export function createDocuments(options: DocumentsOptions): Documents {
  const { connection, say } = options;
  let current: SnippetDocument | undefined;
  let nativeDialogs = false;
  let workspaceDir = "";
  /** The text last known to match the file on disk, to tell whether edits are unsaved. */
  let savedSource: string | undefined;
  /** The host's text and its revision, as this window last knew them: its edits are made on these. */
  let host: { source: string; revision: number } | undefined;
  /** What the conflict bar is asking about: the file on disk, or another window's edits. */
  let conflictWith: "disk" | { source: string; revision: number } | undefined;

  const name = byId("document-name", HTMLSpanElement);
  const recentList = byId("recent-files", HTMLDivElement);
  const menu = byId("file-menu", HTMLDetailsElement);
  const conflict = byId("conflict", HTMLDivElement);

  const draft = createTrailingDebounce(() => void sendDraft().catch(report), draftDelayMs);

  /** Sends the editor's text as a draft made on the host's revision (any revision when `force`: keep mine). */
  async function sendDraft(force = false): Promise<void> {
    const source = options.getSource();
    if (!current || source === undefined) return;
    const id = current.id;
    const reply: DraftReply = await connection.request("draft", {
      id,
      source,
      base: force ? undefined : host?.revision,
    });
    if (current?.id !== id) return;
    if (reply.type === "taken") host = { source, revision: reply.revision };
    else askAboutWindow(reply);
  }

  /** Another window changed the snippet after this one's edits began: ask which to keep. */
  function askAboutWindow(theirs: Pick<EditedElsewhere, "source" | "revision">): void {
    if (!current) return;
    draft.cancel();
    conflictWith = { source: theirs.source, revision: theirs.revision };
    byId("conflict-text", HTMLSpanElement).textContent =
      `${current.name} was changed in another window while you were editing it here.`;
    byId("conflict-mine", HTMLButtonElement).textContent = "Keep my edits";
    byId("conflict-theirs", HTMLButtonElement).textContent = "Use the other window's";
    conflict.hidden = false;
  }

  /**
   * A request that got no reply: the path dialog shows it when it is open (a folder that does not exist, …), else the
   * status line.
   */
  function report(error: unknown): void {
    const message = errorMessage(error);
    if (!dialog.showError(message)) say(message, "error");
  }

  function dirty(): boolean {
    const source = options.getSource();
    return current !== undefined && source !== undefined && (current.untitled ? false : source !== savedSource);
  }

  function showName(): void {
    if (!current) return;
    const marker = dirty() ? " •" : "";
    name.replaceChildren(
      element("span", { title: current.path }, current.name),
      ...(marker ? [element("span", { class: "dirty", "aria-label": "unsaved changes" }, "•")] : []),
    );
    document.title = `${current.name}${marker} — Stream Playground`;
  }

  function showRecent(recent: readonly string[]): void {
    recentList.replaceChildren(
      ...recent.map((path) => {
        const button = element(
          "button",
          { type: "button", role: "menuitem", title: path },
          path.split("/").at(-1) ?? path,
        );
        button.addEventListener("click", () => void run("file-open", { path }));
        return button;
      }),
    );
  }

  function open(doc: SnippetDocument): void {
    current = doc;
    savedSource = doc.dirty ? undefined : doc.source;
    host = { source: doc.source, revision: doc.revision };
    conflictWith = undefined;
    conflict.hidden = true;
    if (options.getSource() !== doc.source) options.setSource(doc.source);
    showName();
  }

  /** Sends edits still waiting for the pause in typing now: the document is about to change. */
  async function flushDraft(): Promise<void> {
    if (!draft.pending) return;
    draft.cancel();
    await sendDraft();
  }

  /** Sends a file request and applies its answer; edits not yet sent as a draft go first. */
  async function run<K extends DocumentRequest>(
    type: K,
    fields: PageRequests[K]["request"],
    loadedByHost = false,
  ): Promise<void> {
    menu.open = false;
    try {
      await flushDraft();
      apply((await connection.request(type, fields)) as DocumentReply, loadedByHost);
    } catch (error) {
      report(error);
    }
  }

  /** Lists a folder in the path dialog. */
  async function list(dir: string | undefined): Promise<void> {
    try {
      const listing: FolderListing = await connection.request("file-list", { dir });
      dialog.show(listing.dir, listing.parent, listing.entries);
    } catch (error) {
      report(error);
    }
  }

  function apply(reply: DocumentReply, loadedByHost = false): void {
    if (reply.type === "cancelled") return;
    if (reply.type === "edited-elsewhere") {
      askAboutWindow(reply);
      return;
    }
    const another = current?.id !== reply.document.id;
    open(reply.document);
    if (!reply.document.dirty) savedSource = reply.document.source;
    showRecent(reply.recent);
    say(`${reply.document.name} ${documentState(reply.document)}`, "ok");
    options.onOpened(another, loadedByHost);
  }

  const documentState = (doc: SnippetDocument) =>
    doc.untitled ? "(untitled, kept in the workspace)" : doc.dirty ? "(with unsaved edits)" : "";

  // --- the path dialog (browser mode) -------------------------------------------------------------

  const dialog = createPathDialog(
    (path) => run("file-open", { path }),
    (dir) => void list(dir),
  );

  function startOpenDialog(): void {
    menu.open = false;
    const folder = current && !current.untitled ? current.path.slice(0, current.path.lastIndexOf("/")) : workspaceDir;
    dialog.begin();
    void list(folder);
  }

  byId("file-new", HTMLButtonElement).addEventListener("click", () => void run("file-new", {}));
  byId("file-open", HTMLButtonElement).addEventListener("click", () =>
    nativeDialogs ? void run("file-open-dialog", {}) : startOpenDialog(),
  );
  byId("file-save", HTMLButtonElement).addEventListener("click", () => save());
  byId("file-save-as", HTMLButtonElement).addEventListener("click", () => void saveAs());
  byId("conflict-mine", HTMLButtonElement).addEventListener("click", () => {
    if (!current) return;
    if (conflictWith === "disk") return void run("file-conflict-resolve", { id: current.id, keep: "mine" });
    // My edits go to the host over the other window's, which is then told.
    conflictWith = undefined;
    conflict.hidden = true;
    void sendDraft(true).catch(report);
  });
  byId("conflict-theirs", HTMLButtonElement).addEventListener("click", () => {
    if (!current) return;
    if (conflictWith === "disk" || conflictWith === undefined)
      return void run("file-conflict-resolve", { id: current.id, keep: "theirs" }, true);
    const theirs = conflictWith;
    conflictWith = undefined;
    conflict.hidden = true;
    host = theirs;
    options.setSource(theirs.source);
    showName();
  });

  function save(): void {
    if (!current) return;
    if (current.untitled) {
      void saveAs();
      return;
    }
    void run("file-save", { id: current.id, source: options.getSource() ?? "", base: host?.revision });
  }

  async function saveAs(): Promise<void> {
    menu.open = false;
    if (!current) return;
    const choice = await options.saveSheet.ask({
      title: `Save ${current.untitled ? "the snippet" : current.name} as`,
      name: current.untitled ? "snippet.ts" : current.name,
      kind: "snippet",
    });
    // The sheet asked before a file there is replaced; the host writes it.
    if (choice && current) {
      await run("file-save", {
        id: current.id,
        source: options.getSource() ?? "",
        path: choice.path,
        base: host?.revision,
      });
    }
  }

  /** Another window changed the snippet: shown here, unless this window has edits of its own to ask about. */
  function takeEdited(id: string, source: string, revision: number): void {
    if (!current || current.id !== id) return;
    // Edits of this window's own that the host has not taken yet (waiting for the pause in typing,
    // or sent and not answered) were made beside the other window's: they are asked about, never
    // written over.
    const ownEdits = draft.pending || (host !== undefined && options.getSource() !== host.source);
    if (ownEdits || (conflictWith !== undefined && conflictWith !== "disk")) {
      askAboutWindow({ source, revision });
      return;
    }
    host = { source, revision };
    if (options.getSource() !== source) options.setSource(source);
    showName();
    say(`${current.name} was changed in another window; this one shows it`, "ok");
  }

  return {
    restore(workspace: WorkspaceState): void {
      nativeDialogs = workspace.nativeDialogs;
      workspaceDir = workspace.workspaceDir;
      open(workspace.document);
      showRecent(workspace.recent);
    },
    fileChanged(id: string, source: string, isConflict: boolean): void {
      if (!current || current.id !== id) return;
      if (!isConflict) {
        savedSource = source;
        options.setSource(source);
        showName();
        say(`${current.name} changed on disk and was reloaded`, "ok");
        return;
      }
      conflictWith = "disk";
      byId("conflict-text", HTMLSpanElement).textContent =
        `${current.name} changed on disk while you have unsaved edits here.`;
      byId("conflict-mine", HTMLButtonElement).textContent = "Keep my edits";
      byId("conflict-theirs", HTMLButtonElement).textContent = "Use the file on disk";
      conflict.hidden = false;
    },
    editedElsewhere: takeEdited,
    openedElsewhere(doc: SnippetDocument, recent: readonly string[]): void {
      showRecent(recent);
      if (!current) return;
      if (doc.id === current.id) {
        // Saved there (or saved as a new file): its text as for an edit, its file and clean state too.
        const hadOwnEdits = draft.pending || (conflictWith !== undefined && conflictWith !== "disk");
        current = { ...doc, source: current.source };
        if (!doc.dirty && !hadOwnEdits) savedSource = doc.source;
        takeEdited(doc.id, doc.source, doc.revision);
        return;
      }
      if (draft.pending) {
        // This window's last edits have not reached the host, which now has another document open:
        // they stay in this editor, and the window says so instead of replacing them.
        say(
          `another window opened ${doc.name}; your latest edits to ${current.name} are still here only: save them (File → Save As) before opening ${doc.name} here`,
          "error",
        );
        return;
      }
      // The other window runs what it opened; this one shows it.
      open(doc);
      say(`another window opened ${doc.name}`, "ok");
    },
    edited(): void {
      showName();
      // The text another window sent, put in this editor, is the host's already.
      if (options.getSource() === host?.source) {
        draft.cancel();
        return;
      }
      draft.call();
    },
    saveForRun(): void {
      if (!current) return;
      draft.cancel();
      const source = options.getSource() ?? "";
      if (current.untitled) void sendDraft().catch(report);
      else
        void connection.request("file-save", { id: current.id, source, base: host?.revision }).then((reply) => {
          if (reply.type === "edited-elsewhere") return askAboutWindow(reply);
          if (reply.type !== "document") return;
          savedSource = reply.document.source;
          host = { source: reply.document.source, revision: reply.document.revision };
          showName();
        }, report);
    },
    async openAsNew(source: string): Promise<void> {
      await flushDraft();
      let reply: DocumentReply;
      try {
        reply = await connection.request("file-new", { source });
      } catch (error) {
        return report(error);
      }
      if (reply.type !== "document") return;
      open(reply.document);
      showRecent(reply.recent);
    },
    get path(): string | undefined {
      return current?.path;
    },
    get untitled(): boolean {
      return current?.untitled ?? true;
    },
  };
}

/** The browser mode's dialog for opening a snippet (saving goes through the save sheet). */
interface PathDialog {
  /** Opens the dialog, its path field empty until a folder is listed. */
  begin(): void;
  /** Shows a failure in the dialog; false when the dialog is not open to show it. */
  showError(message: string): boolean;
  /** Lists `dir`'s entries (with `..` when it has a parent), while the dialog is open. */
  show(dir: string, parent: string | undefined, entries: readonly FileEntry[]): void;
}

/** Choosing a snippet to open in browser mode: a listing to click through, and a field for any path. */
function createPathDialog(choose: (path: string) => Promise<void>, list: (dir: string) => void): PathDialog {
  const dialog = byId("file-dialog", HTMLDialogElement);
  const pathInput = byId("file-dialog-path", HTMLInputElement);
  const listing = byId("file-dialog-list", HTMLUListElement);
  const error = byId("file-dialog-error", HTMLParagraphElement);

  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "ok") return;
    const path = pathInput.value.trim();
    if (path) void choose(path);
  });
  pathInput.addEventListener("keydown", (key) => {
    // Enter on a folder's path lists it instead of choosing it.
    if (key.key === "Enter" && pathInput.value.endsWith("/")) {
      key.preventDefault();
      list(pathInput.value);
    }
  });

  function entryButton(entry: FileEntry | { name: string; path: string; directory: true }): HTMLLIElement {
    const item = element("li");
    const button = element("button", { type: "button" }, entry.directory ? `${entry.name}/` : entry.name);
    button.addEventListener("click", () => {
      if (entry.directory) list(entry.path);
      else pathInput.value = entry.path;
    });
    button.addEventListener("dblclick", () => {
      if (entry.directory) return;
      pathInput.value = entry.path;
      dialog.close("ok");
    });
    item.append(button);
    return item;
  }

  return {
    begin(): void {
      pathInput.value = "";
      error.textContent = "";
      listing.replaceChildren();
      if (!dialog.open) dialog.showModal();
      pathInput.focus();
    },
    showError(message: string): boolean {
      if (!dialog.open) return false;
      error.textContent = message;
      return true;
    },
    show(dir: string, parent: string | undefined, entries: readonly FileEntry[]): void {
      if (!dialog.open) return;
      error.textContent = "";
      const items = entries.map(entryButton);
      if (parent) items.unshift(entryButton({ name: "..", path: parent, directory: true }));
      listing.replaceChildren(...items);
      if (!pathInput.value) pathInput.value = `${dir}/`;
    },
  };
}
