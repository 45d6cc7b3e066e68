import { describe, expect, test } from "bun:test";
import { rawHexRows, rawSegments, type RawItem, type RawSegment } from "../src/webview/raw-stream.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Chunks as the raw view keeps them, numbered from 1, 10 ms apart. */
function chunks(...parts: Uint8Array[]): RawItem[] {
  return parts.map((bytes, i) => ({ kind: "chunk", bytes, total: bytes.length, t: i * 10, index: i + 1 }));
}

/** Segments as short strings: `|2` an edge before chunk 2, `[é]` a split character, `<C3>` bytes, `(…)` a note. */
function outline(segments: RawSegment[]): string[] {
  return segments.map((segment) => {
    switch (segment.kind) {
      case "text":
        return segment.text;
      case "edge":
        return `|${segment.index}`;
      case "split":
        return `[${segment.text}]`;
      case "bytes":
        return `<${Array.from(segment.bytes, (b) => b.toString(16).toUpperCase()).join(" ")}>`;
      case "note":
        return `(${segment.text})`;
    }
    const _never: never = segment;
    return _never;
  });
}

describe("a lane's bytes as one stream", () => {
  test("a character split across two chunks shows whole, right after the edge it spans", () => {
    const segments = rawSegments(
      chunks(encode("data: caf"), new Uint8Array([0xc3]), new Uint8Array([0xa9, 0x0a, 0x0a])),
    );
    expect(outline(segments)).toEqual(["|1", "data: caf", "|2", "|3", "[é]", "\n\n"]);
    expect(segments.find((s) => s.kind === "split")).toEqual({
      kind: "split",
      text: "é",
      title: "one character in 2 bytes, split across chunks 2 and 3",
    });
  });

  test("an emoji cut into three chunks is one character", () => {
    const segments = rawSegments(
      chunks(new Uint8Array([0x61, 0xf0]), new Uint8Array([0x9f]), new Uint8Array([0x8c, 0x8d, 0x62])),
    );
    expect(outline(segments)).toEqual(["|1", "a", "|2", "|3", "[🌍]", "b"]);
    expect(segments.find((s) => s.kind === "split")).toMatchObject({
      title: "one character in 4 bytes, split across chunks 1 to 3",
    });
  });

  test("bytes that are not UTF-8 stay bytes, whether inside a chunk or a start the next chunk does not go on with", () => {
    expect(outline(rawSegments(chunks(new Uint8Array([0x61, 0xff, 0x62, 0xc3]), encode("x"))))).toEqual([
      "|1",
      "a",
      "<FF>",
      "b",
      "<C3>",
      "|2",
      "x",
    ]);
  });

  test("a character the stream ends inside, or a reconnect cuts, is shown as its bytes", () => {
    const items: RawItem[] = [
      ...chunks(new Uint8Array([0x61, 0xe2, 0x82])),
      { kind: "connection", attempt: 2 },
      ...chunks(encode("b")),
    ];
    expect(outline(rawSegments(items))).toEqual([
      "|1",
      "a",
      "<E2 82>",
      "(reconnected (connection 2): a new stream)",
      "|1",
      "b",
    ]);
    expect(outline(rawSegments(chunks(new Uint8Array([0xf0, 0x9f]))))).toEqual(["|1", "<F0 9F>"]);
  });

  test("a BOM at the start of a later chunk is text, not dropped", () => {
    expect(outline(rawSegments(chunks(encode("data: one\n\n"), encode("\uFEFFdata: two\n\n"))))).toEqual([
      "|1",
      "data: one\n\n",
      "|2",
      "\uFEFFdata: two\n\n",
    ]);
  });

  test("what was not kept is said where it is missing", () => {
    const items: RawItem[] = [
      { kind: "chunk", bytes: encode("abc"), total: 5000, t: 0, index: 1 },
      { kind: "folded", count: 40, bytes: 4096 },
      { kind: "chunk", bytes: encode("z"), total: 1, t: 9, index: 42 },
    ];
    expect(outline(rawSegments(items))).toEqual([
      "|1",
      "abc",
      "(4.9 KiB more of chunk 1 not kept)",
      "(40 chunks (4.0 KiB) folded by flood control: not kept)",
      "|42",
      "z",
    ]);
  });

  test("decoded as one stream, the text is TextDecoder's for the whole stream, however it is cut", () => {
    const bytes = encode("\uFEFFid: é🌍\r\ndata: ünï 💡\n\n");
    const whole = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    for (let a = 1; a < bytes.length; a++) {
      for (const b of [a + 1, a + 2, a + 3]) {
        if (b >= bytes.length) continue;
        const text = rawSegments(chunks(bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)))
          .map((segment) => (segment.kind === "text" || segment.kind === "split" ? segment.text : ""))
          .join("");
        expect({ a, b, text }).toEqual({ a, b, text: whole });
      }
    }
  });
});

describe("the hex view", () => {
  test("rows of 16 bytes with the chunk edges among them, offsets from the start of each connection", () => {
    const items: RawItem[] = [
      ...chunks(encode("data: caf"), new Uint8Array([0xc3, 0xa9, 0x0a, 0x0a, 0x64, 0x61, 0x74, 0x61, 0x3a, 0x20])),
      { kind: "connection", attempt: 2 },
      ...chunks(encode("x")),
    ];
    const rows = rawHexRows(items).map((row) =>
      "note" in row
        ? row.note
        : `${row.offset}: ${row.cells.map((cell) => ("edge" in cell ? "|" : cell.byte.toString(16).padStart(2, "0"))).join(" ")}`,
    );
    expect(rows).toEqual([
      "0: | 64 61 74 61 3a 20 63 61 66 | c3 a9 0a 0a 64 61 74",
      "16: 61 3a 20",
      "reconnected (connection 2): a new stream",
      "0: | 78",
    ]);
  });
});
