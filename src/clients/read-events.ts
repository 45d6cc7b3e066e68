/** The events a client records of what it read: the response head, each piece of the body, and how it ended. */

import type { ChunkEvent, ContentEncoding, DisconnectBy, DisconnectEvent, HeadersEvent } from "../contract/index.ts";
import type { DecodedChunk } from "./content-decoder.ts";
import { chunkPreview } from "../shared/index.ts";
import { headerRecord } from "./http-fields.ts";

/**
 * The `headers` event for `response`, read at `t` on `lane` for a request sent at `sentAt`: the
 * same from the host's own clients and from the tap on the page's EventSource.
 */
export function headersEventOf(t: number, lane: number, response: Response, sentAt: number): HeadersEvent {
  return {
    t,
    lane,
    side: "client",
    kind: "headers",
    status: response.status,
    headers: headerRecord(response.headers),
    ttfbMs: t - sentAt,
  };
}

/** The `chunk` event for `value`, read at `t` on `lane`. */
export function chunkEventOf(t: number, lane: number, value: Uint8Array): ChunkEvent {
  return { t, lane, side: "client", kind: "chunk", bytes: value.byteLength, ...chunkPreview(value) };
}

/** What a chunk of a body with a `Content-Encoding` decoded to, as its `chunk` event carries it. */
export function decodedOf(encoding: ContentEncoding, decoded: DecodedChunk): NonNullable<ChunkEvent["decoded"]> {
  return {
    encoding,
    bytes: decoded.bytes.byteLength,
    ...chunkPreview(decoded.bytes),
    ...(decoded.error === undefined ? {} : { error: decoded.error }),
  };
}

/** How a connection ended, at `t` on `lane`, after `bytes` of the body in `chunks` reads. */
export function disconnectEventOf(
  t: number,
  lane: number,
  end: { by: DisconnectBy; message?: string | undefined; bytes: number; chunks: number },
): DisconnectEvent {
  const { by, message, bytes, chunks } = end;
  return {
    t,
    lane,
    side: "client",
    kind: "disconnect",
    by,
    ...(message === undefined ? {} : { message }),
    bytes,
    chunks,
  };
}
