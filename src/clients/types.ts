/**
 * The clients' shared shapes: what opening a client takes and what it gives back.
 *
 * Types only.
 */

import type { ClientEvent, ClientKind, ClientRequestSettings, FoldedEvent } from "../contract/index.ts";
import type { FloodGateOptions } from "../shared/index.ts";
import type { ReadMemoryGuard } from "./read-memory-guard.ts";

/** Where a client's timeline events go, in the order they happened. */
export type ClientEmit = (event: ClientEvent | FoldedEvent) => void;

/** What a client needs to record one lane of the timeline. */
export interface ClientEventSink {
  /** Client number (1-based): the lane every event lands on. */
  lane: number;
  /** The host clock, in ms; every event's `t` is read from it when the event happens. */
  now: () => number;
  /** Receives the events. */
  emit: ClientEmit;
  /** Flood control for chunk and SSE events; `defaultFloodGate` when left out. */
  floodGate?: FloodGateOptions | undefined;
  /** Told of every body chunk read, so a process reading large streams gives their buffers back. */
  readGuard?: ReadMemoryGuard | undefined;
}

/**
 * What opening a client takes: its lane's request (method and body for `stream`; `eventsource`
 * always GETs, and its headers are added to, and may replace, its own `Accept` and
 * `Cache-Control`; protocols and messages for `websocket`), where it goes, and its event sink.
 */
export interface ClientOptions
  extends ClientEventSink,
    Pick<ClientRequestSettings, "method" | "headers" | "body" | "protocols" | "send" | "sendEveryMs" | "slow"> {
  /** The URL to request, usually the runner's address plus a path. */
  url: string;
  /** Which client to behave like. */
  client: ClientKind;
  /** `eventsource` only: ms to wait before reconnecting until the stream sends `retry:`; 3000 when left out. */
  defaultRetryMs?: number | undefined;
  /**
   * The URL is another server than the playground's runner: no lane header goes to it, and the
   * `open` event says its side is not visible.
   */
  external?: boolean | undefined;
}

/** Pausing a slow client's reading, from its lane's chip. */
export interface ReadingControl {
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

/** What a `websocket` client can do besides disconnecting. */
export interface MessageChannel {
  /** Sends a text (string) or binary (bytes) message; throws when the socket is not open. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake; throws for a code the protocol does not allow (RFC 6455 §7.4). */
  close(code?: number, reason?: string): void;
}

export interface Client {
  /** Close the connection now (and cancel a pending reconnect). */
  disconnect(): void;
  /**
   * Settles when the client is finished: the stream ended or failed (`stream`), or the client was
   * disconnected or failed the connection (`eventsource`). Never rejects for network trouble;
   * that arrives as a `disconnect` event.
   */
  done: Promise<void>;
  /** For `websocket` clients: sending and closing with a code. */
  messages?: MessageChannel | undefined;
  /** For slow clients (`ClientOptions.slow`): pausing and resuming their reading. */
  reading?: ReadingControl | undefined;
}
