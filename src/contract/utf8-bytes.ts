/**
 * UTF-8 read byte by byte, for showing bytes as they really were: which runs are text, which bytes
 * are not UTF-8, and where a character is cut at the end of a chunk. The grammar is the Encoding
 * Standard's, so a run is text exactly where `TextDecoder` would not write U+FFFD.
 * @see https://encoding.spec.whatwg.org/#utf-8-decoder
 */

/** A run of text, or bytes that are not UTF-8 (each would be, or be part of, a U+FFFD). */
export type Utf8Piece = { text: string } | { invalid: Uint8Array };

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** How many bytes a sequence that starts with `lead` has, or 0 when `lead` cannot start one. */
export function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Whether `byte` may follow `lead` as its first continuation byte (overlong forms, surrogates and values past U+10FFFF
 * are refused there).
 */
function firstContinues(lead: number, byte: number): boolean {
  if (lead === 0xe0) return byte >= 0xa0 && byte <= 0xbf;
  if (lead === 0xed) return byte >= 0x80 && byte <= 0x9f;
  if (lead === 0xf0) return byte >= 0x90 && byte <= 0xbf;
  if (lead === 0xf4) return byte >= 0x80 && byte <= 0x8f;
  return byte >= 0x80 && byte <= 0xbf;
}

/**
 * The sequence at `bytes[at]`, looking no further than `end`: its length when it is a whole
 * character, `-n` when its first `n` bytes are not UTF-8 (the maximal subpart the standard turns
 * into one U+FFFD), or 0 when it is a valid start that `end` cuts off.
 */
export function readSequence(bytes: Uint8Array, at: number, end = bytes.length): number {
  const lead = bytes[at]!;
  const length = sequenceLength(lead);
  if (length === 0) return -1;
  for (let i = 1; i < length; i++) {
    if (at + i >= end) return 0;
    const byte = bytes[at + i]!;
    const fits = i === 1 ? firstContinues(lead, byte) : byte >= 0x80 && byte <= 0xbf;
    if (!fits) return -i;
  }
  return length;
}

/**
 * How many bytes at the end of `bytes` are a character that has begun but not ended: what a
 * streaming decoder holds back for the next chunk. 0 when the bytes end on a whole character
 * (or on bytes that are not UTF-8 whatever follows).
 */
export function cutTail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const at = bytes.length - back;
    const byte = bytes[at]!;
    if (byte >= 0x80 && byte <= 0xbf) continue;
    return readSequence(bytes, at) === 0 ? back : 0;
  }
  return 0;
}

/** The bytes as text runs and bytes that are not UTF-8; a character cut at the end counts as not UTF-8. */
export function utf8Pieces(bytes: Uint8Array): Utf8Piece[] {
  const whole = decoder.decode(bytes);
  // The common case costs one native decode: no U+FFFD means every byte was UTF-8.
  if (!whole.includes("\uFFFD")) return whole === "" ? [] : [{ text: whole }];
  const pieces: Utf8Piece[] = [];
  let runStart = 0;
  let at = 0;
  while (at < bytes.length) {
    const length = readSequence(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    if (at > runStart) pieces.push({ text: decoder.decode(bytes.subarray(runStart, at)) });
    const bad = length === 0 ? bytes.length - at : -length;
    pieces.push({ invalid: bytes.subarray(at, at + bad) });
    at += bad;
    runStart = at;
  }
  if (at > runStart) pieces.push({ text: decoder.decode(bytes.subarray(runStart, at)) });
  return pieces;
}

/** Bytes from base64, as `btoa` and Node's `Buffer` write it. */
export function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** `\xC3`: how a byte that is not UTF-8 is written out. */
export function byteEscape(byte: number): string {
  return `\\x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}
