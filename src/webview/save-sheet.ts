/**
 * The save sheet: where Save As and the desktop app's exports ask for a file's name and folder.
 * (Electrobun 1.18.1 has no system save dialog, and a browser page cannot name a host path.) It
 * starts in the folder this kind of file was last saved to, lists that folder's contents so a
 * name that would replace a file is seen, and asks before replacing one.
 */

import { errorMessage, type FileEntry, type FolderListing, type SavedFileKind } from "../contract/index.ts";
import { byId, element } from "./dom.ts";
import type { HostConnection } from "./host-connection.ts";

/** What the sheet asks for. */
export interface SaveSheetRequest {
  /** The sheet's heading, e.g. "Export the server file for Bun". */
  title: string;
  /** The file name offered, e.g. `server.ts`. */
  name: string;
  kind: SavedFileKind;
  /** The button's word: "Save" or "Export". */
  action?: string | undefined;
}

/** The user's choice: the file, and whether they agreed to replace one that is there. */
export interface SaveChoice {
  path: string;
  replace: boolean;
}

/** What a save sheet starts from; all of it comes from the host's workspace. */
export interface StartPlaces {
  /** Folders each kind was last saved to. */
  remembered: Partial<Record<SavedFileKind, string>>;
  /** The open file, when it is a file of the user's (not an untitled snippet in the workspace). */
  openFile: string | undefined;
  homeDir: string | undefined;
}

/**
 * Where a sheet for `kind` starts: where that kind was last saved, else beside the open file, else
 * the home folder. Never the workspace folder, whose drafts and settings are the app's own.
 */
export function startFolder(kind: SavedFileKind, places: StartPlaces): string | undefined {
  const beside = places.openFile === undefined ? undefined : folderOf(places.openFile);
  return places.remembered[kind] ?? beside ?? places.homeDir;
}

/** The folder part of an absolute path (`/` for a file at the root). */
export function folderOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/** `folder` and `name` joined, without doubling the separator at the root. */
export function joinPath(folder: string, name: string): string {
  return folder.endsWith("/") ? `${folder}${name}` : `${folder}/${name}`;
}

/** Why `name` cannot be a file name here, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === "") return "Give the file a name.";
  if (name.includes("/") || name.includes("\\")) return "A name cannot hold a folder; choose the folder below.";
  if (name === "." || name === "..") return `"${name}" is not a file name.`;
  if (name.length > 255) return "That name is longer than a file system allows (255 characters).";
  return undefined;
}

export interface SaveSheetOptions {
  connection: HostConnection;
  /** What the sheet starts from, read each time it opens. */
  places: () => StartPlaces;
}

export interface SaveSheet {
  /** Asks for a name and a folder (the next sheet for its kind starts there); undefined when the user cancels. */
  ask(request: SaveSheetRequest): Promise<SaveChoice | undefined>;
}

export function createSaveSheet(options: SaveSheetOptions): SaveSheet {
  const dialog = byId("save-sheet", HTMLDialogElement);
  const form = byId("save-sheet-form", HTMLFormElement);
  const title = byId("save-sheet-title", HTMLHeadingElement);
  const nameInput = byId("save-sheet-name", HTMLInputElement);
  const folderInput = byId("save-sheet-folder", HTMLInputElement);
  const listing = byId("save-sheet-list", HTMLUListElement);
  const message = byId("save-sheet-error", HTMLParagraphElement);
  const ok = byId("save-sheet-ok", HTMLButtonElement);
  /** Folders chosen in this page, newer than what the workspace said when it loaded. */
  const chosen: Partial<Record<SavedFileKind, string>> = {};

  let folder = "";
  let files = new Set<string>();
  let action = "Save";
  /** The name the user agreed to replace, in `folder`; any change asks again. */
  let replaceAgreed: string | undefined;
  let finish: ((choice: SaveChoice | undefined) => void) | undefined;
  /** Only the newest listing is shown: a slow one for a folder left since is dropped. */
  let listings = 0;

  function say(text: string, tone: "error" | "question" = "error"): void {
    message.textContent = text;
    message.dataset.tone = tone;
  }

  function resetQuestion(): void {
    replaceAgreed = undefined;
    ok.textContent = action;
    if (message.dataset.tone === "question") say("");
  }

  function entry(item: FileEntry | { name: string; path: string; directory: true }): HTMLLIElement {
    const row = element("li");
    const button = element(
      "button",
      { type: "button", class: item.directory ? "folder" : "file" },
      item.directory ? `${item.name}/` : item.name,
    );
    button.addEventListener("click", () => {
      if (item.directory) void list(item.path);
      else {
        nameInput.value = item.name;
        resetQuestion();
        nameInput.focus();
      }
    });
    row.append(button);
    return row;
  }

  /**
   * Shows `dir`'s contents: `listed` once it is the sheet's folder, `superseded` when another folder
   * was asked for meanwhile (or the sheet closed), `failed` when it could not be read.
   */
  async function list(dir: string): Promise<"listed" | "superseded" | "failed"> {
    const mine = ++listings;
    const typed = folderInput.value;
    try {
      const reply: FolderListing = await options.connection.request("file-list", { dir, all: true });
      if (mine !== listings || !dialog.open) return "superseded";
      folder = reply.dir;
      // A folder typed meanwhile stays as typed: it is listed as the field is left, or on Enter.
      if (folderInput.value === typed) folderInput.value = reply.dir;
      files = new Set(reply.entries.filter((item) => !item.directory).map((item) => item.name));
      const rows = reply.entries.map(entry);
      if (reply.parent) rows.unshift(entry({ name: "..", path: reply.parent, directory: true }));
      listing.replaceChildren(...rows);
      resetQuestion();
      say("");
      return "listed";
    } catch (error) {
      if (mine !== listings) return "superseded";
      say(`Cannot show ${dir}: ${errorMessage(error)}`);
      return "failed";
    }
  }

  nameInput.addEventListener("input", resetQuestion);
  nameInput.addEventListener("keydown", (key) => {
    // Enter saves (a form's implicit submission would press its first button, Cancel).
    if (key.key !== "Enter") return;
    key.preventDefault();
    form.requestSubmit(ok);
  });
  folderInput.addEventListener("keydown", (key) => {
    if (key.key !== "Enter") return;
    key.preventDefault();
    void list(folderInput.value.trim() || "/");
  });
  folderInput.addEventListener("change", () => void list(folderInput.value.trim() || "/"));

  form.addEventListener("submit", (event) => {
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value !== "ok") return;
    event.preventDefault();
    const name = nameInput.value.trim();
    const problem = nameProblem(name);
    if (problem) return say(problem);
    if (folderInput.value.trim() !== folder) {
      // A folder typed but not yet listed: listed first, so a file there is seen before it is replaced.
      void list(folderInput.value.trim()).then((listed) => listed === "listed" && form.requestSubmit(ok));
      return;
    }
    if (files.has(name) && replaceAgreed !== name) {
      replaceAgreed = name;
      ok.textContent = "Replace";
      say(`"${name}" is already in this folder. Replace it?`, "question");
      return;
    }
    const done = finish;
    finish = undefined;
    dialog.close();
    done?.({ path: joinPath(folder, name), replace: files.has(name) });
  });
  dialog.addEventListener("close", () => {
    const done = finish;
    finish = undefined;
    done?.(undefined);
  });

  return {
    ask(request: SaveSheetRequest): Promise<SaveChoice | undefined> {
      finish?.(undefined);
      const places = options.places();
      const start = startFolder(request.kind, { ...places, remembered: { ...places.remembered, ...chosen } }) ?? "/";
      action = request.action ?? "Save";
      title.textContent = request.title;
      nameInput.value = request.name;
      folderInput.value = start;
      folder = "";
      files = new Set();
      listing.replaceChildren();
      say("");
      resetQuestion();
      const { promise, resolve } = Promise.withResolvers<SaveChoice | undefined>();
      finish = (choice) => {
        if (choice) chosen[request.kind] = folderOf(choice.path);
        resolve(choice);
      };
      if (!dialog.open) dialog.showModal();
      // A remembered folder that is gone since: the sheet starts at home instead (not when a folder
      // typed meanwhile is what the sheet lists now).
      void list(start).then((listed) => {
        if (listed === "failed" && dialog.open && places.homeDir !== undefined && start !== places.homeDir)
          void list(places.homeDir);
      });
      nameInput.focus();
      // The name without its extension (`.recording.jsonl` whole) is selected, ready to be typed over.
      const dot = request.name.indexOf(".");
      nameInput.setSelectionRange(0, dot > 0 ? dot : request.name.length);
      return promise;
    },
  };
}
