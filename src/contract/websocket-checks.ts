/**
 * Checks for the WebSocket events, per side: the runner may only produce the server's, a page's
 * browser clients only the client's, and a timeline holds both (told apart by `side`).
 */

import { boolean, integer, literal, number, object, oneOf, optional, string, tagged, type Check } from "./check.ts";
import {
  wsCloseBys,
  wsPublishers,
  wsSendVias,
  type ClientWebSocketEvent,
  type ServerWebSocketEvent,
  type WebSocketEvent,
} from "./websocket-events.ts";

const clientAt = <const K extends string>(kind: K) => ({
  t: number,
  lane: integer(0),
  side: literal("client"),
  kind: literal(kind),
});
const serverAt = <const K extends string>(kind: K) => ({
  t: number,
  lane: integer(0),
  side: literal("server"),
  kind: literal(kind),
  requestId: integer(0),
  version: integer(0),
});
const payload = { bytes: integer(0), binary: boolean, text: string };
/** A close code as the protocol carries it (RFC 6455 §7.4), or 1005/1006 as reported when none was. */
const closeCode = integer(0, 4999);

type ServerOfKind<K extends ServerWebSocketEvent["kind"]> = Extract<ServerWebSocketEvent, { kind: K }>;
type ClientOfKind<K extends ClientWebSocketEvent["kind"]> = Extract<ClientWebSocketEvent, { kind: K }>;

/** The server's WebSocket events, one check per kind. */
export const serverWsChecks: { [K in ServerWebSocketEvent["kind"]]: Check<ServerOfKind<K>> } = {
  "ws-open": object({ ...serverAt("ws-open"), data: optional(string) }),
  "ws-message": object({ ...serverAt("ws-message"), ...payload }),
  "ws-send": object({
    ...serverAt("ws-send"),
    ...payload,
    result: integer(-1),
    via: oneOf(wsSendVias),
    topic: optional(string),
  }),
  "ws-drain": object(serverAt("ws-drain")),
  "ws-close": object({ ...serverAt("ws-close"), code: closeCode, reason: string }),
  "ws-publish": object({
    ...serverAt("ws-publish"),
    ...payload,
    topic: string,
    subscribers: integer(0),
    result: integer(-1),
    by: oneOf(wsPublishers),
  }),
};

/** A client's WebSocket events, one check per kind. */
export const clientWsChecks: { [K in ClientWebSocketEvent["kind"]]: Check<ClientOfKind<K>> } = {
  "ws-open": object({ ...clientAt("ws-open"), protocol: string, extensions: string }),
  "ws-send": object({ ...clientAt("ws-send"), ...payload }),
  "ws-message": object({ ...clientAt("ws-message"), ...payload }),
  "ws-close": object({
    ...clientAt("ws-close"),
    code: closeCode,
    reason: string,
    wasClean: boolean,
    by: optional(oneOf(wsCloseBys)),
  }),
  "ws-error": object({ ...clientAt("ws-error"), message: string }),
};

type WsOfKind<K extends WebSocketEvent["kind"]> = Extract<WebSocketEvent, { kind: K }>;

/** Either side's events of each kind, told apart by `side`. */
export const wsEventChecks: { [K in WebSocketEvent["kind"]]: Check<WsOfKind<K>> } = {
  "ws-open": tagged("side", { server: serverWsChecks["ws-open"], client: clientWsChecks["ws-open"] }),
  "ws-message": tagged("side", { server: serverWsChecks["ws-message"], client: clientWsChecks["ws-message"] }),
  "ws-send": tagged("side", { server: serverWsChecks["ws-send"], client: clientWsChecks["ws-send"] }),
  "ws-close": tagged("side", { server: serverWsChecks["ws-close"], client: clientWsChecks["ws-close"] }),
  "ws-drain": serverWsChecks["ws-drain"],
  "ws-publish": serverWsChecks["ws-publish"],
  "ws-error": clientWsChecks["ws-error"],
};
