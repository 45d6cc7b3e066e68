import { describe, expect, test } from "bun:test";
import { characterColumns, type RawLine, rawTextLines, textColumns } from "../src/webview/raw-lines.ts";
import { type RawItem, type RawSegment, rawSegments } from "../src/webview/raw-stream.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Chunks as the raw view keeps them, numbered from 1, 10 ms apart. */
function chunks(...parts: (string | Uint8Array)[]): RawItem[] {
  return parts.map((part, i) => {
    const bytes = typeof part === "string" ? encode(part) : part;
    return { kind: "chunk", bytes, total: bytes.length, t: i * 10, index: i + 1 };
  });
}

/** Lines as short strings: text as is, `|2` an edge before chunk 2, `[é]` a split character, `<\xC3>` bytes, `(…)` a note. */
function outline(lines: RawLine[]): string[] {
  return lines.map((line) =>
    line
      .map((piece) => {
        switch (piece.kind) {
          case "text":
            return piece.text;
          case "edge":
            return `|${piece.index}`;
          case "split":
            return `[${piece.text}]`;
          case "bytes":
            return `<${piece.text}>`;
          case "note":
            return `(${piece.text})`;
        }
        const _never: never = piece;
        return _never;
      })
      .join(""),
  );
}

const text = (value: string): RawSegment => ({ kind: "text", text: value });

describe("columns a character takes once drawn", () => {
  test("printable characters take one, wide ones and emoji two, marks none, invisible ones their escape", () => {
    expect(["a", "é", "—", "中", "🌍", "\u0301", "\n", "\t", "\u200B", "\uFEFF"].map(characterColumns)).toEqual([
      1, 1, 1, 2, 2, 0, 2, 2, 6, 6,
    ]);
    expect(textColumns("data: ok\n")).toBe(10);
    expect(textColumns("café 🌍\u200B\n")).toBe(15);
  });
});

describe("the raw stream's text as lines", () => {
  test("each line end ends a line, kept at the end of its text; chunk edges stay where the chunks began", () => {
    const lines = rawTextLines(rawSegments(chunks("data: a\n", "\ndata: b", "\n\n")), 80);
    expect(outline(lines)).toEqual(["|1data: a\n", "|2\n", "data: b|3\n", "\n"]);
  });

  test("a line wider than the view goes on in the next, cut between characters, never inside one or an escape", () => {
    expect(outline(rawTextLines([text("abcdefghijkl\n")], 8))).toEqual(["abcdefgh", "ijkl\n"]);
    // Eight columns: the emoji takes two, the BOM's escape six, the line end's two.
    expect(outline(rawTextLines([text("abcdefg🌍\uFEFFxy\n")], 8))).toEqual(["abcdefg", "🌍\uFEFF", "xy\n"]);
    expect(outline(rawTextLines([text("abcdefg\n")], 8))).toEqual(["abcdefg", "\n"]);
  });

  test("a chunk's mark takes half a column: sixteen of them fill an eight-column line", () => {
    const segments: RawSegment[] = [];
    for (let index = 1; index <= 17; index++) segments.push({ kind: "edge", index, title: "" }, text("a"));
    const lines = rawTextLines(segments, 8);
    expect(outline(lines)).toEqual(["|1a|2a|3a|4a|5a", "|6a|7a|8a|9a|10a", "|11a|12a|13a|14a|15a", "|16a|17a"]);
  });

  test("bytes that are not UTF-8 keep why they are shown; a split character goes to the next line with its edge", () => {
    const lines = rawTextLines(
      rawSegments(chunks(new Uint8Array([0x61, 0xff, 0xfe, 0xc3]), new Uint8Array([0xa9]))),
      10,
    );
    expect(outline(lines)).toEqual(["|1a<\\xFF><\\xFE>", "|2[é]"]);
    expect(lines[0]?.find((piece) => piece.kind === "bytes")).toEqual({
      kind: "bytes",
      text: "\\xFF",
      why: "not UTF-8",
    });
  });

  test("a long run of bytes that are not UTF-8 is cut between bytes", () => {
    const segments: RawSegment[] = [
      { kind: "bytes", bytes: new Uint8Array([0xff, 0xfe, 0xfd, 0xfc, 0xfb]), why: "not UTF-8" },
    ];
    expect(outline(rawTextLines(segments, 8))).toEqual(["<\\xFF\\xFE>", "<\\xFD\\xFC>", "<\\xFB>"]);
  });

  test("a note stands on a line of its own after a line end of its own, as the stream drew it as one text", () => {
    const items: RawItem[] = [...chunks("a\n"), { kind: "connection", attempt: 2 }, ...chunks("b")];
    expect(outline(rawTextLines(rawSegments(items), 80))).toEqual([
      "|1a\n",
      "",
      "(⟨reconnected (connection 2): a new stream⟩)",
      "|1b",
    ]);
    expect(outline(rawTextLines([text("x"), { kind: "note", text: "a long note" }], 8))).toEqual([
      "x",
      "(⟨a long )",
      "(note⟩)",
    ]);
  });

  test("every character of a long stream is in exactly one line, in order", () => {
    const stream = "data: café 🌍 naïve — ok\u200B\n\n".repeat(500);
    const bytes = encode(stream);
    const parts: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += 64) parts.push(bytes.subarray(at, at + 64));
    for (const columns of [8, 13, 80, 200]) {
      const lines = rawTextLines(rawSegments(chunks(...parts)), columns);
      const drawn = lines
        .flat()
        .map((piece) => (piece.kind === "text" || piece.kind === "split" ? piece.text : ""))
        .join("");
      expect(drawn).toBe(stream);
      const widest = Math.max(
        ...lines.map((line) =>
          line.reduce((sum, piece) => sum + (piece.kind === "edge" ? 0 : textColumns(piece.text)), 0),
        ),
      );
      expect(widest).toBeLessThanOrEqual(columns);
    }
  });
});
