/** The snippet's console output and uncaught errors, with the time, lane and line of each. */

import { isCodeFrameLine, type TimelineEvent } from "../contract/index.ts";
import { element } from "./dom.ts";
import type { EventStore } from "./event-store.ts";

/** Lines kept in the panel; older ones scroll away (the events table keeps them all). */
const maxLines = 2_000;

export function createConsolePanel(container: HTMLElement, store: EventStore, onReveal: (line: number) => void): void {
  const list = element("ol", { class: "console-lines", "aria-label": "Console output", "aria-live": "polite" });
  container.append(list);

  function lineFor(event: TimelineEvent): HTMLLIElement | undefined {
    let level: string;
    let text: string;
    let line: number | undefined;
    if (event.kind === "log") [level, text, line] = [event.level, event.text, event.line];
    else if (event.kind === "uncaught") [level, text, line] = ["error", event.message, event.line];
    else if (event.kind === "restarted")
      [level, text, line] = ["warn", `runner restarted: ${event.reason}`, event.line];
    else return undefined;
    const item = element("li", { class: `level-${level}` });
    item.append(
      element("span", { class: "console-time" }, (event.t - store.timelineStart).toFixed(1)),
      element("span", { class: "console-lane" }, event.lane === 0 ? "" : `#${event.lane}`),
    );
    if (line !== undefined) {
      const at = element("button", { type: "button", class: "console-line", title: "Show in the editor" }, `:${line}`);
      at.addEventListener("click", () => onReveal(line));
      item.append(at);
    }
    // A print of Bun's keeps its lines whole, so the caret stays under its column: it scrolls instead.
    const print = isCodeFrameLine(text.split("\n", 1)[0] ?? "");
    item.append(element("span", { class: print ? "console-text console-print" : "console-text" }, text));
    return item;
  }

  store.subscribe({
    appended(from) {
      const items: HTMLLIElement[] = [];
      for (let i = from; i < store.events.length; i++) {
        const item = lineFor(store.events[i]!);
        if (item) items.push(item);
      }
      // Read only when lines are added: reading the list's layout makes the browser lay out the
      // whole page there and then, which every frame of a recording's events would pay for.
      if (items.length === 0) return;
      const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
      list.append(...items.slice(-maxLines));
      while (list.childElementCount > maxLines) list.firstElementChild?.remove();
      if (stick) list.scrollTop = list.scrollHeight;
    },
    cleared() {
      list.replaceChildren();
    },
  });
}
