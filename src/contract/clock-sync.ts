/**
 * Putting two clocks on one: ask the other side for its clock a few times and keep the shortest
 * round trip. Its reading was taken somewhere inside the trip, so the shortest one bounds the error
 * best (half the trip at worst).
 */

import { number, object, type Check } from "./check.ts";
import type { Empty } from "./envelope.ts";

/** Clock sync: the answering side's clock, read as it answered. */
export interface ClockReading {
  now: number;
}

export const clockReadingCheck: Check<ClockReading> = object({ now: number });

/** How far apart two clocks are. */
export interface ClockOffset {
  /** Add this to the local clock to read the other side's. */
  offsetMs: number;
  /** The shortest round trip, whose midpoint the offset is taken at: the offset is off by at most half of it. */
  roundTripMs: number;
}

/** Anything that can ask for the other side's clock: an endpoint whose requests include `clock-ping`. */
export interface ClockPeer {
  request(type: "clock-ping", fields: Empty): Promise<ClockReading>;
}

export interface ClockSyncOptions {
  /** Round trips to measure. */
  samples: number;
  /** The local clock, in ms. */
  now: () => number;
}

/** Measures the other side's clock over `samples` round trips; a failed ping rejects. */
export async function syncClock(peer: ClockPeer, options: ClockSyncOptions): Promise<ClockOffset> {
  let best: ClockOffset = { offsetMs: 0, roundTripMs: Infinity };
  for (let i = 0; i < options.samples; i++) {
    const sent = options.now();
    const reading = await peer.request("clock-ping", {});
    const received = options.now();
    const roundTripMs = received - sent;
    if (roundTripMs < best.roundTripMs) best = { offsetMs: reading.now - (sent + received) / 2, roundTripMs };
  }
  return best;
}
