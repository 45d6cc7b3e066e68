/**
 * The `trace` command's readable output: one aligned line per event (ms, lane, side, kind,
 * detail), coloured when printing to a terminal.
 */

import { describeEvent, type EventColour, escapeForTerminal, type TimelineEvent } from "../contract/index.ts";

const colours: Record<EventColour, string> = {
  reset: "\x1b[0m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  blue: "\x1b[34m",
  magenta: "\x1b[35m",
  cyan: "\x1b[36m",
};

/** One event's line; `colour` adds ANSI colours. */
export function formatEvent(event: TimelineEvent, colour: boolean): string {
  const paint = (c: EventColour, text: string) =>
    colour && c !== "reset" ? `${colours[c]}${text}${colours.reset}` : text;
  const { detail, colour: c } = describeEvent(event);
  const time = event.t.toFixed(3).padStart(10);
  const lane = event.lane === 0 ? "   -" : String(event.lane).padStart(4);
  return `${paint("dim", time)} ${lane}  ${event.side.padEnd(6)}  ${paint(c, event.kind.padEnd(12))} ${escapeForTerminal(detail)}`;
}

/** One line per event; `colour` adds ANSI colours. */
export function formatTimeline(events: readonly TimelineEvent[], colour: boolean): string {
  return events.map((event) => formatEvent(event, colour)).join("\n");
}

/**
 * Whether to colour output on `stream`: only a terminal, and never with `NO_COLOR` set (no-color.org).
 */
export function wantsColour(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}
