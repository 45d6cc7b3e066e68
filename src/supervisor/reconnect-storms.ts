/**
 * A reconnect storm: several clients reconnecting at one moment, each after the same delay. It
 * happens when a server ends every stream at once (a deploy, a restart, a timer shared by all
 * streams) and gives them one fixed `retry:`: the whole herd comes back together. It is a story
 * across lanes, so it is told here, where every lane's events pass, as a `pitfall` at the line that
 * wrote the `retry:` field.
 */

import type { PitfallEvent, TimelineEvent } from "../contract/index.ts";

export interface ReconnectStorms {
  /** Passes `event` on, and tells a storm once its reconnects are seen. */
  take(event: TimelineEvent): void;
}

export interface ReconnectStormsOptions {
  emit: (event: TimelineEvent) => void;
  /** Reconnects this close together are one moment. */
  windowMs?: number | undefined;
  /** How many lanes reconnecting at one moment make a storm. */
  minLanes?: number | undefined;
  /** Version `version`'s source, to find its `retry:` line when no write named one. */
  sourceOf?: ((version: number) => string | undefined) | undefined;
  setTimer?: ((run: () => void, ms: number) => unknown) | undefined;
}

/** The first line of `source` that writes a `retry:` field, outside comments. */
export function retryLineIn(source: string | undefined): number | undefined {
  const lines = source?.split(/\r\n|\r|\n/) ?? [];
  const index = lines.findIndex((line) => !/^\s*(\/\/|\/?\*)/.test(line) && /retry:/.test(line));
  return index === -1 ? undefined : index + 1;
}

const defaultWindowMs = 50;
const defaultMinLanes = 3;

export function createReconnectStorms(options: ReconnectStormsOptions): ReconnectStorms {
  const { emit } = options;
  const windowMs = options.windowMs ?? defaultWindowMs;
  const minLanes = options.minLanes ?? defaultMinLanes;
  /** Recent reconnects, oldest first. */
  let recent: { t: number; lane: number; delayMs: number }[] = [];
  /** The snippet line that last wrote a `retry:` field, by version. */
  const retryLines = new Map<number, number>();
  let lastVersion: number | undefined;
  /** Storms already told, by delay: one is the lesson. */
  const told = new Set<number>();
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));

  /** A storm being counted: the reconnects of its moment, joined by the rest of the herd as it comes. */
  let counting: { first: number; delayMs: number; herd: { t: number; lane: number; delayMs: number }[] } | undefined;

  /** Tells the storm being counted. */
  function tell(): void {
    if (!counting) return;
    const { first, delayMs, herd } = counting;
    counting = undefined;
    const lanes = new Set(herd.map((reconnect) => reconnect.lane));
    const last = Math.max(...herd.map((reconnect) => reconnect.t));
    const line = lastVersion === undefined ? undefined : retryLines.get(lastVersion);
    const storm: PitfallEvent = {
      t: last,
      lane: 0,
      side: "runner",
      kind: "pitfall",
      pitfall: "reconnect-storm",
      message: `${lanes.size} clients reconnected within ${(last - first).toFixed(1)} ms of each other, each after the same ${delayMs} ms: streams that end together come back together, and with many clients that is a spike the server meets all at once. Give each client a retry of its own (retry: ${delayMs} plus a random part), or end streams at different moments.`,
      ...(lastVersion === undefined ? {} : { version: lastVersion }),
      ...(line === undefined ? {} : { line }),
    };
    emit(storm);
  }

  return {
    take(event) {
      emit(event);
      if (event.kind === "write" && /(^|\n)retry:/.test(event.text)) {
        const line = event.line ?? retryLineIn(options.sourceOf?.(event.version));
        if (line !== undefined) retryLines.set(event.version, line);
        lastVersion = event.version;
      }
      if (event.kind !== "reconnect") return;
      const delayMs = Math.round(event.delayMs);
      const reconnect = { t: event.t, lane: event.lane, delayMs };
      if (counting?.delayMs === delayMs && event.t - counting.first <= windowMs) {
        counting.herd.push(reconnect);
        return;
      }
      recent = recent.filter((earlier) => event.t - earlier.t <= windowMs);
      recent.push(reconnect);
      const herd = recent.filter((earlier) => earlier.delayMs === delayMs);
      if (new Set(herd.map((earlier) => earlier.lane)).size < minLanes || told.has(delayMs) || counting) return;
      told.add(delayMs);
      // The rest of the herd is on its way: it is counted until the moment has passed.
      counting = { first: herd[0]!.t, delayMs, herd };
      setTimer(tell, windowMs);
    },
  };
}
