/**
 * The fields every timeline event has, apart from the union that lists them (`timeline-events.ts`),
 * so the files that declare a family of events (`websocket-events.ts`, `json-line-events.ts`,
 * `client-behaviour.ts`) can build on them while the union imports those families back.
 */

/** Which party an event describes. */
export const sides = ["runner", "server", "client"] as const;
export type Side = (typeof sides)[number];

/** Fields every timeline event has. */
export interface EventAt<S extends Side, K extends string> {
  /** Milliseconds on the host's clock (fractional). `trace` prints them relative to its start. */
  t: number;
  /** Client number (1-based), or 0 for the runner and for requests no client made. */
  lane: number;
  side: S;
  kind: K;
}

/** Fields every server event has: which request, served by which snippet version. */
export interface ServerEventAt<K extends string> extends EventAt<"server", K> {
  /** Runner-wide request number, unique across reloads (restarts begin a new range). */
  requestId: number;
  /** The snippet version that served the request. Streams opened before a reload keep theirs. */
  version: number;
}
