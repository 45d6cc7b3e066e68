/**
 * Slow and flaky clients: a lane's client may read at a set rate, stop reading for a while (or
 * until resumed), and drop its connection partway through the body, so the server's side of
 * backpressure and of a broken connection can be seen (a generator's `yield` waiting, a `pull`
 * not being called, a WebSocket `send` returning −1, the abort and cleanup of a dropped stream).
 */

import { integer, literal, number, object, oneOf, partialObject, refine, type Check } from "./check.ts";
import type { EventAt } from "./event-at.ts";

/**
 * How a lane's client misbehaves. Every field is optional; `{}` is a client that can be paused from its chip and
 * otherwise reads at full speed.
 */
export interface ClientBehaviour {
  /** Read at most this many bytes of the body a second (a WebSocket: of its messages). */
  readBytesPerSecond?: number | undefined;
  /** Stop reading this long after the client first opened. */
  stallAfterMs?: number | undefined;
  /**
   * How long the stall lasts; left out, reading stays paused until resumed from the lane's chip, or the client ends.
   */
  stallMs?: number | undefined;
  /**
   * Drop each connection, as a broken network would (no clean close), once this many bytes of
   * the body have arrived: the read that crosses the limit is cut there, so an event can be cut
   * in two. An EventSource reconnects afterwards, as after any network error.
   */
  dropAfterBytes?: number | undefined;
}

/** Whether a lane's client reads again: who paused or resumed it. */
export const readingCauses = [
  /** The lane's stall setting (`stallAfterMs`, `stallMs`). */
  "stall",
  /** Pause or Resume on the lane's chip. */
  "user",
] as const;
export type ReadingCause = (typeof readingCauses)[number];

export const readingStates = ["paused", "resumed"] as const;
export type ReadingState = (typeof readingStates)[number];

/** The client stopped reading its connection, or began again. */
export interface ReadingEvent extends EventAt<"client", "reading"> {
  state: ReadingState;
  cause: ReadingCause;
}

/** A number of ms: 0 or more. */
const ms = refine(number, (value) => value >= 0, "must be a number of ms (0 or more)");

export const clientBehaviourCheck: Check<ClientBehaviour> = refine(
  partialObject(
    {
      readBytesPerSecond: refine(number, (value) => value >= 1, "must be a number of bytes a second (1 or more)"),
      stallAfterMs: ms,
      stallMs: refine(number, (value) => value > 0, "must be a number of ms above 0"),
      dropAfterBytes: integer(0),
    },
    "is not a slow-client setting (readBytesPerSecond, stallAfterMs, stallMs, dropAfterBytes)",
  ),
  (behaviour) => behaviour.stallMs === undefined || behaviour.stallAfterMs !== undefined,
  "stallMs needs stallAfterMs: when the stall begins",
);

export const readingEventCheck: Check<ReadingEvent> = object({
  t: number,
  lane: integer(0),
  side: literal("client"),
  kind: literal("reading"),
  state: oneOf(readingStates),
  cause: oneOf(readingCauses),
});

const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/**
 * A size or a rate as people write it: `65536`, `64KiB`, `1.5 MB`, `64 KiB/s` (KB and MB are
 * powers of 1000, KiB and MiB of 1024). Undefined when it is not one.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]i?[bB]|[bB])?\s*(?:\/\s*s)?\s*$/.exec(text);
  if (!match) return undefined;
  const factor = units[(match[2] ?? "b").toLowerCase()];
  if (factor === undefined) return undefined;
  return Math.round(Number(match[1]) * factor);
}

/** `64 KiB`, `1.5 MiB`, `200 B`. */
export function formatByteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  if (bytes < 1024 ** 3) return `${Number((bytes / 1024 ** 2).toFixed(1))} MiB`;
  return `${Number((bytes / 1024 ** 3).toFixed(1))} GiB`;
}

/** What a lane's client does, in a few words: `reads ≤ 64 KiB/s, stalls at 500 ms for 2000 ms, drops after 1 KiB`. */
export function describeBehaviour(behaviour: ClientBehaviour): string {
  const parts: string[] = [];
  if (behaviour.readBytesPerSecond !== undefined)
    parts.push(`reads ≤ ${formatByteSize(behaviour.readBytesPerSecond)}/s`);
  if (behaviour.stallAfterMs !== undefined)
    parts.push(
      behaviour.stallMs === undefined
        ? `stops reading at ${behaviour.stallAfterMs} ms`
        : `stalls at ${behaviour.stallAfterMs} ms for ${behaviour.stallMs} ms`,
    );
  if (behaviour.dropAfterBytes !== undefined) parts.push(`drops after ${formatByteSize(behaviour.dropAfterBytes)}`);
  return parts.length === 0 ? "pausable" : parts.join(", ");
}
