/**
 * Where a long table's scroll position puts its rows: a table that fits scrolls its own height; a
 * longer one scrolls no more than the cap, reaches its last row at the end of it, never jumps,
 * and moves one for one over its first screenful.
 */

import { describe, expect, test } from "bun:test";
import { createTableScroll, maxScrollPx } from "../src/webview/table-scroll.ts";

const rowHeight = 22;
const header = 22;
const viewport = 242;

describe("a table's scroll", () => {
  test("a table that fits is laid out at its rows' height and scrolls it one for one", () => {
    const scroll = createTableScroll({ rows: 1_000, rowHeight, header, viewport });
    expect(scroll.bodyHeight).toBe(22_000);
    expect(scroll.maxScrollTop).toBe(22_000 + header - viewport);
    for (const at of [0, 1, 500.5, scroll.maxScrollTop]) {
      expect(scroll.contentAt(at)).toBe(at);
      expect(scroll.scrollTopFor(at)).toBe(at);
    }
  });

  test("a table shorter than its viewport does not scroll", () => {
    const scroll = createTableScroll({ rows: 3, rowHeight, header, viewport });
    expect(scroll.maxScrollTop).toBe(0);
    expect(scroll.contentAt(0)).toBe(0);
  });

  test("a million rows scroll within the cap, and the end of the scroll is the end of the rows", () => {
    const rows = 1_000_000;
    const scroll = createTableScroll({ rows, rowHeight, header, viewport });
    expect(scroll.bodyHeight + header).toBe(maxScrollPx);
    expect(scroll.maxScrollTop + viewport).toBe(maxScrollPx);
    expect(maxScrollPx).toBeLessThan(2 ** 24);
    expect(scroll.contentAt(0)).toBe(0);
    // At the end, the view shows what the full-height table would at its end: the last row above its bottom.
    const fullEnd = rows * rowHeight + header - viewport;
    expect(scroll.contentAt(scroll.maxScrollTop)).toBeCloseTo(fullEnd, 6);
    expect(scroll.scrollTopFor(fullEnd)).toBeCloseTo(scroll.maxScrollTop, 6);
  });

  test("a long table moves one for one over its first screenful, then evenly, never backwards or by a jump", () => {
    const rows = 900_000;
    const oneForOne = viewport + 11 * rowHeight;
    const scroll = createTableScroll({ rows, rowHeight, header, viewport, oneForOne });
    for (let at = 0; at <= oneForOne; at += 7) expect(scroll.contentAt(at)).toBe(at);
    const rate = (rows * rowHeight + header - viewport) / scroll.maxScrollTop;
    let before = scroll.contentAt(0);
    for (let at = 1; at <= scroll.maxScrollTop; at += 997) {
      const content = scroll.contentAt(at);
      expect(content).toBeGreaterThan(before);
      // A pixel of scroll moves the content by at most a little more than the average rate.
      expect(content - before).toBeLessThanOrEqual(997 * rate * 1.01);
      before = content;
    }
  });

  test("the scroll position for a content offset shows that offset", () => {
    const scroll = createTableScroll({ rows: 750_000, rowHeight, header, viewport, oneForOne: 500 });
    for (const content of [0, 100, 500, 501, 123_456.5, 8_000_000, 16_499_000]) {
      expect(scroll.contentAt(scroll.scrollTopFor(content))).toBeCloseTo(content, 6);
    }
  });

  test("a smaller cap, as asked for, holds as the default does", () => {
    const scroll = createTableScroll({ rows: 10_000, rowHeight, header, viewport, maxScroll: 100_000 });
    expect(scroll.maxScrollTop + viewport).toBe(100_000);
    expect(scroll.contentAt(scroll.maxScrollTop)).toBeCloseTo(10_000 * rowHeight + header - viewport, 6);
  });
});
