/** A piece of a body as a client read it. */

import type { ChunkEvent } from "../contract/index.ts";
import { chunkPreview } from "../shared/index.ts";

/**
 * The `chunk` event for `value`, read at `t` on `lane`: the same from the host's own clients and
 * from the tap on the page's EventSource.
 */
export function chunkEventOf(t: number, lane: number, value: Uint8Array): ChunkEvent {
  return { t, lane, side: "client", kind: "chunk", bytes: value.byteLength, ...chunkPreview(value) };
}
