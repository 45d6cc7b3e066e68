/** Everything about one event: its fields, headers, SSE fields and text with the wire bytes visible. */

import { describeEvent } from "../contract/describe-event.ts";
import type { TimelineEvent } from "../contract/index.ts";
import { element, showControlCharacters } from "./dom.ts";

export function createDetailsPanel(container: HTMLElement, timelineStart: () => number) {
  const empty = element("p", { class: "details-empty" }, "Select an event in the timeline or the table to see its details.");
  container.append(empty);

  return {
    show(event: TimelineEvent | undefined): void {
      if (!event) {
        container.replaceChildren(empty);
        return;
      }
      const { detail } = describeEvent(event);
      const title = element("h3", {}, `${event.kind} · ${event.side}${event.lane ? ` · lane ${event.lane}` : ""} · ${(event.t - timelineStart()).toFixed(3)} ms`);
      const summary = element("p", { class: "details-summary" }, detail);
      const list = element("dl", { class: "details-fields" });
      for (const [key, value] of Object.entries(event)) {
        if (key === "t" || key === "lane" || key === "side" || key === "kind" || value === undefined) continue;
        list.append(element("dt", {}, key));
        const dd = element("dd");
        if (typeof value === "string") {
          dd.append(element("pre", { class: "wire" }, showControlCharacters(value)));
        } else if (value !== null && typeof value === "object") {
          dd.append(element("pre", {}, JSON.stringify(value, null, 2)));
        } else {
          dd.textContent = String(value);
        }
        list.append(dd);
      }
      container.replaceChildren(title, summary, list);
    },
  };
}
