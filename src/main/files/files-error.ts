import { errorMessage } from "../../contract/index.ts";
/**
 * Why a file request failed. Every one reaches the page as a `failed` reply with `message`, so a
 * message is a plain sentence that names the path.
 */

export type FilesErrorKind =
  /** A path that is not absolute: the host has no current folder it could be relative to. */
  | "relative-path"
  /** Nothing at the path. */
  | "not-found"
  /** A folder where a file was expected. */
  | "not-a-file"
  /** A file (or nothing readable as a folder) where a folder was expected. */
  | "not-a-folder"
  /** The operating system refused (permissions, a broken link, …). */
  | "unreadable"
  /** Writing failed: a folder that is gone, no permission, a full disk. */
  | "unwritable"
  /** Not a snippet: the playground opens and saves `.ts`, `.tsx`, `.js`, `.mjs` and `.mts` files. */
  | "unsupported-type"
  /** Larger than a snippet could sensibly be. */
  | "too-large"
  /** A request named a document that is no longer the open one (another page moved on). */
  | "not-open"
  /** Saving an untitled snippet needs a path, and there is no system dialog to ask for one. */
  | "needs-path"
  /** A system dialog was asked for in browser mode. */
  | "no-dialogs";

export class FilesError extends Error {
  constructor(
    readonly kind: FilesErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "FilesError";
  }
}

/** The `code` of a Node.js system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** A system error from reading `path`, as a FilesError with a sentence a user can act on. */
export function describeFsError(error: unknown, path: string, what: "file" | "folder"): FilesError {
  const code = errorCode(error);
  if (code === "ENOENT") return new FilesError("not-found", `There is no ${what} at ${path}.`);
  if (code === "ENOTDIR") {
    return what === "folder"
      ? new FilesError("not-a-folder", `${path} is not a folder.`)
      : new FilesError("not-found", `There is no file at ${path}: part of its path is a file.`);
  }
  if (code === "EISDIR") return new FilesError("not-a-file", `${path} is a folder, not a file.`);
  if (code === "EACCES" || code === "EPERM") return new FilesError("unreadable", `Permission denied for ${path}.`);
  const reason = errorMessage(error);
  return new FilesError("unreadable", `Could not read ${path}: ${reason}`);
}

/** A system error from writing `path`, as a FilesError with a sentence a user can act on. */
export function describeWriteError(error: unknown, path: string): FilesError {
  const code = errorCode(error);
  if (code === "ENOENT" || code === "ENOTDIR")
    return new FilesError("unwritable", `Could not write ${path}: its folder does not exist.`);
  if (code === "EISDIR") return new FilesError("not-a-file", `${path} is a folder, not a file.`);
  if (code === "EACCES" || code === "EPERM" || code === "EROFS")
    return new FilesError("unwritable", `Could not write ${path}: permission denied.`);
  if (code === "ENOSPC") return new FilesError("unwritable", `Could not write ${path}: the disk is full.`);
  return new FilesError("unwritable", `Could not write ${path}: ${errorMessage(error)}`);
}
