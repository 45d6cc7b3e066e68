/**
 * Every kind of timeline event, and the fields of each, as `as const` lists the compiler holds to
 * the union in `timeline-events.ts`: a kind or a field added there does not compile until it is
 * listed here. Expectation files name kinds and fields; they are checked against these lists.
 */

import type { TimelineEvent, TimelineKind } from "./timeline-events.ts";

type EventOfKind<K extends TimelineKind> = Extract<TimelineEvent, { kind: K }>;
/** The keys of every member of a union (`keyof` of a union gives only the shared ones). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** The fields every event has. */
export const commonFields = ["t", "lane", "side", "kind"] as const;
export type CommonField = (typeof commonFields)[number];

type OwnFields<K extends TimelineKind> = Exclude<KeysOfUnion<EventOfKind<K>>, CommonField>;

/** Each kind's own fields (both sides' for the WebSocket kinds, which each side has). */
export const eventFields = {
  loaded: ["version", "form", "notices", "loadMs", "url"],
  "load-error": ["version", "failure", "message", "line", "column", "module", "serving"],
  restarted: ["cause", "reason", "version", "line"],
  log: ["level", "text", "requestId", "line"],
  uncaught: ["message", "line", "version", "stack"],
  pitfall: ["pitfall", "message", "requestId", "version", "line"],
  summary: ["counts"],
  request: ["requestId", "version", "method", "path", "from"],
  response: ["requestId", "version", "status", "headers", "body"],
  write: ["requestId", "version", "bytes", "text", "via", "base64", "waitedMs", "line", "upstream", "unsent", "cause"],
  end: ["requestId", "version", "writes", "bytes"],
  error: ["requestId", "version", "message", "line", "column", "stack", "during", "handler"],
  abort: ["requestId", "version", "cause", "detail", "idleTimeout", "quietMs"],
  cancel: ["requestId", "version", "reason"],
  cleanup: ["requestId", "version", "afterMs", "via", "cause"],
  leak: ["requestId", "version", "what", "line", "detail"],
  folded: ["requestId", "of", "count", "bytes", "since", "upstream"],
  open: ["client", "method", "url", "attempt", "external", "outside", "slow"],
  headers: ["status", "headers", "ttfbMs"],
  chunk: ["bytes", "text", "base64", "decoded"],
  sse: ["event", "id", "lastEventId", "data"],
  "sse-comment": ["text"],
  "sse-retry": ["ms", "reset"],
  "sse-invalid": ["type", "line", "message"],
  "sse-no-event": ["reason", "block", "lastEventId"],
  "json-line": ["line", "bytes", "text", "value", "error"],
  reading: ["state", "cause"],
  disconnect: ["by", "message", "bytes", "chunks", "cause", "causeDetail"],
  reconnect: ["lastEventId", "delayMs"],
  "ws-open": ["requestId", "version", "data", "protocol", "extensions"],
  "ws-message": ["requestId", "version", "bytes", "binary", "text"],
  "ws-send": ["requestId", "version", "bytes", "binary", "text", "result", "via", "topic"],
  "ws-drain": ["requestId", "version"],
  "ws-close": ["requestId", "version", "code", "reason", "wasClean", "by"],
  "ws-publish": ["requestId", "version", "bytes", "binary", "text", "topic", "subscribers", "result", "by"],
  "ws-error": ["message"],
} as const satisfies { readonly [K in TimelineKind]: readonly OwnFields<K>[] };

type Listed<K extends TimelineKind> = (typeof eventFields)[K][number];
/** Fields of some kind that its list leaves out: must be none. */
type Unlisted = { [K in TimelineKind]: Exclude<OwnFields<K>, Listed<K>> }[TimelineKind];
const everyFieldListed: [Unlisted] extends [never] ? true : never = true;
void everyFieldListed;

/** Every kind of event, in the order the table's filter lists them. */
export const timelineKinds = Object.keys(eventFields) as readonly TimelineKind[];

/** The fields an event of `kind` may have, common ones first. */
export function fieldsOf(kind: TimelineKind): readonly string[] {
  return [...commonFields, ...eventFields[kind]];
}
