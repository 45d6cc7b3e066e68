/**
 * One chip per client the host keeps open, drawn from the host's status: a page that reloads (or a
 * desktop window that reopens) shows the same chips, and a client that ended loses its chip on
 * every page at once.
 */

import { describeBehaviour, isOutsideUrl, type LiveClient } from "../contract/index.ts";
import { element } from "./dom.ts";

export interface LaneChipsOptions {
  /** The chip's × was pressed. */
  onDisconnect: (lane: number) => void;
  /** Something to show inside a client's chip (a WebSocket's message box), or undefined. */
  extra?: ((client: LiveClient) => HTMLElement | undefined) | undefined;
}

export interface LaneChips {
  /** Shows exactly these clients; unchanged lists leave the DOM alone. */
  show(clients: readonly LiveClient[]): void;
}

export function createLaneChips(container: HTMLElement, options: LaneChipsOptions): LaneChips {
  let shown = "";
  return {
    show(clients: readonly LiveClient[]): void {
      const key = JSON.stringify(clients);
      if (key === shown) return;
      shown = key;
      container.replaceChildren(
        ...clients.map((live) => {
          const { lane, client, method, path } = live;
          const notes = [
            ...(isOutsideUrl(path) ? ["server side not visible"] : []),
            ...(live.slow ? [describeBehaviour(live.slow)] : []),
          ];
          const chip = element(
            "span",
            { class: "lane-chip", "data-lane": String(lane) },
            `#${lane} ${client} ${method} ${path}${notes.map((note) => ` · ${note}`).join("")}`,
          );
          const extra = options.extra?.(live);
          if (extra) chip.append(extra);
          const close = element(
            "button",
            { type: "button", "aria-label": `Disconnect client ${lane}`, title: "Disconnect" },
            "×",
          );
          close.addEventListener("click", () => options.onDisconnect(lane));
          chip.append(close);
          return chip;
        }),
      );
    },
  };
}
