/**
 * The clients of a trace, against the snippet's runner or any URL: one per lane, disconnected when
 * the trace ends, and the end of a trace itself (its duration, or a stop).
 */

import type { ClientKind, TimelineEvent } from "../contract/index.ts";
import { createReadMemoryGuard, openProbe, type Probe } from "../clients/index.ts";
import type { TraceClientOptions } from "./trace.ts";

/** The end of a trace: its duration running out, or `stop` aborting; never, when neither is given. */
export function endOfTrace(durationMs: number | undefined, stop: AbortSignal | undefined) {
  const { promise: reached, resolve } = Promise.withResolvers<void>();
  let why = "the trace was stopped";
  const timer =
    durationMs === undefined
      ? undefined
      : setTimeout(() => {
          why = `the trace's --duration of ${durationMs} ms ran out`;
          resolve();
        }, durationMs);
  const onStop = () => resolve();
  stop?.addEventListener("abort", onStop, { once: true });
  if (stop?.aborted) resolve();
  return {
    reached,
    /** Why the trace ended, as the start of a sentence. */
    reason: () => why,
    cancel(): void {
      clearTimeout(timer);
      stop?.removeEventListener("abort", onStop);
    },
  };
}

export type EndOfTrace = ReturnType<typeof endOfTrace>;

export interface ProbeClientsOptions {
  /** What every client requests. */
  url: string;
  client: ClientKind;
  options: TraceClientOptions;
  end: EndOfTrace;
  record: (event: TimelineEvent) => void;
  /** Another server than the snippet's runner: no lane header, and its side is not visible. */
  external?: boolean | undefined;
}

/** Opens the clients, each on its own lane, and resolves once every one has finished or the trace has ended. */
export async function probeClients({
  url,
  client,
  options,
  end,
  record,
  external,
}: ProbeClientsOptions): Promise<void> {
  const count = Math.max(1, options.clients ?? 1);
  const probes: Probe[] = [];
  const timers: ReturnType<typeof setTimeout>[] = [];
  const readGuard = createReadMemoryGuard();
  for (let lane = 1; lane <= count; lane++) {
    const opened = openProbe({
      lane,
      url,
      client,
      method: options.method,
      headers: options.headers,
      body: options.body,
      defaultRetryMs: options.defaultRetryMs,
      protocols: options.protocols,
      send: options.send,
      sendEveryMs: options.sendEveryMs,
      external,
      slow: options.slow,
      readGuard,
      now: () => performance.now(),
      emit: record,
    });
    probes.push(opened);
    if (options.disconnectAfterMs !== undefined)
      timers.push(setTimeout(() => opened.disconnect(), options.disconnectAfterMs));
  }
  const allDone = Promise.all(probes.map((p) => p.done));
  await Promise.race([allDone, end.reached]);
  for (const p of probes) p.disconnect();
  await allDone;
  for (const timer of timers) clearTimeout(timer);
}
