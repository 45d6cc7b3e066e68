/**
 * `session.json` in the workspace folder: which document was open and the recent files, so the
 * next launch comes back to where this one was.
 */

import { isAbsolute, join } from "node:path";
import { isDocumentId } from "./document-id.ts";
import { readJsonFile, writeJsonFile } from "./json-file.ts";
import { maxRecentFiles } from "./recent-files.ts";

export interface SessionRecord {
  /** The document that was open; its text is on disk (its file, or its draft). */
  document?: { id: string; path: string; untitled: boolean } | undefined;
  /** Recently opened files, newest first. */
  recent: string[];
}

export const sessionFileName = "session.json";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const isAbsolutePath = (value: unknown): value is string => typeof value === "string" && isAbsolute(value);

/** The record from the file's contents; whatever does not check out is left out. */
export function readSessionRecord(value: unknown): SessionRecord {
  if (!isObject(value)) return { recent: [] };
  const recent = Array.isArray(value.recent)
    ? [...new Set(value.recent.filter(isAbsolutePath))].slice(0, maxRecentFiles)
    : [];
  const document = value.document;
  if (
    !isObject(document) ||
    !isDocumentId(document.id) ||
    !isAbsolutePath(document.path) ||
    typeof document.untitled !== "boolean"
  )
    return { recent };
  return { document: { id: document.id, path: document.path, untitled: document.untitled }, recent };
}

/** The last session's record, with a warning when the file was not usable. */
export async function loadSessionRecord(
  workspaceDir: string,
): Promise<{ record: SessionRecord; warning?: string | undefined }> {
  const file = await readJsonFile(join(workspaceDir, sessionFileName));
  if (file.kind === "missing") return { record: { recent: [] } };
  if (file.kind === "invalid") return { record: { recent: [] }, warning: file.message };
  return { record: readSessionRecord(file.value) };
}

export function saveSessionRecord(workspaceDir: string, record: SessionRecord): Promise<void> {
  return writeJsonFile(join(workspaceDir, sessionFileName), record);
}
