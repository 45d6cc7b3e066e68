/**
 * One client's bytes as one stream, the way its decoder saw them: a character split across two
 * chunks is one character (shown whole, beside the chunk boundary), bytes that are not UTF-8 are
 * bytes, and what the timeline did not keep (the end of a long chunk, chunks folded by flood
 * control) is said where it is missing. Pure: the raw view draws what this gives.
 */

import {
  type ChunkEvent,
  countWithNoun,
  cutTail,
  fromBase64,
  readSequence,
  sequenceLength,
  utf8Pieces,
} from "../contract/index.ts";

/** What a lane received, in order. */
export type RawItem =
  | { kind: "chunk"; bytes: Uint8Array; total: number; t: number; index: number }
  | { kind: "folded"; count: number; bytes: number }
  | { kind: "connection"; attempt: number };

/** What the view shows, in order. */
export type RawSegment =
  /** Text as received (invisible characters are escaped when drawn). */
  | { kind: "text"; text: string }
  /** Bytes that are not UTF-8, or a character whose rest never came. */
  | { kind: "bytes"; bytes: Uint8Array; why: string }
  /** Where a chunk begins. */
  | { kind: "edge"; index: number; title: string }
  /** A character whose bytes came in more than one chunk, shown whole just after the edge it spans. */
  | { kind: "split"; text: string; title: string }
  /** Something not shown, or a new connection. */
  | { kind: "note"; text: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The bytes a chunk event kept: its own when it carries them, else its text as UTF-8 (exact then). */
export function chunkItem(event: ChunkEvent, index: number, t: number): RawItem {
  const bytes = event.base64 === undefined ? encoder.encode(event.text) : fromBase64(event.base64);
  return { kind: "chunk", bytes, total: event.bytes, t, index };
}

/** What a chunk of a compressed body decoded to, as an item of the lane's decoded stream; undefined for a plain body. */
export function decodedItem(event: ChunkEvent, index: number, t: number): RawItem | undefined {
  const decoded = event.decoded;
  if (!decoded) return undefined;
  const bytes = decoded.base64 === undefined ? encoder.encode(decoded.text) : fromBase64(decoded.base64);
  return { kind: "chunk", bytes, total: decoded.bytes, t, index };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The segments of `items`, decoding each connection's bytes as one stream. */
export function rawSegments(items: readonly RawItem[]): RawSegment[] {
  const segments: RawSegment[] = [];
  /** Bytes of a character begun in an earlier chunk, and the chunks they came in. */
  let carry: { bytes: Uint8Array; from: number } | undefined;

  const pushText = (text: string) => {
    if (text === "") return;
    const last = segments.at(-1);
    if (last?.kind === "text") last.text += text;
    else segments.push({ kind: "text", text });
  };

  const dropCarry = (why: string) => {
    if (carry) segments.push({ kind: "bytes", bytes: carry.bytes, why });
    carry = undefined;
  };

  for (const item of items) {
    if (item.kind === "connection") {
      dropCarry("a character the stream ended inside");
      segments.push({ kind: "note", text: `reconnected (connection ${item.attempt}): a new stream` });
      continue;
    }
    if (item.kind === "folded") {
      dropCarry("a character whose rest was folded");
      segments.push({
        kind: "note",
        text: `${countWithNoun(item.count, "chunk")} (${sizeText(item.bytes)}) folded by flood control: not kept`,
      });
      continue;
    }
    let body = item.bytes;
    const edge: RawSegment = {
      kind: "edge",
      index: item.index,
      title: `chunk ${item.index}: ${sizeText(item.total)} at ${item.t.toFixed(3)} ms`,
    };
    if (carry) {
      const length = sequenceLength(carry.bytes[0]!);
      const joined = concat(carry.bytes, body.subarray(0, length - carry.bytes.length));
      const read = readSequence(joined, 0);
      if (read === length) {
        const taken = length - carry.bytes.length;
        const chunks =
          carry.from === item.index - 1
            ? `chunks ${carry.from} and ${item.index}`
            : `chunks ${carry.from} to ${item.index}`;
        segments.push(edge, {
          kind: "split",
          text: decoder.decode(joined),
          title: `one character in ${length} bytes, split across ${chunks}`,
        });
        body = body.subarray(taken);
        carry = undefined;
      } else if (read === 0) {
        // Still not whole: the chunk is a middle part of the character.
        segments.push(edge);
        carry = { bytes: joined, from: carry.from };
        continue;
      } else {
        dropCarry("not UTF-8: the next chunk does not go on with this character");
        segments.push(edge);
      }
    } else {
      segments.push(edge);
    }
    const notKept = item.total - item.bytes.length;
    // A preview never ends inside a character it cut itself; a cut at the chunk's real end may go on in the next.
    const tail = notKept > 0 ? 0 : cutTail(body);
    for (const piece of utf8Pieces(body.subarray(0, body.length - tail))) {
      if ("text" in piece) pushText(piece.text);
      else segments.push({ kind: "bytes", bytes: piece.invalid, why: "not UTF-8" });
    }
    if (tail > 0) carry = { bytes: body.slice(body.length - tail), from: item.index };
    if (notKept > 0) segments.push({ kind: "note", text: `${sizeText(notKept)} more of chunk ${item.index} not kept` });
  }
  dropCarry("a character begun here whose rest has not arrived");
  return segments;
}

/** One row of the hex view: an offset, up to 16 bytes with the chunk edges among them, and those bytes as ASCII. */
export type HexRow = { offset: number; cells: ({ byte: number } | { edge: string })[] } | { note: string };

/** The same items as hex rows of 16 bytes; offsets count from the start of each connection's stream. */
export function rawHexRows(items: readonly RawItem[]): HexRow[] {
  const rows: HexRow[] = [];
  let row: { offset: number; cells: ({ byte: number } | { edge: string })[]; bytes: number } | undefined;
  let offset = 0;
  const endRow = () => {
    if (row) rows.push({ offset: row.offset, cells: row.cells });
    row = undefined;
  };
  for (const item of items) {
    if (item.kind !== "chunk") {
      endRow();
      if (item.kind === "connection") offset = 0;
      else offset += item.bytes;
      rows.push({
        note:
          item.kind === "connection"
            ? `reconnected (connection ${item.attempt}): a new stream`
            : `${countWithNoun(item.count, "chunk")} (${sizeText(item.bytes)}) folded by flood control: not kept`,
      });
      continue;
    }
    let edge: string | undefined = `chunk ${item.index}: ${sizeText(item.total)} at ${item.t.toFixed(3)} ms`;
    for (const byte of item.bytes) {
      if (!row || row.bytes === 16) {
        endRow();
        row = { offset, cells: [], bytes: 0 };
      }
      if (edge !== undefined) row.cells.push({ edge });
      edge = undefined;
      row.cells.push({ byte });
      row.bytes++;
      offset++;
    }
    if (item.total > item.bytes.length) {
      endRow();
      offset += item.total - item.bytes.length;
      rows.push({ note: `${sizeText(item.total - item.bytes.length)} more of chunk ${item.index} not kept` });
    }
  }
  endRow();
  return rows;
}
