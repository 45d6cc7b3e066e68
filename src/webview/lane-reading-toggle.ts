/**
 * Pause / Resume on a slow client's chip: stops its reading (the server's side fills up and
 * waits) and starts it again. The chip is drawn from the host's status, so it says Resume on
 * every page while the lane is paused, by its chip or by its stall setting.
 */

import type { LiveClient } from "../contract/index.ts";
import { element } from "./dom.ts";

/** The button for `client`'s chip, or undefined for a client that reads at full speed. */
export function readingToggle(
  client: LiveClient,
  onToggle: (lane: number, paused: boolean) => void,
): HTMLButtonElement | undefined {
  if (client.slow === undefined) return undefined;
  const paused = client.paused === true;
  const button = element(
    "button",
    {
      type: "button",
      class: "lane-reading",
      "aria-pressed": String(paused),
      "aria-label": `${paused ? "Resume" : "Pause"} reading on client ${client.lane}`,
      title: paused ? "Read again" : "Stop reading: the server's side fills up and waits",
    },
    paused ? "Resume" : "Pause",
  );
  button.addEventListener("click", () => onToggle(client.lane, !paused));
  return button;
}
