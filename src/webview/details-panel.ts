/**
 * Everything about one event: its fields, headers, SSE fields and text with the wire bytes visible.
 * A value too long to lay out at once (a 50 MB log line) shows its start, with a way to save the
 * whole of it.
 */

import {
  describeEvent,
  errorMessage,
  formatCount,
  fromBase64,
  type OpenEvent,
  type TimelineEvent,
} from "../contract/index.ts";
import { appendVisible, appendVisibleBytes, element } from "./dom.ts";

/** `63 61 66 C3`: bytes as hex, for the bytes a preview carries. */
function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}

/** How much of one value the panel lays out: more would hold the page for seconds. */
export const maxShownChars = 64 * 1024;

/** Saves a value the panel shows only the start of (`log-text.txt`). */
export type SaveValue = (name: string, text: string) => void;

/** The start of a long value, then how much more there is and a button that saves the whole. */
function cutValue(pre: HTMLElement, value: string, name: string, save: SaveValue): HTMLElement[] {
  appendVisible(pre, value.slice(0, maxShownChars));
  const more = value.length - maxShownChars;
  const button = element("button", { type: "button", class: "details-save-value" }, "Save the whole value");
  button.addEventListener("click", () => save(name, value));
  const note = element(
    "p",
    { class: "details-cut" },
    `… and ${formatCount(more)} more characters, not shown (${(value.length / 2 ** 20).toFixed(1)} MB in all). `,
  );
  note.append(button);
  return [pre, note];
}

/** One field's value: wire text with its invisible characters written out, objects as JSON. */
function fieldValue(event: TimelineEvent, key: string, value: unknown, save: SaveValue): HTMLElement {
  const dd = element("dd");
  const bytes = "base64" in event && typeof event.base64 === "string" ? fromBase64(event.base64) : undefined;
  if (key === "base64" && bytes) {
    dd.append(element("pre", { class: "wire", title: "The bytes the text preview was decoded from" }, hex(bytes)));
  } else if (key === "text" && bytes) {
    // The text has U+FFFD where the bytes are not UTF-8; the bytes say which they were.
    const pre = element("pre", { class: "wire" });
    appendVisibleBytes(pre, bytes);
    dd.append(pre);
  } else if (value === "") {
    dd.append(element("span", { class: "details-empty-value" }, "(empty)"));
  } else if (typeof value === "string") {
    const pre = element("pre", { class: "wire" });
    if (value.length > maxShownChars) dd.append(...cutValue(pre, value, `${event.kind}-${key}.txt`, save));
    else {
      appendVisible(pre, value);
      dd.append(pre);
    }
  } else if (value !== null && typeof value === "object") {
    const json = JSON.stringify(value, null, 2);
    if (json.length > maxShownChars) dd.append(...cutValue(element("pre"), json, `${event.kind}-${key}.json`, save));
    else dd.append(element("pre", {}, json));
  } else if (typeof value === "number" && !Number.isInteger(value)) {
    // A measured time reads as people write it (0.063 ms); the exact value is a hover away.
    dd.textContent = `${Number(value.toFixed(3))}${/Ms$/.test(key) || key === "t" ? " ms" : ""}`;
    dd.title = String(value);
  } else {
    dd.textContent = String(value);
  }
  return dd;
}

/** A button that copies a lane's request as a `curl` command line. */
function copyButton(command: string, say: DetailsPanelOptions["say"]): HTMLButtonElement {
  const button = element("button", { type: "button", class: "details-copy", title: command }, "Copy as cURL");
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(command).then(
      () => say(`Copied: ${command}`, "ok"),
      (error: unknown) => say(`Not copied: ${errorMessage(error)}`, "error"),
    );
  });
  return button;
}

/** The details panel: every field of the event selected, with its one-line description. */
export interface DetailsPanel {
  /** Shows `event`'s details, or the hint to select one when undefined. */
  show(event: TimelineEvent | undefined): void;
}

/** When the request an event belongs to began: its lane's latest client `open` or server `request` at or before it. */
export type RequestStartOf = (event: TimelineEvent) => number | undefined;

/** `+212.4 ms`, `+3.21 s`: how long after its request an event came, as people say it. */
export function sinceRequest(ms: number): string {
  return ms < 1_000 ? `+${ms.toFixed(1)} ms` : `+${(ms / 1_000).toFixed(2)} s`;
}

export interface DetailsPanelOptions {
  /** The session's start, which event times count from. */
  timelineStart: () => number;
  /** Saves a value too long to show whole. */
  save: SaveValue;
  /** When an event's request began, for "+212 ms after its request". */
  requestStartOf?: RequestStartOf | undefined;
  /** The request a client `open` made, as a `curl` command; undefined where none can be told (a WebSocket). */
  curlOf?: ((open: OpenEvent) => string | undefined) | undefined;
  /** Says something in the status line (that a command was copied). */
  say: (text: string, tone?: "ok" | "error") => void;
}

export function createDetailsPanel(container: HTMLElement, options: DetailsPanelOptions): DetailsPanel {
  const { timelineStart, save, requestStartOf = () => undefined } = options;
  const empty = element(
    "p",
    { class: "details-empty" },
    "Select an event in the timeline or the table to see its details.",
  );
  container.append(empty);

  return {
    show(event) {
      if (!event) {
        container.replaceChildren(empty);
        return;
      }
      const { detail } = describeEvent(event);
      const start = event.lane > 0 ? requestStartOf(event) : undefined;
      const title = element(
        "h3",
        {},
        `${event.kind} · ${event.side}${event.lane ? ` · lane ${event.lane}` : ""} · ${
          start === undefined || event.kind === "open" || event.kind === "request"
            ? ""
            : `${sinceRequest(event.t - start)} after its request · `
        }${(event.t - timelineStart()).toFixed(3)} ms`,
      );
      const summary = element(
        "p",
        { class: "details-summary" },
        detail.length > 1_000 ? `${detail.slice(0, 1_000)}…` : detail,
      );
      const list = element("dl", { class: "details-fields" });
      for (const [key, value] of Object.entries(event)) {
        if (key === "t" || key === "lane" || key === "side" || key === "kind" || value === undefined) continue;
        list.append(element("dt", {}, key === "base64" ? "bytes (hex)" : key), fieldValue(event, key, value, save));
      }
      const curl = event.kind === "open" && event.side === "client" ? options.curlOf?.(event) : undefined;
      container.replaceChildren(title, summary, ...(curl === undefined ? [] : [copyButton(curl, options.say)]), list);
    },
  };
}
