/** Everything about one event: its fields, headers, SSE fields and text with the wire bytes visible. */

import { describeEvent, type TimelineEvent, fromBase64 } from "../contract/index.ts";
import { appendVisible, appendVisibleBytes, element } from "./dom.ts";

/** `63 61 66 C3`: bytes as hex, for the bytes a preview carries. */
function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}

/** One field's value: wire text with its invisible characters written out, objects as JSON. */
function fieldValue(event: TimelineEvent, key: string, value: unknown): HTMLElement {
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
    appendVisible(pre, value);
    dd.append(pre);
  } else if (value !== null && typeof value === "object") {
    dd.append(element("pre", {}, JSON.stringify(value, null, 2)));
  } else {
    dd.textContent = String(value);
  }
  return dd;
}

/** The details panel: every field of the event selected, with its one-line description. */
export interface DetailsPanel {
  /** Shows `event`'s details, or the hint to select one when undefined. */
  show(event: TimelineEvent | undefined): void;
}

export function createDetailsPanel(container: HTMLElement, timelineStart: () => number): DetailsPanel {
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
      const title = element(
        "h3",
        {},
        `${event.kind} · ${event.side}${event.lane ? ` · lane ${event.lane}` : ""} · ${(event.t - timelineStart()).toFixed(3)} ms`,
      );
      const summary = element("p", { class: "details-summary" }, detail);
      const list = element("dl", { class: "details-fields" });
      for (const [key, value] of Object.entries(event)) {
        if (key === "t" || key === "lane" || key === "side" || key === "kind" || value === undefined) continue;
        list.append(element("dt", {}, key === "base64" ? "bytes (hex)" : key), fieldValue(event, key, value));
      }
      container.replaceChildren(title, summary, list);
    },
  };
}
