/** Text previews of body chunks, kept short so a 64 KiB chunk costs no more than a small one. */

/** Characters of a chunk kept as its text in the timeline. */
export const previewChars = 1024;

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Size in bytes of a chunk a body may produce (string, bytes, buffer). */
export function chunkBytes(chunk: unknown): number {
  if (typeof chunk === "string") return Buffer.byteLength(chunk, "utf8");
  if (ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer) return chunk.byteLength;
  if (chunk instanceof Blob) return chunk.size;
  return 0;
}

/** The start of a chunk as text. Bytes are decoded as UTF-8; a character cut at the end shows as U+FFFD. */
export function chunkPreview(chunk: unknown): string {
  if (typeof chunk === "string") return chunk.length > previewChars ? chunk.slice(0, previewChars) : chunk;
  if (chunk instanceof Uint8Array) return decoder.decode(chunk.byteLength > previewChars * 4 ? chunk.subarray(0, previewChars * 4) : chunk).slice(0, previewChars);
  if (ArrayBuffer.isView(chunk)) return chunkPreview(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  if (chunk instanceof ArrayBuffer) return chunkPreview(new Uint8Array(chunk));
  if (chunk instanceof Blob) return `[Blob, ${chunk.size} bytes]`;
  return String(chunk);
}
