/**
 * What older versions of the snippet left running (leaked timers, streams still open), for the
 * Restart server button to offer to end when the user moves on: a new version loaded, or another
 * lesson opened. A lesson's leak would otherwise keep logging into the next lesson's timeline.
 */

import type { TimelineEvent } from "../contract/index.ts";

/** Leaks of versions before the one serving, since the runner last started. */
export interface LeftRunning {
  /** How many leaks, and from which versions (oldest first). */
  count: number;
  versions: number[];
}

export interface LeftRunningTracker {
  /** Reads events as they arrive (in order). */
  take(events: readonly TimelineEvent[]): void;
  /** What versions before `serving` left running. */
  before(serving: number): LeftRunning;
  /** The timeline was cleared: what was read is forgotten (the runner's leaks run on, unseen). */
  forget(): void;
}

export function createLeftRunningTracker(): LeftRunningTracker {
  /** Leak counts by version, since the runner last started. */
  let leaks = new Map<number, number>();
  return {
    take(events) {
      for (const event of events) {
        // A new runner process: whatever the old one ran has ended with it.
        if (event.kind === "restarted") leaks = new Map();
        else if (event.kind === "leak") leaks.set(event.version, (leaks.get(event.version) ?? 0) + 1);
      }
    },
    before(serving) {
      const versions = [...leaks.keys()].filter((version) => version < serving).sort((a, b) => a - b);
      return { count: versions.reduce((sum, version) => sum + (leaks.get(version) ?? 0), 0), versions };
    },
    forget() {
      leaks = new Map();
    },
  };
}

/** The Restart server button's offer, e.g. `v1 and v2 left 3 things running`. */
export function describeLeftRunning(left: LeftRunning): string | undefined {
  if (left.count === 0) return undefined;
  const names = left.versions.map((version) => `v${version}`);
  const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${who} left ${left.count} ${left.count === 1 ? "thing" : "things"} running`;
}
