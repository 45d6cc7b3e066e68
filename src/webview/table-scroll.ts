/**
 * Where a long virtual table's scroll position puts its rows. A table of a million 22 px rows is
 * 22 million pixels tall, and Chromium draws what is scrolled past 2^24 px (16.8 million) at 2 px
 * steps: at the end of a 900,000-row table, rows were drawn up to 2 px off their places, a row's
 * text up or down against its neighbours'. Past `maxScrollPx` the table scrolls a shorter height
 * instead, each pixel of it moving the rows a little further (1.8 px for a million rows); over the
 * first screenful the rows move with the scroll one for one, and so does any table short enough
 * to fit.
 *
 * Two coordinates: the scroll position (`scrollTop`, what the browser scrolls) and the content
 * offset (where the scroll would be if the table were laid out at its full height).
 */

/** The tallest the table's scroll range gets: below 2^24 px, where every whole pixel is drawn where it is. */
export const maxScrollPx = 12_000_000;

export interface TableScroll {
  /** The height the table's body is laid out at (its rows, or fewer pixels standing for them). */
  readonly bodyHeight: number;
  /** The furthest the table scrolls. */
  readonly maxScrollTop: number;
  /** The content offset a scroll position shows. */
  contentAt(scrollTop: number): number;
  /** The scroll position that shows a content offset. */
  scrollTopFor(content: number): number;
}

export interface TableScrollOptions {
  rows: number;
  rowHeight: number;
  /** What scrolls beside the body without being part of it (the table's header), in px. */
  header: number;
  /** The scroller's height. */
  viewport: number;
  /** How far from the top scroll and content move together (at least a screenful); the viewport when left out. */
  oneForOne?: number;
  /** The scroll range's cap; `maxScrollPx` unless a test asks for another. */
  maxScroll?: number;
}

export function createTableScroll(options: TableScrollOptions): TableScroll {
  const fullBody = options.rows * options.rowHeight;
  const cap = options.maxScroll ?? maxScrollPx;
  const contentEnd = Math.max(0, fullBody + options.header - options.viewport);
  if (fullBody + options.header <= cap) {
    return {
      bodyHeight: fullBody,
      maxScrollTop: contentEnd,
      contentAt: (scrollTop) => scrollTop,
      scrollTopFor: (content) => content,
    };
  }
  const bodyHeight = cap - options.header;
  const scrollEnd = Math.max(0, cap - options.viewport);
  /** Up to here scroll and content move together; past it, content moves `rate` pixels a pixel. */
  const oneForOne = Math.min(Math.max(options.viewport, options.oneForOne ?? 0), scrollEnd);
  const rate = scrollEnd > oneForOne ? (contentEnd - oneForOne) / (scrollEnd - oneForOne) : 1;
  return {
    bodyHeight,
    maxScrollTop: scrollEnd,
    contentAt: (scrollTop) =>
      scrollTop <= oneForOne ? scrollTop : Math.min(contentEnd, oneForOne + (scrollTop - oneForOne) * rate),
    scrollTopFor: (content) =>
      content <= oneForOne ? content : Math.min(scrollEnd, oneForOne + (content - oneForOne) / rate),
  };
}
