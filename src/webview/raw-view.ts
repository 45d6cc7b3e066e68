/**
 * The raw stream per client: every byte a lane received, in order, decoded as one stream (a
 * character split across chunks shows whole), with each chunk's start marked, invisible
 * characters written out, and bytes that are not UTF-8 shown as bytes; or the same bytes in hex.
 * Only the rows in view exist in the DOM, as in the events table, so a lane of any size redraws
 * in what a screenful costs.
 */

import { type ChunkEvent, countWithNoun } from "../contract/index.ts";
import { appendVisible, element, setText } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import { type RawLine, rawTextLines } from "./raw-lines.ts";
import {
  chunkItem,
  decodedItem,
  type HexRow,
  rawHexRows,
  rawSegments,
  type RawItem,
  type RawSegment,
} from "./raw-stream.ts";

/** Bytes kept per lane; a stream larger than this shows its end. */
const maxBytes = 128 * 1024;
/** A stream still arriving is redrawn at most this often. */
const redrawMs = 150;
/** Every row, a line of text or of hex, is this high (`.raw-line` in app.css). */
const lineHeight = 16;
/** The space above the first row and below the last (`.raw-stream`'s padding). */
const padding = 6;
/** Rows drawn beyond each edge of the view, so a small scroll shows rows already there. */
const overscan = 10;
/** A monospace character's width at 12 px, until the page's font has been measured. */
const defaultCharWidth = 7.2;

/**
 * A chunk as a lane keeps it until the lane is drawn, when its bytes are made (once): a recording's
 * lane may hold hundreds of thousands of chunks, of which only the last `maxBytes` are ever drawn.
 */
interface KeptChunk {
  kind: "chunk";
  event: ChunkEvent;
  index: number;
  t: number;
  /** Bytes it holds on the wire (for the decoded stream, unused). */
  size: number;
  /** The decoded stream's item: what the chunk decoded to. */
  decoded: boolean;
  made?: RawItem | undefined;
}

type KeptItem = KeptChunk | Exclude<RawItem, { kind: "chunk" }>;

/** UTF-8 bytes of `text`, as `TextEncoder` writes it (a lone surrogate as U+FFFD), without writing it. */
function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/** A kept chunk of the wire stream: a text one is measured now and written out when drawn; a base64 one is read now. */
function keptChunk(event: ChunkEvent, index: number, t: number): KeptChunk {
  if (event.base64 === undefined)
    return { kind: "chunk", event, index, t, size: utf8Length(event.text), decoded: false };
  const made = chunkItem(event, index, t);
  return { kind: "chunk", event, index, t, size: made.kind === "chunk" ? made.bytes.length : 0, decoded: false, made };
}

/** The item drawn for a kept one. */
function madeItem(item: KeptItem): RawItem {
  if (item.kind !== "chunk") return item;
  item.made ??= item.decoded
    ? (decodedItem(item.event, item.index, item.t) ?? chunkItem(item.event, item.index, item.t))
    : chunkItem(item.event, item.index, item.t);
  return item.made;
}

interface LaneBytes {
  items: KeptItem[];
  /** For a body with a `Content-Encoding`: what each chunk decoded to, in the same order. */
  decoded: KeptItem[];
  /** The body's encoding, once a chunk said. */
  encoding?: string | undefined;
  /** Bytes the items hold. */
  bytes: number;
  /** Chunks received so far (folded ones too), to number the next one. */
  chunks: number;
  /** Chunks dropped from the front to stay within `maxBytes`. */
  dropped: number;
}

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}

/** The raw view: one lane's bytes as one stream, as text or hex. */
export interface RawView {
  /** Draws the chosen lane now (nothing while the view is hidden). */
  show(): void;
  /** Chooses a client's lane (a request chosen elsewhere), drawn when the view is next shown. */
  showLane(lane: number): void;
  /** How long the last draw took, in ms. */
  readonly lastDrawMs: number;
}

/** What the view draws: the chosen lane's rows, built once a draw and read again as the view scrolls. */
type Drawing =
  | { mode: "text"; segments: RawSegment[]; lines: RawLine[]; columns: number }
  | { mode: "hex"; rows: HexRow[] };

function drawnRows(drawing: Drawing | undefined): number {
  if (!drawing) return 0;
  return drawing.mode === "hex" ? drawing.rows.length : drawing.lines.length;
}

/** One line of text: each piece as the stream showed it when it was drawn as one text. */
function textRow(line: RawLine): HTMLElement {
  const row = element("div", { class: "raw-line" });
  for (const piece of line) {
    switch (piece.kind) {
      case "text":
        appendVisible(row, piece.text);
        break;
      case "bytes":
        row.append(element("span", { class: "esc bad-byte", title: piece.why }, piece.text));
        break;
      case "edge":
        row.append(element("span", { class: "chunk-edge", title: piece.title, "data-chunk": String(piece.index) }));
        break;
      case "split":
        row.append(element("span", { class: "split-char", title: piece.title }, piece.text));
        break;
      case "note":
        row.append(element("span", { class: "raw-gap" }, piece.text));
        break;
      default: {
        const _never: never = piece;
        return _never;
      }
    }
  }
  return row;
}

/** One hex row: its offset, 16 bytes with the chunk edges among them, and the same bytes as ASCII. */
function hexRow(hexRow: HexRow): HTMLElement {
  const row = element("div", { class: "raw-line" });
  if ("note" in hexRow) {
    row.append(element("span", { class: "raw-gap" }, `⟨${hexRow.note}⟩\n`));
    return row;
  }
  const line = element("span", { class: "hex-row" });
  line.append(element("span", { class: "hex-offset" }, hexRow.offset.toString(16).padStart(8, "0")), "  ");
  let ascii = "";
  let hexText = "";
  let count = 0;
  for (const cell of hexRow.cells) {
    if ("edge" in cell) {
      line.append(hexText);
      hexText = "";
      line.append(element("span", { class: "chunk-edge", title: cell.edge }));
      continue;
    }
    hexText += `${hex2(cell.byte)} `;
    ascii += cell.byte >= 0x20 && cell.byte < 0x7f ? String.fromCharCode(cell.byte) : "·";
    count++;
  }
  line.append(hexText + "   ".repeat(16 - count), element("span", { class: "hex-ascii" }, ascii), "\n");
  row.append(line);
  return row;
}

/** What a text row shows, as one string: two rows with the same key look the same. */
function textRowKey(line: RawLine): string {
  let key = "t";
  for (const piece of line) {
    key += `\u0000${piece.kind}\u0001${piece.kind === "edge" ? `${piece.index}\u0001${piece.title}` : piece.text}`;
    if (piece.kind === "bytes") key += `\u0001${piece.why}`;
    else if (piece.kind === "split") key += `\u0001${piece.title}`;
  }
  return key;
}

/** What a hex row shows, as one string. */
function hexRowKey(row: HexRow): string {
  if ("note" in row) return `n\u0000${row.note}`;
  let key = `h\u0000${row.offset}`;
  for (const cell of row.cells) key += "edge" in cell ? `\u0000e${cell.edge}` : `\u0000${cell.byte}`;
  return key;
}

/** A spacer's height, set only when it changes. */
function setHeight(spacer: HTMLElement, px: number): void {
  const height = `${px}px`;
  if (spacer.style.height !== height) spacer.style.height = height;
}

/**
 * Makes `parent`'s children `wanted`, in order, moving none of those already there: they are
 * wanted in the order they are in (rows by index), so the others are removed and the new ones put
 * in between. A node taken out and put back would be laid out again from scratch.
 */
function placeChildren(parent: HTMLElement, wanted: readonly HTMLElement[]): void {
  const keep = new Set<Node>(wanted);
  for (let child = parent.firstChild; child !== null; ) {
    const after = child.nextSibling;
    if (!keep.has(child)) child.remove();
    child = after;
  }
  let at = parent.firstChild;
  for (const node of wanted) {
    if (node === at) at = at.nextSibling;
    else parent.insertBefore(node, at);
  }
}

export function createRawView(container: HTMLElement, store: EventStore): RawView {
  const picker = element("select", { "aria-label": "Client lane for the raw stream" });
  const mode = element("select", { "aria-label": "Show the raw stream as" });
  mode.append(
    element("option", { value: "text" }, "Text"),
    element("option", { value: "hex" }, "Hex"),
    element("option", { value: "decoded" }, "Decoded"),
  );
  const note = element("span", { class: "raw-note" });
  const pre = element("div", {
    class: "raw-stream",
    tabindex: "0",
    role: "document",
    "aria-label": "Raw bytes received",
  });
  const bar = element("div", { class: "raw-bar" });
  bar.append(element("label", {}, "Client "), picker, element("label", {}, "as "), mode, note);
  container.classList.add("raw-panel");
  container.append(bar, pre);
  const lanes = new Map<number, LaneBytes>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** How long the last draw took, in ms: decoding plus building the DOM. */
  let lastDrawMs = 0;
  let drawing: Drawing | undefined;

  // The scroll position and the view's size are kept from events, never read while drawing: a read
  // right after the DOM changed would lay out the whole page again.
  let scrollTop = 0;
  /** The view's height and width; until it has been seen, the window's, which is larger. */
  let viewportHeight = 0;
  let viewportWidth = 0;
  let charWidth = defaultCharWidth;
  let charMeasured = false;

  /** Characters a line holds: the view's width in the font's columns, less one for the chunk marks' slack. */
  function columns(): number {
    const width = viewportWidth || window.innerWidth;
    return Math.max(8, Math.floor(width / charWidth) - 1);
  }

  const topSpacer = element("div", { class: "raw-spacer", "aria-hidden": "true" });
  const bottomSpacer = element("div", { class: "raw-spacer", "aria-hidden": "true" });
  /** The rows in the DOM, by their index in the drawing, each with what it shows. */
  let shownRows = new Map<number, { key: string; row: HTMLElement }>();

  /**
   * Only the rows in view (and `overscan` either side) are in the DOM; spacers keep the scroll
   * height. A row that shows what it showed before stays in the DOM as it is: a redraw as bytes
   * arrive, or a scroll, lays out only the rows that are new (the text of a row made again is
   * shaped again, which for characters no installed font has can cost a browser a millisecond a row).
   */
  function render(): void {
    const total = drawnRows(drawing);
    const height = viewportHeight || window.innerHeight;
    scrollTop = Math.min(scrollTop, Math.max(0, total * lineHeight + 2 * padding - height));
    const first = Math.max(0, Math.floor((scrollTop - padding) / lineHeight) - overscan);
    const last = Math.min(total, first + Math.ceil(height / lineHeight) + 2 * overscan);
    setHeight(topSpacer, first * lineHeight);
    setHeight(bottomSpacer, (total - last) * lineHeight);
    const next = new Map<number, { key: string; row: HTMLElement }>();
    const wanted: HTMLElement[] = [topSpacer];
    const drawn = drawing;
    for (let i = first; drawn !== undefined && i < last; i++) {
      const key = drawn.mode === "hex" ? hexRowKey(drawn.rows[i]!) : textRowKey(drawn.lines[i]!);
      let shown = shownRows.get(i);
      if (shown?.key !== key)
        shown = { key, row: drawn.mode === "hex" ? hexRow(drawn.rows[i]!) : textRow(drawn.lines[i]!) };
      next.set(i, shown);
      wanted.push(shown.row);
    }
    wanted.push(bottomSpacer);
    shownRows = next;
    placeChildren(pre, wanted);
  }

  /** A lane chosen elsewhere, to pick once its bytes are taken (a hidden view takes none). */
  let wanted: number | undefined;

  /** Draws the chosen lane, but only while the panel can be seen: a hidden one costs nothing. */
  function show(): void {
    clearTimeout(timer);
    timer = undefined;
    if (container.hidden) return;
    const started = performance.now();
    takeNew();
    if (wanted !== undefined && lanes.has(wanted)) {
      picker.value = String(wanted);
      wanted = undefined;
    }
    const lane = lanes.get(Number(picker.value));
    drawing = undefined;
    if (lane) {
      if (mode.value === "hex") drawing = { mode: "hex", rows: rawHexRows(lane.items.map(madeItem)) };
      else {
        const segments = rawSegments(
          (mode.value === "decoded" && lane.encoding ? lane.decoded : lane.items).map(madeItem),
        );
        drawing = { mode: "text", segments, lines: rawTextLines(segments, columns()), columns: columns() };
      }
    }
    // How many chunks the drawing holds, for whoever waits for a lane to be drawn whole (its rows are not all in the DOM).
    pre.dataset.chunks = String(lane?.items.filter((item) => item.kind === "chunk").length ?? 0);
    render();
    const notes = [
      lane?.encoding === undefined
        ? mode.value === "decoded"
          ? "no Content-Encoding: the bytes on the wire are the text"
          : ""
        : mode.value === "decoded"
          ? `decoded from ${lane.encoding}; the wire carried the compressed bytes`
          : `${lane.encoding} on the wire: choose Decoded to read it`,
      lane?.dropped
        ? `the first ${countWithNoun(lane.dropped, "chunk")} ${lane.dropped === 1 ? "is" : "are"} no longer kept`
        : "",
    ];
    const noteText = notes.filter((text) => text !== "").join("; ");
    // Set only when it changed: new text outside the view's own box would lay out the page around it.
    setText(note, noteText);
    lastDrawMs = performance.now() - started;
  }

  pre.addEventListener("scroll", () => {
    scrollTop = pre.scrollTop;
    render();
  });
  new ResizeObserver((entries) => {
    const size = entries.at(-1)?.contentRect;
    // A hidden panel is measured as nothing: keep what it measured when it was seen.
    if (!size || size.width === 0 || size.height === 0) return;
    viewportHeight = size.height;
    viewportWidth = size.width;
    // Shown again after being hidden, the view may not be where it was: layout is done here, so reading is free.
    scrollTop = pre.scrollTop;
    if (!charMeasured) {
      // Read once the view is laid out (a resize is reported after layout): the font's column width.
      const style = getComputedStyle(pre);
      const context = document.createElement("canvas").getContext("2d");
      if (context) {
        context.font = `${style.fontSize} ${style.fontFamily}`;
        charWidth = context.measureText("0000000000").width / 10 || defaultCharWidth;
      }
      charMeasured = true;
    }
    if (drawing?.mode === "text" && drawing.columns !== columns()) {
      drawing = { ...drawing, lines: rawTextLines(drawing.segments, columns()), columns: columns() };
    }
    render();
  }).observe(pre);

  function laneOf(number: number): LaneBytes {
    let lane = lanes.get(number);
    if (!lane) {
      lane = { items: [], decoded: [], bytes: 0, chunks: 0, dropped: 0 };
      lanes.set(number, lane);
      picker.append(element("option", { value: String(number) }, `#${number}`));
    }
    return lane;
  }

  /** Keeps the newest `maxBytes` of a lane. */
  function trim(lane: LaneBytes): void {
    let drop = 0;
    while (lane.bytes > maxBytes && drop < lane.items.length - 1) {
      const item = lane.items[drop++]!;
      if (item.kind === "chunk") {
        lane.bytes -= item.size;
        lane.dropped++;
      }
    }
    if (drop > 0) lane.items.splice(0, drop);
    // The decoded stream keeps the chunks the wire stream still has.
    const first = lane.items.find((item) => item.kind === "chunk");
    if (first?.kind === "chunk") {
      const keep = lane.decoded.findIndex((item) => item.kind === "chunk" && item.index >= first.index);
      if (keep > 0) lane.decoded.splice(0, keep);
    }
  }

  /**
   * The store's events from this index on are not taken yet. A hidden view takes none: what it would
   * keep of them (each chunk's bytes, measured) is worked out once it is shown, so a recording of
   * hundreds of thousands of chunks opens without the view's work while another tab is in front.
   */
  let takenTo = 0;

  /** Takes the store's new events into their lanes' bytes; the lanes that changed. */
  function takeNew(): Set<number> {
    const changed = new Set<number>();
    for (let i = takenTo; i < store.events.length; i++) {
      const event = store.events[i]!;
      if (event.side !== "client") continue;
      if (event.kind === "chunk") {
        const lane = laneOf(event.lane);
        lane.chunks++;
        const t = event.t - store.timelineStart;
        const item = keptChunk(event, lane.chunks, t);
        lane.items.push(item);
        if (event.decoded) {
          lane.decoded.push({ kind: "chunk", event, index: lane.chunks, t, size: 0, decoded: true });
          lane.encoding = event.decoded.encoding;
        }
        lane.bytes += item.size;
        changed.add(event.lane);
      } else if (event.kind === "folded" && event.of === "chunk") {
        const lane = laneOf(event.lane);
        lane.chunks += event.count;
        lane.items.push({ kind: "folded", count: event.count, bytes: event.bytes });
        lane.decoded.push({ kind: "folded", count: event.count, bytes: event.bytes });
        changed.add(event.lane);
      } else if (event.kind === "open" && event.attempt > 1 && lanes.has(event.lane)) {
        laneOf(event.lane).items.push({ kind: "connection", attempt: event.attempt });
        laneOf(event.lane).decoded.push({ kind: "connection", attempt: event.attempt });
      }
    }
    takenTo = store.events.length;
    for (const number of changed) trim(laneOf(number));
    return changed;
  }

  picker.addEventListener("change", () => {
    // The user's choice wins over a request chosen elsewhere whose bytes have not come yet.
    wanted = undefined;
    show();
  });
  mode.addEventListener("change", show);
  store.subscribe({
    appended() {
      if (container.hidden) return;
      if (takeNew().has(Number(picker.value))) timer ??= setTimeout(show, redrawMs);
    },
    cleared() {
      takenTo = 0;
      wanted = undefined;
      lanes.clear();
      picker.replaceChildren();
      show();
    },
  });
  return {
    show,
    showLane(lane) {
      wanted = lane;
      show();
    },
    get lastDrawMs() {
      return lastDrawMs;
    },
  };
}
