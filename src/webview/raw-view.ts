/**
 * The raw stream per client: every byte a lane received, in order, with `\r` and `\n` made
 * visible, so the SSE wire format can be read as it arrived.
 */

import { element, showControlCharacters } from "./dom.ts";
import type { EventStore } from "./event-store.ts";

/** Characters kept per lane; a stream larger than this shows its end. */
const maxChars = 100_000;

export function createRawView(container: HTMLElement, store: EventStore) {
  const picker = element("select", { "aria-label": "Client lane for the raw stream" });
  const note = element("span", { class: "raw-note" });
  const pre = element("pre", { class: "raw-stream", tabindex: "0", "aria-label": "Raw bytes received" });
  const bar = element("div", { class: "raw-bar" });
  bar.append(element("label", {}, "Client "), picker, note);
  container.append(bar, pre);
  const text = new Map<number, string>();
  const folded = new Map<number, number>();

  /** Draws the chosen lane, but only while the panel can be seen: a hidden one costs nothing. */
  function show(): void {
    if (container.hidden) return;
    const lane = Number(picker.value);
    pre.textContent = showControlCharacters(text.get(lane) ?? "");
    const skipped = folded.get(lane);
    note.textContent = skipped ? `${skipped} chunks were folded by flood control and are not shown` : "";
  }

  picker.addEventListener("change", show);
  store.subscribe({
    appended(from) {
      // Gather each lane's new text first: one join per lane per frame, not one copy per chunk.
      const added = new Map<number, string[]>();
      for (let i = from; i < store.events.length; i++) {
        const event = store.events[i]!;
        if (event.side !== "client") continue;
        if (event.kind === "chunk") {
          if (!text.has(event.lane) && !added.has(event.lane)) picker.append(element("option", { value: String(event.lane) }, `#${event.lane}`));
          const parts = added.get(event.lane) ?? [];
          parts.push(event.text);
          added.set(event.lane, parts);
        } else if (event.kind === "folded" && event.of === "chunk") {
          folded.set(event.lane, (folded.get(event.lane) ?? 0) + event.count);
        }
      }
      for (const [lane, parts] of added) {
        const joined = (text.get(lane) ?? "") + parts.join("");
        text.set(lane, joined.length > maxChars ? joined.slice(-maxChars) : joined);
      }
      if (added.size > 0) show();
    },
    cleared() {
      text.clear();
      folded.clear();
      picker.replaceChildren();
      show();
    },
  });
  return { show };
}
