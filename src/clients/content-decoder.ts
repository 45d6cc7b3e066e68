/**
 * Undoes a response's `Content-Encoding` beside the wire bytes, so the timeline can show both:
 * the client reads the body as it travelled (compressed), and the events in it (SSE, JSON lines)
 * are parsed from what the decoder gives back for each chunk.
 *
 * Each chunk is flushed through the decoder on its own (`Z_SYNC_FLUSH` and its Brotli and Zstandard
 * counterparts), so the decoded bytes of a chunk are all the chunk can give, in order.
 */

import type zlib from "node:zlib";
import { type ContentEncoding, contentEncodings, errorMessage } from "../contract/index.ts";

/** What one chunk decoded to; `error` once the body turned out not to be what its encoding says. */
export interface DecodedChunk {
  bytes: Uint8Array;
  error?: string | undefined;
}

export interface ContentDecoder {
  readonly encoding: ContentEncoding;
  /** Decodes the next wire chunk; chunks are decoded one after another, in the order given. */
  decode(chunk: Uint8Array): Promise<DecodedChunk>;
  /** Frees the decoder. */
  close(): void;
}

/** The `Accept-Encoding` a client sends unless told otherwise: what browsers and Bun's own `fetch` offer. */
export const acceptedEncodings = "gzip, deflate, br, zstd";

/** The one encoding a `Content-Encoding` header names, or undefined for none, `identity` or one this cannot undo. */
export function contentEncodingOf(header: string | null): ContentEncoding | undefined {
  const name = header?.trim().toLowerCase();
  if (name === "x-gzip") return "gzip";
  return contentEncodings.find((encoding) => encoding === name);
}

function decompressorFor(encoding: ContentEncoding): { stream: zlib.Gunzip; flush: number } {
  // Loaded for the first compressed body rather than at every host start: `node:zlib` and the
  // Node streams it stands on took ~10 ms of each start, for bodies most sessions never see.
  const zlib = process.getBuiltinModule("node:zlib");
  switch (encoding) {
    case "gzip":
      return { stream: zlib.createGunzip(), flush: zlib.constants.Z_SYNC_FLUSH };
    case "deflate":
      return { stream: zlib.createInflate(), flush: zlib.constants.Z_SYNC_FLUSH };
    case "br":
      return {
        stream: zlib.createBrotliDecompress() as unknown as zlib.Gunzip,
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
      };
    case "zstd":
      return {
        stream: zlib.createZstdDecompress() as unknown as zlib.Gunzip,
        flush: zlib.constants.ZSTD_e_flush,
      };
    default: {
      const unknown: never = encoding;
      throw new Error(`no decoder for ${String(unknown)}`);
    }
  }
}

export function createContentDecoder(encoding: ContentEncoding): ContentDecoder {
  const { stream, flush } = decompressorFor(encoding);
  let out: Buffer[] = [];
  let failed: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  stream.on("data", (data: Buffer) => out.push(data));
  stream.on("error", (error) => {
    failed ??= errorMessage(error);
  });

  function decodeNow(chunk: Uint8Array): Promise<DecodedChunk> {
    if (failed !== undefined) return Promise.resolve({ bytes: new Uint8Array(), error: failed });
    return new Promise((resolve) => {
      const settle = () => {
        const bytes = new Uint8Array(Buffer.concat(out));
        out = [];
        resolve(failed === undefined ? { bytes } : { bytes, error: failed });
      };
      stream.write(chunk);
      // A broken stream never calls the flush back; its error event settles the chunk instead.
      stream.once("error", settle);
      stream.flush(flush, () => {
        stream.off("error", settle);
        settle();
      });
    });
  }

  return {
    encoding,
    decode(chunk: Uint8Array): Promise<DecodedChunk> {
      const result = queue.then(() => decodeNow(chunk));
      queue = result;
      return result;
    },
    close(): void {
      stream.destroy();
    },
  };
}
