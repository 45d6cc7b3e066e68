/** Text previews of body chunks, kept short so a 64 KiB chunk costs no more than a small one. */

import { cutTail } from "../contract/index.ts";

/** Characters of a chunk kept as its text in the timeline. */
export const previewChars = 1024;

// `ignoreBOM`: a U+FEFF at the start of a chunk is a character the client receives; a decoder
// left to itself would drop it from the preview.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** A chunk's preview: see `WriteEvent.text` and `WriteEvent.base64`. */
export interface ChunkPreview {
  text: string;
  base64?: string;
}

/** Size in bytes of a chunk a body may produce (string, bytes, buffer). */
export function chunkBytes(chunk: unknown): number {
  if (typeof chunk === "string") return Buffer.byteLength(chunk, "utf8");
  if (ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer) return chunk.byteLength;
  if (chunk instanceof Blob) return chunk.size;
  return 0;
}

/** The first `previewChars` UTF-16 units, without cutting a character in two. */
function clipText(text: string): string {
  if (text.length <= previewChars) return text;
  const last = text.charCodeAt(previewChars - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? previewChars - 1 : previewChars);
}

/** The first `limit` bytes, less a character the limit itself cut (the chunk goes on past it). */
function head(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes.byteLength <= limit) return bytes;
  const cut = bytes.subarray(0, limit);
  return cut.subarray(0, limit - cutTail(cut));
}

function bytesPreview(bytes: Uint8Array): ChunkPreview {
  const text = decoder.decode(head(bytes, previewChars * 4));
  if (!text.includes("\uFFFD")) return { text: clipText(text) };
  // Not UTF-8 on its own (a character cut by the chunk's own ends, bytes that are not UTF-8, or a
  // real U+FFFD): the bytes themselves go along, so the page can show them as they were.
  const kept = head(bytes, previewChars);
  return {
    text: decoder.decode(kept),
    base64: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString("base64"),
  };
}

/** The start of a chunk as text, with its bytes when they are not UTF-8 text on their own. */
export function chunkPreview(chunk: unknown): ChunkPreview {
  if (typeof chunk === "string") return { text: clipText(chunk) };
  if (chunk instanceof Uint8Array) return bytesPreview(chunk);
  if (ArrayBuffer.isView(chunk)) return bytesPreview(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  if (chunk instanceof ArrayBuffer) return bytesPreview(new Uint8Array(chunk));
  if (chunk instanceof Blob) return { text: `[Blob, ${chunk.size} bytes]` };
  return { text: String(chunk) };
}
