/**
 * Drafts: the unsaved edits of opened files, kept in the workspace so a crash or a killed host loses
 * nothing. Each is `drafts/<document id>.ts`; `drafts/index.json` maps ids to the files they are
 * drafts of, so reopening a file brings its draft back. (An untitled snippet needs no draft: its
 * edits are written to its own file in the workspace.)
 *
 * The draft file is written before the index, so a kill between the two leaves a draft the index
 * does not name yet, which the restore still finds by id, never an index entry without its text.
 */

import { mkdir, readFile, unlink } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { isDocumentId } from "./document-id.ts";
import { errorCode } from "./files-error.ts";
import { readJsonFile, writeJsonFile } from "./json-file.ts";

export const draftsFolderName = "drafts";

/** The drafts kept in a workspace, by document id. */
export interface DraftStore {
  /** The folder the drafts are kept in. */
  readonly folder: string;
  /** Set when the index was not readable (it then starts empty). */
  readonly warning: string | undefined;
  /** The draft of document `id`, or undefined when it has none. */
  read(id: string): Promise<string | undefined>;
  /** The id of the draft kept for the file at `path`, if there is one. */
  idFor(path: string): string | undefined;
  /** Keeps `source` as the draft of document `id`, a draft of the file at `path`. */
  write(id: string, path: string, source: string): Promise<void>;
  /** Forgets document `id`'s draft; nothing happens when it has none. */
  remove(id: string): Promise<void>;
}

export async function createDraftStore(workspaceDir: string): Promise<DraftStore> {
  const folder = join(workspaceDir, draftsFolderName);
  const indexPath = join(folder, "index.json");
  await mkdir(folder, { recursive: true, mode: 0o700 });
  /** Document id → the file it is a draft of. */
  const index = new Map<string, string>();
  const stored = await readJsonFile(indexPath);
  const warning = stored.kind === "invalid" ? stored.message : undefined;
  if (
    stored.kind === "ok" &&
    stored.value !== null &&
    typeof stored.value === "object" &&
    !Array.isArray(stored.value)
  ) {
    for (const [id, path] of Object.entries(stored.value))
      if (isDocumentId(id) && typeof path === "string" && isAbsolute(path)) index.set(id, path);
  }

  const draftPath = (id: string) => join(folder, `${id}.ts`);
  const saveIndex = () => writeJsonFile(indexPath, Object.fromEntries(index));

  return {
    folder,
    warning,

    async read(id: string): Promise<string | undefined> {
      try {
        return await readFile(draftPath(id), "utf8");
      } catch (error) {
        if (errorCode(error) === "ENOENT") return undefined;
        throw error;
      }
    },

    idFor(path: string): string | undefined {
      for (const [id, draftOf] of index) if (draftOf === path) return id;
      return undefined;
    },

    async write(id: string, path: string, source: string): Promise<void> {
      await writeFileAtomic(draftPath(id), source, 0o600);
      if (index.get(id) === path) return;
      index.set(id, path);
      await saveIndex();
    },

    async remove(id: string): Promise<void> {
      try {
        await unlink(draftPath(id));
      } catch (error) {
        // Most documents have no draft; removing one that is not there is the common case.
        if (errorCode(error) !== "ENOENT") throw error;
      }
      if (index.delete(id)) await saveIndex();
    },
  };
}
