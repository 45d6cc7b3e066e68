/**
 * Checks for timeline events, one per kind, built from the same lists their types are derived
 * from. An event keeps only the fields its kind names, so nothing the contract does not name travels on.
 */

import {
  array,
  boolean,
  integer,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  string,
  tagged,
  type Check,
} from "./check.ts";
import {
  bodyKinds,
  cleanupVias,
  clientKinds,
  contentEncodings,
  disconnectBys,
  endCauses,
  errorPhases,
  foldableKinds,
  idleTimeoutSources,
  leakKinds,
  loadFailures,
  logLevels,
  pitfallKinds,
  restartCauses,
  snippetForms,
  sseNoEventReasons,
  writeVias,
  type ClientEvent,
  type EndCause,
  type Notice,
  type RunnerProducedEvent,
  type TimelineEvent,
  type TimelineKind,
} from "./timeline-events.ts";
import { sides } from "./event-at.ts";
import { clientBehaviourCheck, readingEventCheck } from "./client-behaviour.ts";
import { jsonLineCheck } from "./json-line-events.ts";
import { clientWsChecks, serverWsChecks, wsEventChecks } from "./websocket-checks.ts";
import { wsHandlerNames } from "./websocket-events.ts";

/** 1-based line or column. */
const position = optional(integer(1));
/** A cause told beside an end the client did not make (a reset, a cleanup, an unsent write). */
const endCausesButClientLeft = endCauses.filter(
  (cause): cause is Exclude<EndCause, "client-left"> => cause !== "client-left",
);

export const noticeCheck: Check<Notice> = object({ message: string, line: position, column: position });

const at = <const S extends string, const K extends string>(side: S, kind: K) => ({
  t: number,
  lane: integer(0),
  side: literal(side),
  kind: literal(kind),
});
const serverAt = <const K extends string>(kind: K) => ({
  ...at("server", kind),
  requestId: integer(0),
  version: integer(0),
});

type EventOfKind<K extends TimelineKind> = Extract<TimelineEvent, { kind: K }>;

/** One check per kind: a new kind of event does not compile until it has one. */
const eventChecks: { [K in TimelineKind]: Check<EventOfKind<K>> } = {
  loaded: object({
    ...at("runner", "loaded"),
    version: integer(1),
    form: oneOf(snippetForms),
    notices: array(noticeCheck),
    loadMs: number,
    url: string,
  }),
  "load-error": object({
    ...at("runner", "load-error"),
    version: integer(1),
    failure: oneOf(loadFailures),
    message: string,
    line: position,
    column: position,
    module: optional(string),
    serving: optional(integer(1)),
  }),
  restarted: object({
    ...at("runner", "restarted"),
    cause: oneOf(restartCauses),
    reason: string,
    version: optional(integer(1)),
    line: position,
  }),
  log: object({
    ...at("runner", "log"),
    level: oneOf(logLevels),
    text: string,
    requestId: optional(integer(0)),
    line: position,
  }),
  uncaught: object({
    ...at("runner", "uncaught"),
    message: string,
    line: position,
    version: optional(integer(1)),
    stack: optional(string),
  }),
  pitfall: object({
    ...at("runner", "pitfall"),
    pitfall: oneOf(pitfallKinds),
    message: string,
    requestId: optional(integer(0)),
    version: optional(integer(1)),
    line: position,
  }),
  summary: object({ ...at("runner", "summary"), counts: record(number) }),

  request: object({ ...serverAt("request"), method: string, path: string, from: optional(string) }),
  response: object({
    ...serverAt("response"),
    status: integer(0, 999),
    headers: record(string),
    body: oneOf(bodyKinds),
  }),
  write: object({
    ...serverAt("write"),
    bytes: integer(0),
    text: string,
    via: oneOf(writeVias),
    base64: optional(string),
    waitedMs: optional(number),
    line: position,
    upstream: optional(literal(true)),
    unsent: optional(literal(true)),
    cause: optional(oneOf(endCausesButClientLeft)),
  }),
  end: object({ ...serverAt("end"), writes: integer(0), bytes: integer(0) }),
  error: object({
    ...serverAt("error"),
    message: string,
    line: position,
    column: position,
    stack: optional(string),
    during: oneOf(errorPhases),
    handler: optional(oneOf(wsHandlerNames)),
  }),
  abort: object({
    ...serverAt("abort"),
    cause: optional(oneOf(endCauses)),
    detail: optional(string),
    idleTimeout: optional(object({ seconds: number, source: oneOf(idleTimeoutSources) })),
    quietMs: optional(number),
  }),
  cancel: object({ ...serverAt("cancel"), reason: string }),
  cleanup: object({
    ...serverAt("cleanup"),
    afterMs: number,
    via: oneOf(cleanupVias),
    cause: optional(oneOf(endCausesButClientLeft)),
  }),
  leak: object({ ...serverAt("leak"), what: oneOf(leakKinds), line: position, detail: string }),
  folded: object({
    t: number,
    lane: integer(0),
    side: oneOf(sides),
    kind: literal("folded"),
    requestId: optional(integer(0)),
    of: oneOf(foldableKinds),
    count: integer(0),
    bytes: integer(0),
    since: number,
    upstream: optional(literal(true)),
  }),

  open: object({
    ...at("client", "open"),
    client: oneOf(clientKinds),
    method: string,
    url: string,
    attempt: integer(1),
    external: optional(boolean),
    outside: optional(string),
    slow: optional(clientBehaviourCheck),
  }),
  headers: object({ ...at("client", "headers"), status: integer(0, 999), headers: record(string), ttfbMs: number }),
  chunk: object({
    ...at("client", "chunk"),
    bytes: integer(0),
    text: string,
    base64: optional(string),
    decoded: optional(
      object({
        encoding: oneOf(contentEncodings),
        bytes: integer(0),
        text: string,
        base64: optional(string),
        error: optional(string),
      }),
    ),
  }),
  sse: object({ ...at("client", "sse"), event: string, id: optional(string), lastEventId: string, data: string }),
  "sse-comment": object({ ...at("client", "sse-comment"), text: string }),
  "sse-retry": object({ ...at("client", "sse-retry"), ms: number, reset: optional(boolean) }),
  "sse-invalid": object({ ...at("client", "sse-invalid"), type: string, line: string, message: string }),
  "sse-no-event": object({
    ...at("client", "sse-no-event"),
    reason: oneOf(sseNoEventReasons),
    block: string,
    lastEventId: string,
  }),
  "json-line": jsonLineCheck,
  reading: readingEventCheck,
  disconnect: object({
    ...at("client", "disconnect"),
    by: oneOf(disconnectBys),
    message: optional(string),
    bytes: integer(0),
    chunks: integer(0),
    cause: optional(oneOf(endCausesButClientLeft)),
    causeDetail: optional(string),
  }),
  reconnect: object({ ...at("client", "reconnect"), lastEventId: optional(string), delayMs: number }),
  ...wsEventChecks,
};

/** Any timeline event. */
export const timelineEventCheck: Check<TimelineEvent> = tagged("kind", eventChecks);

/** The checks of some kinds only; `sideChecks` replaces those of kinds both sides have with one side's. */
function pick<E extends TimelineEvent>(
  kinds: readonly E["kind"][],
  sideChecks: Record<string, Check<unknown>>,
): Record<string, Check<E>> {
  return Object.fromEntries(
    kinds.map((kind) => [kind, (Object.hasOwn(sideChecks, kind) ? sideChecks[kind] : eventChecks[kind]) as Check<E>]),
  );
}

/** Fails to compile when `Listed` leaves out a kind of `All`. */
type Complete<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;

const runnerProducedKinds = [
  "request",
  "response",
  "write",
  "end",
  "error",
  "abort",
  "cancel",
  "cleanup",
  "leak",
  "folded",
  "log",
  "uncaught",
  "pitfall",
  "ws-open",
  "ws-message",
  "ws-send",
  "ws-drain",
  "ws-close",
  "ws-publish",
  "open",
] as const satisfies readonly RunnerProducedEvent["kind"][];
const runnerProducedComplete: Complete<RunnerProducedEvent["kind"], (typeof runnerProducedKinds)[number]> = true;

const runnerProducedShape: Check<RunnerProducedEvent> = tagged(
  "kind",
  pick<RunnerProducedEvent>(runnerProducedKinds, serverWsChecks),
);

/**
 * An event the runner process may produce itself: a server event, a log, an uncaught error, a
 * fold, an outside client's `open`. Its lane may be an outside connection's (`outsideLaneOf`, below
 * 0), which the runner's driver replaces before the event goes anywhere else.
 */
export const runnerProducedEventCheck: Check<RunnerProducedEvent> = (value) => {
  const lane = (value as { lane?: unknown } | null)?.lane;
  if (typeof lane !== "number" || !Number.isInteger(lane) || lane >= 0) return runnerProducedShape(value);
  return { ...runnerProducedShape({ ...(value as object), lane: 0 }), lane };
};

const clientEventKinds = [
  "open",
  "headers",
  "chunk",
  "sse",
  "sse-comment",
  "sse-retry",
  "sse-invalid",
  "sse-no-event",
  "json-line",
  "reading",
  "disconnect",
  "reconnect",
  "ws-open",
  "ws-send",
  "ws-message",
  "ws-close",
  "ws-error",
] as const satisfies readonly ClientEvent["kind"][];
const clientKindsComplete: Complete<ClientEvent["kind"], (typeof clientEventKinds)[number]> = true;
void [runnerProducedComplete, clientKindsComplete];

/** An event a client records. */
export const clientEventCheck: Check<ClientEvent> = tagged("kind", pick<ClientEvent>(clientEventKinds, clientWsChecks));
