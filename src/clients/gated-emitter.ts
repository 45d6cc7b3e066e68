/**
 * Emits one kind of client event through a flood gate: one by one while the stream is moderate,
 * as `folded` counts past that. Nothing is dropped; an event is either emitted or counted.
 */

import type { ClientEvent, FoldedEvent } from "../contract/index.ts";
import { createFloodGate, defaultFloodGate, type Fold, type FloodGateOptions } from "../shared/index.ts";
import type { ClientEmit } from "./types.ts";

export interface GatedEmitterOptions {
  /** The kind the folds are of. */
  of: FoldedEvent["of"];
  /** The lane the folded events land on. */
  lane: number;
  /** Receives the admitted events and the folds. */
  emit: ClientEmit;
  /** `defaultFloodGate` when left out. */
  floodGate?: FloodGateOptions | undefined;
}

/** One kind of client event, emitted or folded. */
export interface GatedEmitter<E extends ClientEvent> {
  /**
   * Emits the event `make` builds at `t`, or counts it into the current fold. `make` runs only for
   * events that are emitted, so a folded chunk costs no text preview.
   */
  record(t: number, bytes: number, make: () => E): void;
  /**
   * `record` for a hot path, without a function made per event: true when the caller is to emit
   * its event at `t` now, false when it was counted into the current fold.
   */
  admit(t: number, bytes: number): boolean;
  /**
   * Counts an event into the current fold without reading the clock, while a flood is being
   * folded (`FloodGate.count`): false when the caller is to read the clock and `admit` it.
   */
  count(bytes: number): boolean;
  /** Emits what is still being folded (the stream ended, or is about to be reported as ended). */
  flush(): void;
}

export function createGatedEmitter<E extends ClientEvent>(options: GatedEmitterOptions): GatedEmitter<E> {
  const { of, lane, emit } = options;
  const gateOptions = options.floodGate ?? defaultFloodGate;
  const gate = createFloodGate(gateOptions);
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  function emitFold(fold: Fold): void {
    emit({
      t: fold.until,
      lane,
      side: "client",
      kind: "folded",
      of,
      count: fold.count,
      bytes: fold.bytes,
      since: fold.since,
    });
  }

  function flush(): void {
    if (closeTimer !== undefined) clearTimeout(closeTimer);
    closeTimer = undefined;
    const fold = gate.flush();
    if (fold) emitFold(fold);
  }

  function admit(t: number, bytes: number): boolean {
    if (gate.admit(t, bytes, emitFold)) return true;
    // The gate closes a fold only when a later event arrives. Without this timer a burst followed
    // by silence would stay off the timeline until the stream ended.
    closeTimer ??= setTimeout(flush, gateOptions.foldWindowMs);
    return false;
  }

  return {
    record(t: number, bytes: number, make: () => E): void {
      if (admit(t, bytes)) emit(make());
    },
    admit,
    count: (bytes) => gate.count(bytes),
    flush,
  };
}
