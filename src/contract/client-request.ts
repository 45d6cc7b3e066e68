/**
 * The request a client makes: which client, what it requests, and how it behaves. This is the one
 * declaration of a lane's request; the page's client controls, a lesson's try line, an expectation
 * file's `trace` settings, the `trace` command and `traceStream` all describe clients with its
 * fields (as `ClientRequestSettings`, where each may be left to its default).
 */

import { array, number, object, oneOf, optional, record, refine, string, integer, type Check } from "./check.ts";
import { clientBehaviourCheck, type ClientBehaviour } from "./client-behaviour.ts";
import { clientKinds, type ClientKind } from "./timeline-events.ts";

/** The request the UI's client controls describe. */
export interface ClientRequest {
  client: ClientKind;
  /**
   * Path and query on the runner (`/events`), or the absolute URL of another server
   * (`http://localhost:8080/stream`, `wss://…`), whose side the timeline cannot see.
   */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Request body, for `stream` clients. */
  body?: string | undefined;
  /** How many clients, each on its own lane. */
  clients: number;
  /** Disconnect each client this long after it opened. */
  disconnectAfterMs?: number | undefined;
  /** `websocket` clients: the subprotocols to offer. */
  protocols?: string[] | undefined;
  /** `websocket` clients: text messages to send once open. */
  send?: string[] | undefined;
  /** `websocket` clients: send one message every this many ms, round and round, instead of all at once. */
  sendEveryMs?: number | undefined;
  /** A slow or flaky client (the host's clients only): how it reads; its chip can then pause and resume it. */
  slow?: ClientBehaviour | undefined;
  /**
   * Where the text is in each JSON payload of a stream no protocol lens recognises, as a
   * JSONPath-like rule (`$.choices[0].delta.content`); the lane is then read through it.
   */
  lens?: string | undefined;
}

/** A lens rule: a path from the payload's root, `$`, at most this long. */
export const lensRuleCheck: Check<string> = refine(
  string,
  (rule) => rule.trim().startsWith("$") && rule.length <= 500,
  "must be a path from the payload, such as $.choices[0].delta.content",
);

/** A client request's fields, each optional: what a description of clients gives before defaults fill it in. */
export type ClientRequestSettings = Partial<ClientRequest>;

/** Whether a client request's `path` is another server's URL rather than a path on the runner. */
export function isOutsideUrl(path: string): boolean {
  return /^(https?|wss?):\/\//i.test(path);
}

/** Whether `url` is a WebSocket's (`ws:` or `wss:`), which only a WebSocket client can request. */
export function isWebSocketUrl(url: string | undefined): boolean {
  return url !== undefined && /^wss?:/i.test(url);
}

/**
 * The client that requests `url`: the one `named`, else a WebSocket client for a WebSocket URL, else a stream client.
 */
export function clientKindFor<K extends ClientKind>(
  named: K | undefined,
  url: string | undefined,
): K | "websocket" | "stream" {
  return named ?? (isWebSocketUrl(url) ? "websocket" : "stream");
}

/** `value` without the fields that are undefined, so it can be spread over defaults. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** More clients than this in one `connect` is a mistake, not a test. */
export const maxClientsPerConnect = 100;

const clientRequestFields = object({
  client: oneOf(clientKinds),
  // A path that is not rooted could name another host once joined to the runner's address; another
  // server is named by a whole URL instead.
  path: refine(
    string,
    (path) => path.startsWith("/") || isOutsideUrl(path),
    "must start with / (a path on the snippet's server) or be an http:, https:, ws: or wss: URL",
  ),
  method: refine(string, (method) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method), "must be an HTTP method name"),
  headers: record(string),
  body: optional(string),
  clients: integer(1, maxClientsPerConnect),
  disconnectAfterMs: optional(refine(number, (ms) => ms >= 0, "must be a number of ms")),
  protocols: optional(
    array(
      refine(string, (name) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name), "must be a subprotocol name (a token)"),
      16,
    ),
  ),
  send: optional(array(string, 1_000)),
  sendEveryMs: optional(refine(number, (ms) => ms > 0, "must be a number of ms above 0")),
  slow: optional(clientBehaviourCheck),
  lens: optional(lensRuleCheck),
});

export const clientRequestCheck: Check<ClientRequest> = refine(
  refine(
    clientRequestFields,
    (request) => request.client !== "browser" || !isOutsideUrl(request.path),
    "client browser reaches only the snippet's server (through the host): use the eventsource client for another server",
  ),
  (request) => request.client !== "browser" || request.slow === undefined,
  "slow and flaky settings are for the host's clients (stream, eventsource, websocket), not the browser's own EventSource",
);
