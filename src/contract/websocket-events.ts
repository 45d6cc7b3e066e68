/**
 * WebSocket events, on both sides of a connection. The server's come from the snippet's
 * `websocket` handlers and the `ServerWebSocket` methods it calls; the client's from a `websocket`
 * client. Each kind exists on both sides (`ws-open`, `ws-message`, …): `side` tells them apart.
 *
 * Types only, beside their lists; the checks are in `websocket-checks.ts`.
 */

import type { EventAt, ServerEventAt } from "./event-at.ts";

/** How a message to one socket was queued on the server. */
export const wsSendVias = [
  /** `ws.send(data)`: a text frame for a string, a binary frame for bytes. */
  "send",
  /** `ws.sendText(text)`. */
  "sendText",
  /** `ws.sendBinary(bytes)`. */
  "sendBinary",
  /** A `ws.publish` or `server.publish` to a topic this socket subscribes to (see the `ws-publish` event). */
  "publish",
] as const;
export type WsSendVia = (typeof wsSendVias)[number];

/**
 * Who published: a socket (`ws.publish`, which skips the socket itself unless `publishToSelf`) or the server
 * (`server.publish`).
 */
export const wsPublishers = ["ws", "server"] as const;
export type WsPublisher = (typeof wsPublishers)[number];

/** The `websocket` handlers a server error can come from. */
export const wsHandlerNames = ["open", "message", "close", "drain"] as const;
export type WsHandlerName = (typeof wsHandlerNames)[number];

/** A message's payload as the timeline shows it. */
export interface WsPayload {
  /** Bytes on the wire (UTF-8 for text). */
  bytes: number;
  /** A binary frame (shown as hex) rather than a text frame. */
  binary: boolean;
  /** The message as text, or its first bytes as hex for a binary one; a preview of at most a few hundred characters. */
  text: string;
}

// --- server side -------------------------------------------------------------------------------

/** The snippet's `open` handler is about to run: the upgrade of request `requestId` became a WebSocket. */
export interface ServerWsOpenEvent extends ServerEventAt<"ws-open"> {
  /** `ws.data` as JSON (a preview), when the upgrade attached any. */
  data?: string | undefined;
}

/** A message arrived; `version` is the version whose `message` handler was given it. */
export interface ServerWsMessageEvent extends ServerEventAt<"ws-message">, WsPayload {}

/** A message queued to this socket: by a send, or by a publish to a topic it subscribes to. */
export interface ServerWsSendEvent extends ServerEventAt<"ws-send">, WsPayload {
  /**
   * What the call returned: the bytes sent, −1 when Bun queued the message behind backpressure
   * (a `drain` follows), 0 when it dropped it. For `publish`, what the publish returned.
   */
  result: number;
  via: WsSendVia;
  /** The topic, for `publish`. */
  topic?: string | undefined;
}

/** Bun called `drain`: the socket's backpressure cleared. */
export interface ServerWsDrainEvent extends ServerEventAt<"ws-drain"> {}

/** Bun called `close`: the connection is over, whoever closed it. */
export interface ServerWsCloseEvent extends ServerEventAt<"ws-close"> {
  code: number;
  reason: string;
}

/** A message published to a topic. Every socket it reached also gets a `ws-send` (via `publish`) on its own lane. */
export interface ServerWsPublishEvent extends ServerEventAt<"ws-publish">, WsPayload {
  topic: string;
  /** How many sockets it was queued to. */
  subscribers: number;
  /**
   * What the publish returned: bytes, −1 for backpressure on some subscriber, 0 when dropped (or nobody subscribes).
   */
  result: number;
  by: WsPublisher;
}

// --- client side -------------------------------------------------------------------------------

/** The handshake completed. */
export interface ClientWsOpenEvent extends EventAt<"client", "ws-open"> {
  /** The subprotocol the server chose ("" for none). */
  protocol: string;
  /** The extensions the server chose ("" for none), e.g. `permessage-deflate`. */
  extensions: string;
}

export interface ClientWsSendEvent extends EventAt<"client", "ws-send">, WsPayload {}

export interface ClientWsMessageEvent extends EventAt<"client", "ws-message">, WsPayload {}

/** The connection closed (the client's `close` event), or failed to open. */
export interface ClientWsCloseEvent extends EventAt<"client", "ws-close"> {
  code: number;
  reason: string;
  /** False when the connection ended without a closing handshake (1006). */
  wasClean: boolean;
  /**
   * Who ended it: the client (its own close or drop: `trace` ending a lane, a close asked for on
   * the page) or the server (its close frame came first). Absent when the connection failed under
   * both, and in recordings from before it was told.
   */
  by?: WsCloseBy | undefined;
}

/** Who ended a WebSocket, as its client saw it. */
export const wsCloseBys = ["client", "server"] as const;
export type WsCloseBy = (typeof wsCloseBys)[number];

export interface ClientWsErrorEvent extends EventAt<"client", "ws-error"> {
  message: string;
}

export type ServerWebSocketEvent =
  | ServerWsOpenEvent
  | ServerWsMessageEvent
  | ServerWsSendEvent
  | ServerWsDrainEvent
  | ServerWsCloseEvent
  | ServerWsPublishEvent;

export type ClientWebSocketEvent =
  | ClientWsOpenEvent
  | ClientWsSendEvent
  | ClientWsMessageEvent
  | ClientWsCloseEvent
  | ClientWsErrorEvent;

export type WebSocketEvent = ServerWebSocketEvent | ClientWebSocketEvent;

/** The WebSocket kinds, on either side. */
export const wsKinds = ["ws-open", "ws-message", "ws-send", "ws-drain", "ws-close", "ws-publish", "ws-error"] as const;
export type WsKind = (typeof wsKinds)[number];
