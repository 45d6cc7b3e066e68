/**
 * Text as a person can read it on a screen. Characters that show as nothing (a BOM, zero-width
 * characters, controls), that look like a space but are not one, or that reorder the text around
 * them (bidi controls) are written out as escapes, `\uFEFF` and the like; `\r`, `\n` and `\t` as
 * themselves. Bytes that are not UTF-8 are written `\xC3`. The trace text, the table, tooltips,
 * details, the raw stream and the JSON export all show text this way.
 */

import { byteEscape, fromBase64, utf8Pieces } from "./utf8-bytes.ts";

/**
 * What gets written out: controls (C0, DEL, C1), format characters (BOM, zero-width space and
 * joiners, bidi marks, embeddings and isolates, soft hyphen, tags), line and paragraph separators,
 * spaces other than U+0020, lone surrogates, and the fillers that render blank.
 */
const invisible =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is matched on its own, combining or not.
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u00A0\u2000-\u200A\u202F\u205F\u3000\u034F\u115F\u1160\u3164\uFFA0]/u;
const invisibleAll = new RegExp(invisible.source, "gu");

/** True when `text` has a character that `escapeInvisible` would write out. */
export function hasInvisible(text: string): boolean {
  return invisible.test(text);
}

/** `\r`, `\n`, `\t`, or `\uFEFF` (`\u{E0041}` past the first plane): one character written out. */
export function escapeCharacter(character: string): string {
  switch (character) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
  }
  const code = character.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase();
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, "0")}`;
}

/** The text with every invisible character written out; everything else, backslashes included, as is. */
export function escapeInvisible(text: string): string {
  return text.replace(invisibleAll, escapeCharacter);
}

/**
 * Text for a terminal: every invisible character written out (an ESC from a snippet's console
 * cannot retitle the terminal or recolour it, a U+202E cannot reverse the line), the line breaks
 * kept as line breaks.
 */
export function escapeForTerminal(text: string): string {
  return text.split("\n").map(escapeInvisible).join("\n");
}

/**
 * JSON text with every invisible character inside its strings written as `\uFEFF` (a pair of
 * escapes past the first plane): the same JSON value, and what it holds can be seen in an editor.
 * `JSON.stringify` already escapes C0 controls and lone surrogates; outside strings its output is
 * ASCII, so only strings change.
 */
export function escapeInvisibleInJson(json: string): string {
  return json.replace(invisibleAll, (character) => {
    let escaped = "";
    for (let i = 0; i < character.length; i++)
      escaped += `\\u${character.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")}`;
    return escaped;
  });
}

/** A run of text as is, or one invisible character written out. */
export interface VisiblePiece {
  text: string;
  /** True when `text` is an escape standing for one character (`\r`, `\uFEFF`), or a byte (`\xC3`). */
  escape: boolean;
}

/** The text cut into runs to show as is and escapes to show apart (the page styles them). */
export function visiblePieces(text: string): VisiblePiece[] {
  const pieces: VisiblePiece[] = [];
  let from = 0;
  for (const match of text.matchAll(invisibleAll)) {
    if (match.index > from) pieces.push({ text: text.slice(from, match.index), escape: false });
    pieces.push({ text: escapeCharacter(match[0]), escape: true });
    from = match.index + match[0].length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), escape: false });
  return pieces;
}

/** The first `max` UTF-16 units, without cutting a character in two. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** Inside quotes: backslashes and quotes escaped too, so an escape never reads as the text it stands for. */
function quoted(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(invisibleAll, escapeCharacter);
}

/** `"data: a\n\n"`: quoted, with invisible characters written out, and `…` after when cut at `max`. */
export function visibleText(text: string, max = 80): string {
  const shown = clip(text, max);
  return `"${quoted(shown)}"${shown.length < text.length ? "…" : ""}`;
}

/**
 * A preview's text, quoted as `visibleText` does; when its bytes came along (they are not UTF-8
 * on their own), from the bytes, with each byte that is not UTF-8 written `\xC3` instead of the
 * U+FFFD the text has for it.
 */
export function visiblePreview(preview: { text: string; base64?: string | undefined }, max = 80): string {
  if (preview.base64 === undefined) return visibleText(preview.text, max);
  let shown = "";
  let chars = 0;
  let cut = false;
  for (const piece of utf8Pieces(fromBase64(preview.base64))) {
    if (chars >= max) {
      cut = true;
      break;
    }
    if ("text" in piece) {
      const part = clip(piece.text, max - chars);
      shown += quoted(part);
      chars += part.length;
      cut = part.length < piece.text.length;
    } else {
      const bytes = piece.invalid.subarray(0, max - chars);
      for (const byte of bytes) shown += byteEscape(byte);
      chars += bytes.length;
      cut = bytes.length < piece.invalid.length;
    }
  }
  return `"${shown}"${cut ? "…" : ""}`;
}
