/**
 * A static route (`routes: { "/api/status": new Response("OK") }`) answered as Bun answers it,
 * while each request still goes through the playground's handler and is recorded. Bun 1.4.5,
 * measured: every method gets the response; a non-empty body without an `ETag` of its own gets
 * one, the body's XXHash64 as 16 hex digits in quotes; a 200 whose ETag matches `If-None-Match`
 * (weakly, in a list, or `*`) is a 304 with the same headers and no body; HEAD has no body.
 */

import type { FetchHandler } from "./snippet-handlers.ts";

interface Prepared {
  /** The ETag Bun adds, when the response has none of its own and a body. */
  etag: string | undefined;
  /** The headers a 304 carries: the response's own, its content type, and its ETag. */
  notModified: Headers;
}

/** Whether an `If-None-Match` value names `etag`, by weak comparison (RFC 9110 §13.1.2). */
export function noneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => opaque(tag) === opaque(etag));
}

/** Bun's ETag for a static route's body. */
export function staticEtag(bytes: Uint8Array): string {
  return `"${Bun.hash.xxHash64(bytes).toString(16).padStart(16, "0")}"`;
}

/** Bun's content type for a string body, which it writes when it sends the body (a HEAD or a 304 sends none). */
const textType = "text/plain;charset=utf-8";

/**
 * The handler that answers every request of a static route with a copy of `value`, as Bun would;
 * `textBody` when `value`'s body was given as a string.
 */
export function staticRoute(value: Response, textBody: boolean): FetchHandler {
  let prepared: Promise<Prepared> | undefined;
  const prepare = async (): Promise<Prepared> => {
    const bytes = await value.clone().bytes();
    const etag = bytes.byteLength > 0 && !value.headers.has("etag") ? staticEtag(bytes) : undefined;
    const notModified = new Headers(value.headers);
    if (!notModified.has("content-type") && textBody) notModified.set("content-type", textType);
    if (etag) notModified.set("etag", etag);
    return { etag, notModified };
  };
  return async (request) => {
    prepared ??= prepare();
    const { etag, notModified } = await prepared;
    const tag = notModified.get("etag");
    if (value.status === 200 && tag !== null && noneMatch(request.headers.get("if-none-match"), tag))
      return new Response(null, { status: 304, headers: notModified });
    const copy = value.clone();
    // Named here, since a copy answering a HEAD sends no body for Bun to take the type from.
    if (textBody && !copy.headers.has("content-type")) copy.headers.set("content-type", textType);
    if (etag) copy.headers.set("etag", etag);
    return copy;
  };
}
