/**
 * Clients on lanes: one client per lane, each making a lane's request against the snippet's runner
 * or any URL. The host's session opens them one request at a time and keeps them in its registry;
 * a trace opens them all at once and disconnects them when it ends.
 */

import {
  type ClientRequest,
  type ClientRequestSettings,
  clientKindFor,
  type TimelineEvent,
} from "../contract/index.ts";
import { createReadMemoryGuard, openClient, type Client, type ReadMemoryGuard } from "../clients/index.ts";

/** How the clients of a trace behave: the same for a snippet and for a URL. */
export interface TraceClientOptions extends Omit<ClientRequestSettings, "path"> {
  /**
   * End the trace this long after it began: a load still running is given up, clients still connected are disconnected.
   */
  durationMs?: number | undefined;
  /** Reconnect delay for `eventsource` clients until the stream sends `retry:`. */
  defaultRetryMs?: number | undefined;
  /** Ends the recording early, as if the duration had passed (Ctrl+C in the terminal). */
  stop?: AbortSignal | undefined;
  /** Receives events as they happen (on the host clock, not rebased). */
  onEvent?: ((event: TimelineEvent) => void) | undefined;
  /** The moment (`performance.now()`) the timeline's `t = 0` is; when the trace starts, if left out. */
  began?: number | undefined;
}

export interface LaneClientOptions {
  /** The lane (1-based) every event of the client lands on. */
  lane: number;
  /** What the client requests and how it behaves; `path` is already resolved into `url`. */
  request: Omit<ClientRequestSettings, "path"> & Pick<ClientRequest, "client">;
  /** The address requested: the runner's for a path on it, or another server's URL. */
  url: string;
  /** Another server than the snippet's runner: no lane header goes to it, and its side is not visible. */
  external?: boolean | undefined;
  /** Reconnect delay for `eventsource` clients until the stream sends `retry:`. */
  defaultRetryMs?: number | undefined;
  /** The host's clock, in ms. */
  now: () => number;
  /** Receives the client's events. */
  emit: (event: TimelineEvent) => void;
  /** One for all the clients of a process: what they read together is what it holds. */
  readGuard: ReadMemoryGuard;
}

/** A client open on a lane. */
export interface LaneClient {
  /** The client itself: its messages (WebSocket) and reading controls (slow clients). */
  readonly client: Client;
  /** Settles when the client has finished (see `Client.done`). */
  readonly done: Promise<void>;
  /** Closes the connection now, and cancels the disconnect the request scheduled. */
  disconnect(): void;
}

/**
 * Opens the client `options.request` names on its lane; it connects at once, and disconnects after the request's
 * `disconnectAfterMs`.
 */
export function openLaneClient(options: LaneClientOptions): LaneClient {
  const { request, lane, url, external, defaultRetryMs, now, emit, readGuard } = options;
  const client = openClient({ ...request, lane, url, external, defaultRetryMs, now, emit, readGuard });
  const timer =
    request.disconnectAfterMs === undefined
      ? undefined
      : setTimeout(() => client.disconnect(), request.disconnectAfterMs);
  void client.done.then(() => clearTimeout(timer));
  return {
    client,
    done: client.done,
    disconnect(): void {
      clearTimeout(timer);
      client.disconnect();
    },
  };
}

/** The end of a trace: its duration running out, or a stop. */
export interface EndOfTrace {
  /** Settles when the trace ends; never, when it has neither a duration nor a stop. */
  readonly reached: Promise<void>;
  /** Why the trace ended, as the start of a sentence. */
  reason(): string;
  /** Stops waiting for the duration and the stop. */
  cancel(): void;
}

/** The end of a trace: its duration running out, or `stop` aborting; never, when neither is given. */
export function endOfTrace(durationMs: number | undefined, stop: AbortSignal | undefined): EndOfTrace {
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
    reason: () => why,
    cancel(): void {
      clearTimeout(timer);
      stop?.removeEventListener("abort", onStop);
    },
  };
}

export interface TraceClientsOptions {
  /** What every client requests. */
  url: string;
  options: TraceClientOptions;
  end: EndOfTrace;
  record: (event: TimelineEvent) => void;
  /** Another server than the snippet's runner: no lane header, and its side is not visible. */
  external?: boolean | undefined;
}

/** Opens a trace's clients, each on its own lane, and resolves once every one has finished or the trace has ended. */
export async function runTraceClients({ url, options, end, record, external }: TraceClientsOptions): Promise<void> {
  // Only the request's own fields reach the clients; how long the trace lasts and where its events go are the trace's.
  const { durationMs: _duration, defaultRetryMs, stop: _stop, onEvent: _onEvent, began: _began, ...settings } = options;
  const request = { ...settings, client: clientKindFor(settings.client, url) };
  const readGuard = createReadMemoryGuard();
  const lanes = Array.from({ length: Math.max(1, request.clients ?? 1) }, (_, i) =>
    openLaneClient({
      lane: i + 1,
      request,
      url,
      external,
      defaultRetryMs,
      now: () => performance.now(),
      emit: record,
      readGuard,
    }),
  );
  const allDone = Promise.all(lanes.map((lane) => lane.done));
  await Promise.race([allDone, end.reached]);
  for (const lane of lanes) lane.disconnect();
  await allDone;
}
