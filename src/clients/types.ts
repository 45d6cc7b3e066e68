/**
 * The probe clients' shared shapes: what opening a probe takes and what it gives back.
 *
 * Types only.
 */

import type { ClientBehaviour, ClientEvent, ClientKind, FoldedEvent } from "../contract/index.ts";
import type { FloodGateOptions } from "../shared/index.ts";
import type { ReadMemoryGuard } from "./read-memory-guard.ts";

/** Where a probe client's timeline events go, in the order they happened. */
export type ProbeEmit = (event: ClientEvent | FoldedEvent) => void;

/** What a probe client needs to record one lane of the timeline. */
export interface ProbeEventSink {
  /** Client number (1-based): the lane every event lands on. */
  lane: number;
  /** The host clock, in ms; every event's `t` is read from it when the event happens. */
  now: () => number;
  /** Receives the events. */
  emit: ProbeEmit;
  /** Flood control for chunk and SSE events; `defaultFloodGate` when left out. */
  floodGate?: FloodGateOptions | undefined;
  /** Told of every body chunk read, so a process reading large streams gives their buffers back. */
  readGuard?: ReadMemoryGuard | undefined;
}

export interface ProbeOptions extends ProbeEventSink {
  /** The URL to request, usually the runner's address plus a path. */
  url: string;
  /** Which client to behave like. */
  client: ClientKind;
  /** Request method for the `stream` client; `GET` when left out. The `eventsource` client always uses `GET`. */
  method?: string | undefined;
  /** Extra request headers. For `eventsource` they are added to (and may replace) its `Accept` and `Cache-Control`. */
  headers?: Record<string, string> | undefined;
  /** Request body for the `stream` client. */
  body?: string | undefined;
  /** `eventsource` only: ms to wait before reconnecting until the stream sends `retry:`; 3000 when left out. */
  defaultRetryMs?: number | undefined;
  /** `websocket` only: the subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string[] | undefined;
  /** `websocket` only: text messages to send once the socket opens, in order. */
  send?: string[] | undefined;
  /** `websocket` only: send the messages one at a time this many ms apart, round and round, instead of all at once. */
  sendEveryMs?: number | undefined;
  /**
   * The URL is another server than the playground's runner: no lane header goes to it, and the
   * `open` event says its side is not visible.
   */
  external?: boolean | undefined;
  /** A slow or flaky client: how it reads (see `ClientBehaviour`); it can then be paused and resumed. */
  slow?: ClientBehaviour | undefined;
}

/** Pausing a slow client's reading, from its lane's chip. */
export interface ReadingControl {
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

/** What a `websocket` probe can do besides disconnecting. */
export interface MessageChannel {
  /** Sends a text (string) or binary (bytes) message; throws when the socket is not open. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake; throws for a code the protocol does not allow (RFC 6455 §7.4). */
  close(code?: number, reason?: string): void;
}

export interface Probe {
  /** Close the connection now (and cancel a pending reconnect). */
  disconnect(): void;
  /**
   * Settles when the client is finished: the stream ended or failed (`stream`), or the client was
   * disconnected or failed the connection (`eventsource`). Never rejects for network trouble;
   * that arrives as a `disconnect` event.
   */
  done: Promise<void>;
  /** For `websocket` probes: sending and closing with a code. */
  messages?: MessageChannel | undefined;
  /** For slow clients (`ProbeOptions.slow`): pausing and resuming their reading. */
  reading?: ReadingControl | undefined;
}
