/**
 * The raw stream's text cut into the lines the view draws: each line end of the text ends a line,
 * and a line wider than the view goes on in the next, so every line is one row of the same height
 * and the view can draw only the rows in sight. Pure: widths are counted in columns of the
 * monospace font the view draws in.
 */

import { byteEscape, escapeCharacter, hasInvisible } from "../contract/index.ts";
import type { RawSegment } from "./raw-stream.ts";

/**
 * One part of a drawn line: a segment of the stream, with bytes that are not UTF-8 already written
 * out (`\xC3`) and text cut to the line.
 */
export type RawLinePiece = Exclude<RawSegment, { kind: "bytes" }> | { kind: "bytes"; text: string; why: string };

/** One row of the view. */
export type RawLine = RawLinePiece[];

/** A chunk's mark is a thin bar with a pixel either side: about half a column of a 12 px monospace font. */
export const edgeColumns = 0.5;

/** Characters a monospace font draws two columns wide: East Asian wide and full-width forms, and emoji. */
const wide =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\p{Emoji_Presentation}\u{20000}-\u{3FFFD}]/u;
/** Marks drawn on the character before them: no column of their own. */
const combining = /\p{M}/u;

/** The columns of a character past ASCII, by code point: a pure function's answers, kept because a stream repeats its characters. */
const columnsByCode = new Map<number, number>();

/** The columns one character (one code point) takes once drawn: an invisible one as its escape (`\n`, `\uFEFF`). */
export function characterColumns(character: string): number {
  const code = character.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return 1;
  let columns = columnsByCode.get(code);
  if (columns === undefined) {
    if (hasInvisible(character)) columns = escapeCharacter(character).length;
    else if (combining.test(character)) columns = 0;
    else columns = wide.test(character) ? 2 : 1;
    columnsByCode.set(code, columns);
  }
  return columns;
}

/** The columns `text` takes once drawn. */
export function textColumns(text: string): number {
  let columns = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0x7f) columns++;
    else {
      const point = text.codePointAt(i) ?? code;
      if (point > 0xffff) i++;
      columns += characterColumns(String.fromCodePoint(point));
    }
  }
  return columns;
}

/**
 * The segments as lines at most `columns` wide (a chunk's mark may reach a little past): text is
 * cut at its line ends and where a line is full, never inside a character or an escape; a note
 * stands on a line of its own, after a line end of its own, as the stream drew it when it was one
 * text.
 */
export function rawTextLines(segments: readonly RawSegment[], columns: number): RawLine[] {
  const width = Math.max(8, columns);
  const lines: RawLine[] = [];
  let line: RawLine = [];
  let used = 0;

  const endLine = () => {
    lines.push(line);
    line = [];
    used = 0;
  };
  /** Makes room for `need` columns: a line already holding something goes on in the next. */
  const room = (need: number) => {
    if (used > 0 && used + need > width) endLine();
  };
  const pushText = (text: string) => {
    const last = line.at(-1);
    if (last?.kind === "text") last.text += text;
    else line.push({ kind: "text", text });
  };

  /** Text, cut at its line ends and where a line is full: one pass over its characters. */
  const addText = (text: string) => {
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let need = 1;
      let units = 1;
      if (code < 0x20 || code >= 0x7f) {
        const point = text.codePointAt(i) ?? code;
        if (point > 0xffff) units = 2;
        need = code === 0x0a ? 2 : characterColumns(String.fromCodePoint(point));
      }
      if (used > 0 && used + need > width) {
        if (i > from) pushText(text.slice(from, i));
        from = i;
        endLine();
      }
      used += need;
      i += units - 1;
      if (code === 0x0a) {
        pushText(text.slice(from, i + 1));
        from = i + 1;
        endLine();
      }
    }
    if (from < text.length) pushText(text.slice(from));
  };

  for (const segment of segments) {
    switch (segment.kind) {
      case "text":
        addText(segment.text);
        break;
      case "bytes": {
        let text = "";
        for (const byte of segment.bytes) {
          const written = byteEscape(byte);
          if (used > 0 && used + written.length > width) {
            if (text !== "") line.push({ kind: "bytes", text, why: segment.why });
            text = "";
            endLine();
          }
          text += written;
          used += written.length;
        }
        if (text !== "") line.push({ kind: "bytes", text, why: segment.why });
        break;
      }
      case "edge":
        // A mark goes on the line its chunk's first character does.
        room(edgeColumns + 1);
        line.push({ kind: "edge", index: segment.index, title: segment.title });
        used += edgeColumns;
        break;
      case "split":
        room(textColumns(segment.text));
        line.push({ kind: "split", text: segment.text, title: segment.title });
        used += textColumns(segment.text);
        break;
      case "note": {
        endLine();
        const text = `⟨${segment.text}⟩`;
        for (let from = 0; from < text.length; from += width) {
          line.push({ kind: "note", text: text.slice(from, from + width) });
          endLine();
        }
        break;
      }
      default: {
        const _never: never = segment;
        return _never;
      }
    }
  }
  if (line.length > 0) endLine();
  return lines;
}
