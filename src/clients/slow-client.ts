/** A client's slow-client parts, when its options ask for one: its settings and the pacer its reads wait for. */

import type { ClientBehaviour } from "../contract/index.ts";
import { createReadPacer, type ReadPacer } from "./read-pacer.ts";
import type { ClientOptions } from "./types.ts";

export interface SlowClient {
  behaviour: ClientBehaviour;
  pacer: ReadPacer;
}

/** The slow-client parts for `options`, or undefined for a client that reads at full speed. */
export function slowClientFor(options: ClientOptions): SlowClient | undefined {
  const behaviour = options.slow;
  if (behaviour === undefined) return undefined;
  return { behaviour, pacer: createReadPacer({ behaviour, lane: options.lane, now: options.now, emit: options.emit }) };
}
