/**
 * The workspace's small JSON files (settings, session, the drafts index): read as `unknown` for the
 * caller to validate, written atomically and private to the user.
 */

import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "./atomic-write.ts";
import { errorCode } from "./files-error.ts";
import { jsonProblem } from "../../contract/index.ts";

export type JsonRead =
  | { kind: "missing" }
  | { kind: "ok"; value: unknown }
  /** The file exists but is not JSON (edited by hand, or from another program). */
  | { kind: "invalid"; message: string };

export async function readJsonFile(path: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { kind: "missing" };
    throw error;
  }
  try {
    return { kind: "ok", value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: "invalid", message: `${path} is not JSON (${jsonProblem(text, error)}); it was ignored.` };
  }
}

export function writeJsonFile(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}
