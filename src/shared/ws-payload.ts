/**
 * WebSocket messages as the timeline shows them: text frames as text, binary frames as hex. Used
 * on both sides (the runner's `websocket` handlers and the client), so a message reads the
 * same in the server's row and the client's.
 */

import type { WsPayload } from "../contract/index.ts";
import { previewChars } from "./preview.ts";

/** Bytes of a binary message shown as hex. */
export const hexPreviewBytes = 256;

/** `de ad be ef`, the first `hexPreviewBytes` of `bytes`, with `…` when there are more. */
export function hexPreview(bytes: Uint8Array): string {
  const shown = bytes.byteLength > hexPreviewBytes ? bytes.subarray(0, hexPreviewBytes) : bytes;
  const hex = Array.from(shown, (byte) => byte.toString(16).padStart(2, "0")).join(" ");
  return bytes.byteLength > hexPreviewBytes ? `${hex} …` : hex;
}

/** The bytes of a binary message as a view (no copy), or undefined for anything that is not bytes. */
export function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data);
  return undefined;
}

/** Size on the wire of what a send or a message carries. Hot path: no preview. */
export function payloadBytes(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data, "utf8");
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return 0;
}

/**
 * The payload of a message: `binary` says which frame it is. `ws.send` sends a string as text and
 * bytes as binary; `sendText` and `sendBinary` say so themselves, whatever they are given.
 */
export function payloadOf(data: unknown, bytes: number, binary = typeof data !== "string"): WsPayload {
  if (!binary) {
    const text = typeof data === "string" ? data : new TextDecoder().decode(bytesOf(data) ?? new Uint8Array());
    return { bytes, binary, text: text.length > previewChars ? text.slice(0, previewChars) : text };
  }
  const view = typeof data === "string" ? new TextEncoder().encode(data.slice(0, hexPreviewBytes)) : bytesOf(data);
  return { bytes, binary, text: view ? hexPreview(view) : data instanceof Blob ? `[Blob, ${data.size} bytes]` : "" };
}

/** Parses `de ad be ef` (spaces, colons and a `0x` prefix allowed) into bytes, or says what is wrong. */
export function parseHex(text: string): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  const digits = text.replace(/0x/gi, "").replace(/[\s:,]/g, "");
  if (!/^[0-9a-fA-F]*$/.test(digits)) return { ok: false, message: "hex may hold only 0-9, a-f, spaces and colons" };
  if (digits.length % 2 !== 0) return { ok: false, message: "hex needs two digits per byte" };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, bytes };
}
