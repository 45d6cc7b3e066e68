/**
 * The raw stream per client: every byte a lane received, in order, decoded as one stream (a
 * character split across chunks shows whole), with each chunk's start marked, invisible
 * characters written out, and bytes that are not UTF-8 shown as bytes; or the same bytes in hex.
 */

import { byteEscape } from "../contract/index.ts";
import { appendVisible, element } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import { chunkItem, decodedItem, rawHexRows, rawSegments, type RawItem } from "./raw-stream.ts";

/** Bytes kept per lane; a stream larger than this shows its end. */
const maxBytes = 128 * 1024;
/** A stream still arriving is redrawn at most this often. */
const redrawMs = 150;
/**
 * Line ends per block: blocks out of view skip layout (`content-visibility: auto`), so a long stream costs what a
 * screenful does.
 */
const linesPerBlock = 48;

interface LaneBytes {
  items: RawItem[];
  /** For a body with a `Content-Encoding`: what each chunk decoded to, in the same order. */
  decoded: RawItem[];
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
  /** How long the last draw took, in ms. */
  readonly lastDrawMs: number;
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
  container.append(bar, pre);
  const lanes = new Map<number, LaneBytes>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** How long the last draw took, in ms: decoding plus building the DOM. */
  let lastDrawMs = 0;

  /** A new block of the drawing, appended to the view. */
  function newBlock(): HTMLElement {
    const block = element("div", { class: "raw-block" });
    pre.append(block);
    return block;
  }

  function drawText(items: readonly RawItem[]): void {
    let block = newBlock();
    let lines = 0;
    for (const segment of rawSegments(items)) {
      switch (segment.kind) {
        case "text": {
          // Cut long text at line ends into blocks of `linesPerBlock` lines.
          let from = 0;
          while (from < segment.text.length) {
            let end = from;
            for (let found = 0; found < linesPerBlock - lines; found++) {
              const next = segment.text.indexOf("\n", end);
              if (next === -1) {
                end = segment.text.length;
                break;
              }
              end = next + 1;
              lines++;
            }
            appendVisible(block, segment.text.slice(from, end));
            from = end;
            if (lines >= linesPerBlock) {
              block = newBlock();
              lines = 0;
            }
          }
          break;
        }
        case "bytes":
          block.append(
            element(
              "span",
              { class: "esc bad-byte", title: segment.why },
              Array.from(segment.bytes, byteEscape).join(""),
            ),
          );
          break;
        case "edge":
          block.append(
            element("span", { class: "chunk-edge", title: segment.title, "data-chunk": String(segment.index) }),
          );
          break;
        case "split":
          block.append(element("span", { class: "split-char", title: segment.title }, segment.text));
          break;
        case "note":
          block.append(element("span", { class: "raw-gap" }, `\n⟨${segment.text}⟩\n`));
          break;
      }
    }
  }

  function drawHex(items: readonly RawItem[]): void {
    let block = newBlock();
    let lines = 0;
    for (const row of rawHexRows(items)) {
      if (lines++ === linesPerBlock) {
        block = newBlock();
        lines = 1;
      }
      if ("note" in row) {
        block.append(element("span", { class: "raw-gap" }, `⟨${row.note}⟩\n`));
        continue;
      }
      const line = element("span", { class: "hex-row" });
      line.append(element("span", { class: "hex-offset" }, row.offset.toString(16).padStart(8, "0")), "  ");
      let ascii = "";
      let hexText = "";
      let count = 0;
      for (const cell of row.cells) {
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
      block.append(line);
    }
  }

  /** Draws the chosen lane, but only while the panel can be seen: a hidden one costs nothing. */
  function show(): void {
    clearTimeout(timer);
    timer = undefined;
    if (container.hidden) return;
    const started = performance.now();
    const lane = lanes.get(Number(picker.value));
    pre.replaceChildren();
    if (lane) {
      if (mode.value === "hex") drawHex(lane.items);
      else if (mode.value === "decoded" && lane.encoding) drawText(lane.decoded);
      else drawText(lane.items);
    }
    const notes = [
      lane?.encoding === undefined
        ? mode.value === "decoded"
          ? "no Content-Encoding: the bytes on the wire are the text"
          : ""
        : mode.value === "decoded"
          ? `decoded from ${lane.encoding}; the wire carried the compressed bytes`
          : `${lane.encoding} on the wire: choose Decoded to read it`,
      lane?.dropped ? `the first ${lane.dropped} chunks are no longer kept` : "",
    ];
    note.textContent = notes.filter((text) => text !== "").join("; ");
    lastDrawMs = performance.now() - started;
  }

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
        lane.bytes -= item.bytes.length;
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

  picker.addEventListener("change", show);
  mode.addEventListener("change", show);
  store.subscribe({
    appended(from) {
      const changed = new Set<number>();
      for (let i = from; i < store.events.length; i++) {
        const event = store.events[i]!;
        if (event.side !== "client") continue;
        if (event.kind === "chunk") {
          const lane = laneOf(event.lane);
          lane.chunks++;
          const item = chunkItem(event, lane.chunks, event.t - store.timelineStart);
          lane.items.push(item);
          const decoded = decodedItem(event, lane.chunks, event.t - store.timelineStart);
          if (decoded) {
            lane.decoded.push(decoded);
            lane.encoding = event.decoded?.encoding;
          }
          if (item.kind === "chunk") lane.bytes += item.bytes.length;
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
      for (const number of changed) trim(laneOf(number));
      if (changed.has(Number(picker.value))) timer ??= setTimeout(show, redrawMs);
    },
    cleared() {
      lanes.clear();
      picker.replaceChildren();
      show();
    },
  });
  return {
    show,
    get lastDrawMs() {
      return lastDrawMs;
    },
  };
}
