/** A timeline ready to be checked: its events in time order, its client lanes, and the scopes a check looks in. */

import type { TimelineEvent } from "../contract/index.ts";

/** Where a check looks: the whole timeline, or one client lane (its client and server events). */
export interface Scope {
  /** Put before a summary: `lane 2: `, or nothing for the whole timeline. */
  label: string;
  lane?: number | undefined;
  events: readonly TimelineEvent[];
}

/** A timeline sorted once, with its client lanes and scopes, for every check to look in. */
export interface TimelineIndex {
  /** Every event, in time order; events at the same time keep the order they were recorded in. */
  readonly events: readonly TimelineEvent[];
  /** Lanes with a client: those with an `open`, else any lane above 0 that has client events. */
  readonly clientLanes: number[];
  /** The whole timeline, or each client lane. */
  scopes(eachLane: boolean): Scope[];
  /** The events of `scope` after `anchor`, on its lane (on any lane, for lane 0's events). */
  after(anchor: TimelineEvent, scope: Scope): TimelineEvent[];
  /** One lane's events (empty for a lane that has none). */
  lane(lane: number): readonly TimelineEvent[];
}

export function createTimelineIndex(unsorted: readonly TimelineEvent[]): TimelineIndex {
  // Stable: events at the same time keep the order they were recorded in.
  const events = [...unsorted].sort((a, b) => a.t - b.t);
  const position = new Map<TimelineEvent, number>(events.map((event, i) => [event, i]));
  const opened = new Set(events.filter((event) => event.kind === "open").map((event) => event.lane));
  /** Lanes with a client: those with an `open`, else any lane above 0 that has client events. */
  const clientLanes = [
    ...(opened.size > 0
      ? opened
      : new Set(events.filter((event) => event.side === "client" && event.lane > 0).map((event) => event.lane))),
  ].sort((a, b) => a - b);
  const whole: Scope = { label: "", events };
  const byLane = new Map<number, Scope>(
    clientLanes.map((lane) => [
      lane,
      { label: `lane ${lane}: `, lane, events: events.filter((event) => event.lane === lane) },
    ]),
  );

  return {
    events,
    clientLanes,
    scopes(eachLane: boolean): Scope[] {
      return eachLane ? [...byLane.values()] : [whole];
    },
    after(anchor: TimelineEvent, scope: Scope): TimelineEvent[] {
      const from = position.get(anchor) ?? -1;
      return scope.events.filter(
        (event) => (position.get(event) ?? -1) > from && (anchor.lane === 0 || event.lane === anchor.lane),
      );
    },
    lane(lane: number): readonly TimelineEvent[] {
      return byLane.get(lane)?.events ?? events.filter((event) => event.lane === lane);
    },
  };
}
