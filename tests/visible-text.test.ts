import { describe, expect, test } from "bun:test";
import { cutTail, fromBase64, utf8Pieces } from "../src/contract/utf8-bytes.ts";
import {
  escapeInvisible,
  escapeInvisibleInJson,
  visiblePieces,
  visiblePreview,
  visibleText,
} from "../src/contract/visible-text.ts";
import { chunkPreview, previewChars } from "../src/shared/preview.ts";

/** Random bytes weighted toward UTF-8's awkward parts: leads, continuations, and bytes that never appear. */
function randomBytes(length: number, seed: number): Uint8Array {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
  const palette = [
    0x61, 0x0a, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xbb,
  ];
  return Uint8Array.from({ length }, () => palette[next() % palette.length]!);
}

describe("invisible characters", () => {
  test("a BOM, zero-width and bidi characters, odd spaces, controls and lone surrogates are written out", () => {
    const text = "\uFEFFa\u200Bb\u200D\u202Ec\u2066\u00A0\u3000\u0000\u007F\u0085\u2028\uD800\u{E0041}\u00AD";
    expect(escapeInvisible(text)).toBe(
      "\\uFEFFa\\u200Bb\\u200D\\u202Ec\\u2066\\u00A0\\u3000\\u0000\\u007F\\u0085\\u2028\\uD800\\u{E0041}\\u00AD",
    );
  });

  test("CR, LF and tab read as themselves; printable text, non-ASCII and emoji are left alone", () => {
    expect(escapeInvisible("a\r\nb\tc")).toBe("a\\r\\nb\\tc");
    expect(escapeInvisible("héllo 🌍 {} \\n")).toBe("héllo 🌍 {} \\n");
  });

  test("pieces tell escapes from text, so a literal backslash stays text", () => {
    expect(visiblePieces("\\n\n\uFEFFx")).toEqual([
      { text: "\\n", escape: false },
      { text: "\\n", escape: true },
      { text: "\\uFEFF", escape: true },
      { text: "x", escape: false },
    ]);
  });

  test("quoted text escapes backslashes and quotes too, and is cut without splitting a character", () => {
    expect(visibleText('say "\\n"\n')).toBe('"say \\"\\\\n\\"\\n"');
    expect(visibleText("ab🌍cd", 3)).toBe('"ab"…');
    expect(visibleText("\uFEFFdata: three\n\n")).toBe('"\\uFEFFdata: three\\n\\n"');
  });

  test("JSON keeps its value and shows what it holds", () => {
    const value = { text: "\uFEFF\u200Bx\u2028\u{E0041}\u0001", plain: "é🌍" };
    const json = escapeInvisibleInJson(JSON.stringify(value));
    expect({ parsed: JSON.parse(json), visible: /[\uFEFF\u200B\u2028\u0001]|\u{E0041}/u.test(json) }).toEqual({
      parsed: value,
      visible: false,
    });
    expect(json).toBe('{"text":"\\uFEFF\\u200Bx\\u2028\\uDB40\\uDC41\\u0001","plain":"é🌍"}');
  });
});

describe("bytes as they were", () => {
  test("text runs and bytes that are not UTF-8 agree with TextDecoder, one U+FFFD per bad sequence", () => {
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = randomBytes(1 + (seed % 23), seed);
      const joined = utf8Pieces(bytes)
        .map((piece) => ("text" in piece ? piece.text : "\uFFFD"))
        .join("");
      expect({ seed, joined }).toEqual({ seed, joined: decoder.decode(bytes) });
    }
  });

  test("the cut tail is exactly what a streaming TextDecoder holds back", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = randomBytes(1 + (seed % 9), seed);
      const streamed = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes, { stream: true });
      const held = cutTail(bytes);
      expect({ seed, streamed }).toEqual({
        seed,
        streamed: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, bytes.length - held)),
      });
    }
  });

  test("a preview with its bytes shows each byte that is not UTF-8 as \\xNN", () => {
    const bytes = new Uint8Array([0x63, 0x61, 0x66, 0xc3]);
    const preview = chunkPreview(bytes);
    expect(preview).toEqual({ text: "caf\uFFFD", base64: "Y2Fmww==" });
    expect(visiblePreview(preview)).toBe('"caf\\xC3"');
    expect(visiblePreview(chunkPreview(new Uint8Array([0xa9, 0x0a])))).toBe('"\\xA9\\n"');
    expect(fromBase64(preview.base64!)).toEqual(bytes);
  });
});

describe("chunk previews", () => {
  test("a BOM at the start of a chunk is kept", () => {
    const bytes = new TextEncoder().encode("\uFEFFdata: three\n\n");
    expect(chunkPreview(bytes)).toEqual({ text: "\uFEFFdata: three\n\n" });
    expect(bytes.length).toBe(16);
  });

  test("text that is UTF-8 carries no bytes, and a cut the preview makes itself is not shown as a bad byte", () => {
    const long = new TextEncoder().encode("é".repeat(3000));
    const preview = chunkPreview(long);
    expect({ base64: preview.base64, length: preview.text.length }).toEqual({
      base64: undefined,
      length: previewChars,
    });
    const cutInside = new TextEncoder().encode(`a${"é".repeat(3000)}`);
    expect(chunkPreview(cutInside).base64).toBeUndefined();
  });

  test("bytes that are not UTF-8 come along, at most a preview's worth", () => {
    const binary = new Uint8Array(70_000).fill(0xff);
    const preview = chunkPreview(binary);
    expect({ bytes: fromBase64(preview.base64!).length, text: preview.text.length }).toEqual({
      bytes: previewChars,
      text: previewChars,
    });
  });
});
