/**
 * The settings of a trace: the clients an expectation file's `trace` asks for (and the `trace`
 * command's options, which win over the file's), and the client request each lane then makes.
 */

import {
  array,
  CheckProblem,
  integer,
  number,
  partialObject,
  record,
  refine,
  string,
  oneOf,
  type Check,
} from "./check.ts";
import { clientBehaviourCheck } from "./client-behaviour.ts";
import { clientKindFor, definedFields, isOutsideUrl, lensRuleCheck, type ClientRequest } from "./client-request.ts";
import { clientKinds, type ClientKind } from "./timeline-events.ts";

/** How to run the trace the expectations are checked against; the command line's options win over these. */
export interface TraceSettings extends Partial<Omit<ClientRequest, "client">> {
  /** Path (and query) on the snippet's server. */
  path?: string | undefined;
  /** Any other server instead of a snippet (`http:`, `https:`, `ws:`, `wss:`). */
  url?: string | undefined;
  /** The terminal has no browser of its own: an `eventsource` client behaves as Chromium's does. */
  client?: Exclude<ClientKind, "browser"> | undefined;
  /**
   * End the trace this long after it began: a load still running is given up, clients still connected are disconnected.
   */
  durationMs?: number | undefined;
  /** How long the server's cleanup may take before it counts as leaked. */
  cleanupGraceMs?: number | undefined;
}

/** The request each lane's client makes for `settings`, with every default filled in. */
export function clientRequestOf(settings: TraceSettings): ClientRequest {
  const {
    url,
    path,
    client,
    method,
    headers,
    clients,
    durationMs: _duration,
    cleanupGraceMs: _grace,
    ...rest
  } = settings;
  return {
    client: clientKindFor(client, url),
    path: url ?? path ?? "/",
    method: method ?? "GET",
    headers: headers ?? {},
    clients: Math.max(1, clients ?? 1),
    ...definedFields(rest),
  };
}

/**
 * The settings that make `request` again from the terminal, as short as they can be: defaults
 * left out, another server's address as `url`.
 */
export function traceSettingsFor(request: ClientRequest, lanes: number): TraceSettings {
  const { client, path, method, headers, clients: _clients, ...rest } = request;
  return {
    ...(isOutsideUrl(path) ? { url: path } : { path }),
    // The terminal has no browser of its own: an EventSource client behaves as Chromium's does.
    client: client === "browser" ? "eventsource" : client,
    ...(lanes > 1 ? { clients: lanes } : {}),
    ...(method === "GET" ? {} : { method }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    ...definedFields(rest),
  };
}

const nonNegative = refine(number, (value) => value >= 0, "must be a number, 0 or more");
/** The clients a trace can open: every kind but the page's own EventSource. */
export const traceClientKinds = clientKinds.filter(
  (kind): kind is Exclude<ClientKind, "browser"> => kind !== "browser",
);

/** A setting the trace's client would not use, and why: `{ field: "method", problem: "is for the stream client: …" }`. */
export interface UnusedTraceSetting {
  field: keyof TraceSettings;
  /** Why, to follow the setting's name; other settings named as `nameOf` names them. */
  problem: string;
}

const clientWords = { eventsource: "an EventSource", websocket: "a WebSocket", stream: "a stream client" } as const;

/**
 * The first of `settings` that the client they ask for would not use, where leaving it out quietly
 * would trace something other than what was asked: a POST or a body from a client that can only
 * GET, WebSocket messages from a client that is not one, `sendEveryMs` with nothing to send.
 * `nameOf` names a setting in the reader's words (`--send` on the command line, `send` in a file).
 */
export function unusedTraceSetting(
  settings: TraceSettings,
  nameOf: (field: keyof TraceSettings) => string = (field) => field,
): UnusedTraceSetting | undefined {
  const client = clientKindFor(settings.client, settings.url);
  if (client !== "stream") {
    if (settings.method !== undefined && settings.method.toUpperCase() !== "GET")
      return { field: "method", problem: `is for the stream client: ${clientWords[client]} only sends GET` };
    if (settings.body !== undefined)
      return { field: "body", problem: `is for the stream client: ${clientWords[client]} sends no request body` };
  }
  if (client !== "websocket") {
    for (const field of ["send", "sendEveryMs"] as const)
      if (settings[field] !== undefined)
        return { field, problem: `is for the websocket client: ${clientWords[client]} sends no messages` };
    if (settings.protocols !== undefined)
      return {
        field: "protocols",
        problem: `is for the websocket client: ${clientWords[client]} offers no subprotocols`,
      };
  }
  if (settings.sendEveryMs !== undefined && (settings.send ?? []).length === 0)
    return { field: "sendEveryMs", problem: `needs ${nameOf("send")}: the messages it sends, one at a time` };
  return undefined;
}

const traceSettingsFields = partialObject(
  {
    path: refine(string, (path) => path.startsWith("/"), "must start with /"),
    url: refine(string, (url) => /^(https?|wss?):\/\/./i.test(url), "must be an http:, https:, ws: or wss: URL"),
    client: oneOf(traceClientKinds),
    clients: integer(1, 100),
    method: string,
    headers: record(string),
    body: string,
    durationMs: nonNegative,
    disconnectAfterMs: nonNegative,
    cleanupGraceMs: nonNegative,
    send: array(string),
    sendEveryMs: refine(number, (ms) => ms > 0, "must be a number of ms above 0"),
    protocols: array(string),
    slow: clientBehaviourCheck,
    lens: lensRuleCheck,
  },
  "is not a trace setting (path, url, client, clients, method, headers, body, durationMs, disconnectAfterMs, cleanupGraceMs, send, sendEveryMs, protocols, slow, lens)",
);

export const traceSettingsCheck: Check<TraceSettings> = (value) => {
  const settings = traceSettingsFields(value);
  const unused = unusedTraceSetting(settings);
  if (unused !== undefined) throw new CheckProblem(unused.problem, [unused.field]);
  return settings;
};
