/**
 * Files served straight from a folder (Monaco's build). The URL path is decoded segment by
 * segment and every segment must be a plain name, so no spelling of `..` leaves the folder.
 */

import { stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";

const plainText = { "content-type": "text/plain;charset=utf-8" };

/** The file `urlPath` names inside `root`, or undefined when it names something outside it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  const segments: string[] = [];
  for (const raw of urlPath.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined; // Not valid percent-encoding: no file has that name.
    }
    if (segment === "" || segment === "." || segment === ".." || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  if (segments.length === 0) return undefined;
  const base = resolve(root);
  const path = resolve(join(base, ...segments));
  return path.startsWith(base + sep) ? path : undefined;
}

/** An entity tag naming `body`'s content. */
export function contentTag(body: string): string {
  return `"${Bun.hash(body).toString(36)}"`;
}

/**
 * The answer to `request`: `body` with `headers` and the entity tag `etag`, or a 304 without the
 * body when the request says it already holds that version (`If-None-Match`).
 */
export function tagged(request: Request, etag: string, body: string | Blob, headers: Record<string, string>): Response {
  const all = { ...headers, etag };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: all });
  return new Response(body, { headers: all });
}

/**
 * Serves `urlPath` from `root` with its content type and an entity tag (its size and modification
 * time), a 304 when `request` already holds that version: 403 for paths that try to leave, 404
 * when missing.
 */
export async function serveFileInside(
  root: string,
  urlPath: string,
  cacheControl: string,
  request: Request,
): Promise<Response> {
  const path = resolveInside(root, urlPath);
  if (path === undefined)
    return new Response("Forbidden: not a file of this folder\n", { status: 403, headers: plainText });
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return new Response("Not found\n", { status: 404, headers: plainText });
  const file = Bun.file(path);
  const etag = `"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`;
  return tagged(request, etag, file, { "content-type": file.type, "cache-control": cacheControl });
}
