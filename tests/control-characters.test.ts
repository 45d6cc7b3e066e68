import { describe, expect, test } from "bun:test";
import { showControlCharacters } from "../src/webview/dom.ts";

describe("raw wire text", () => {
  test("CR, LF, tab and other control characters are written out, and lines still break after LF", () => {
    expect(showControlCharacters("data: a\r\ndata: b\n\n\tx\u0001")).toBe("data: a\\r\\n\ndata: b\\n\n\\n\n\\tx\\x01");
  });

  test("printable text, including non-ASCII, is left alone", () => {
    expect(showControlCharacters("héllo 🌍 {}")).toBe("héllo 🌍 {}");
  });
});
