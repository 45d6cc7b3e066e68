/**
 * The `trace` settings that run a timeline's clients again from the terminal: what each lane
 * requested (as the page or a recording kept it), and a duration that covers what was recorded.
 */

import { type LaneRequest, type TimelineEvent, type TraceSettings, traceSettingsFor } from "../contract/index.ts";

/** The last client event's time after the first `open`, rounded up with half a second to spare. */
function durationOf(events: readonly TimelineEvent[]): number | undefined {
  const opens = events.filter((event) => event.kind === "open");
  if (opens.length === 0) return undefined;
  const first = Math.min(...opens.map((event) => event.t));
  const last = Math.max(...events.filter((event) => event.side === "client").map((event) => event.t));
  return Math.ceil((last - first + 500) / 100) * 100;
}

/** Settings from the first lane's request, for as many clients as there were lanes. */
export function traceSettingsOf(
  lanes: readonly LaneRequest[],
  events: readonly TimelineEvent[],
): TraceSettings | undefined {
  const first = lanes[0]?.request;
  if (first === undefined) return undefined;
  const durationMs = durationOf(events);
  return { ...traceSettingsFor(first, lanes.length), ...(durationMs === undefined ? {} : { durationMs }) };
}
