/**
 * `host.json` in the workspace folder: the port the host listened on last. A launch that is free to
 * choose listens there again, so the page's origin is the same as last time and the browser's (or
 * the window's) cache of Monaco and the page, with its compiled code, serves the new launch.
 */

import { join } from "node:path";
import { readJsonFile, writeJsonFile } from "./json-file.ts";

export const hostPortFileName = "host.json";

/** The port from the file's contents, when it names one a host could listen on again. */
export function readHostPort(value: unknown): number | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const port = (value as { port?: unknown }).port;
  return typeof port === "number" && Number.isInteger(port) && port >= 1024 && port <= 65_535 ? port : undefined;
}

/** The port the last launch listened on; undefined when there is none (or the file is unusable). */
export async function loadHostPort(workspaceDir: string): Promise<number | undefined> {
  const file = await readJsonFile(join(workspaceDir, hostPortFileName)).catch(() => undefined);
  return file?.kind === "ok" ? readHostPort(file.value) : undefined;
}

export function saveHostPort(workspaceDir: string, port: number): Promise<void> {
  return writeJsonFile(join(workspaceDir, hostPortFileName), { port });
}
