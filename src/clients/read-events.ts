/** The events a client records of what it read: the response head, each piece of the body, and how it ended. */

import type { ChunkEvent, DisconnectBy, DisconnectEvent, HeadersEvent } from "../contract/index.ts";
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
