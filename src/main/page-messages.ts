/**
 * Checks for messages that arrive from a page over the WebSocket. What a page sends is `unknown`
 * until one of these has looked at it; a message that fails the check is answered with `failed`,
 * never trusted. Events a page recorded are rebuilt field by field, so nothing the protocol does
 * not name reaches the buffer or the other pages.
 */

import { isAbsolute } from "node:path";
import type { ClientEvent, ClientKind, ClientRequest, DisconnectBy, PageMessage, PagePayload } from "../contract/index.ts";
import { isDocumentId, maxSnippetBytes, readSettingsPatch } from "./files/index.ts";

type Fields = Record<string, unknown>;

/** What reading a page message gave: the message, or what was wrong with it (and its id, when it had one). */
export type PageMessageCheck = { ok: true; message: PageMessage } | { ok: false; problem: string; id?: number | undefined };

/** More clients than this in one `connect` is a mistake, not a test. */
export const maxClientsPerConnect = 100;

/** Longer than any path a file system takes (Linux's PATH_MAX is 4096). */
export const maxPathLength = 4096;

const clientKinds: readonly ClientKind[] = ["stream", "eventsource", "browser"];
const disconnectBys: readonly DisconnectBy[] = ["client", "server", "error"];

const isObject = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isLane = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;
const isOptional = <T>(value: unknown, check: (value: unknown) => value is T): value is T | undefined => value === undefined || check(value);
const isOneOf = <T extends string>(value: unknown, allowed: readonly T[]): value is T => allowed.includes(value as T);
const isStringRecord = (value: unknown): value is Record<string, string> => isObject(value) && Object.values(value).every(isString);

/** An absolute path of a sane length: the host has no current folder a relative one could mean. */
const isAbsolutePath = (value: unknown): value is string => isString(value) && value.length <= maxPathLength && !value.includes("\0") && isAbsolute(value);
/** A snippet's text, at most the size of a file the playground would open. */
const isSource = (value: unknown): value is string => isString(value) && value.length <= maxSnippetBytes;
const sourceProblem = `must be a string of at most ${maxSnippetBytes} characters`;
const pathProblem = `must be an absolute path (at most ${maxPathLength} characters)`;
const idProblem = "must be a document id";

/** A string map copied into a Map first, so a key named `__proto__` stays a plain field. */
const copyRecord = (value: Record<string, string>): Record<string, string> => Object.fromEntries(new Map(Object.entries(value)));

/** A page's `ClientRequest`, rebuilt, or what is wrong with it. */
function readClientRequest(value: unknown): ClientRequest | string {
  if (!isObject(value)) return "request must be an object";
  const { client, path, method, headers, body, clients, disconnectAfterMs } = value;
  if (!isOneOf(client, clientKinds)) return `request.client must be one of ${clientKinds.join(", ")}`;
  // A path that is not rooted could name another host once joined to the runner's address.
  if (!isString(path) || !path.startsWith("/")) return "request.path must start with /";
  if (!isString(method) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) return "request.method must be an HTTP method name";
  if (!isStringRecord(headers)) return "request.headers must map names to strings";
  if (!isOptional(body, isString)) return "request.body must be a string when present";
  if (!Number.isSafeInteger(clients) || (clients as number) < 1 || (clients as number) > maxClientsPerConnect) {
    return `request.clients must be a whole number from 1 to ${maxClientsPerConnect}`;
  }
  if (!isOptional(disconnectAfterMs, isNumber) || (disconnectAfterMs !== undefined && disconnectAfterMs < 0)) {
    return "request.disconnectAfterMs must be a number of ms when present";
  }
  return { client, path, method, headers: copyRecord(headers), body, clients: clients as number, disconnectAfterMs };
}

/** Rebuilds each kind of client event from its own fields, or returns undefined when one is wrong. */
const clientEventReaders: { [K in ClientEvent["kind"]]: (e: Fields, at: { t: number; lane: number }) => Extract<ClientEvent, { kind: K }> | undefined } = {
  open: (e, at) =>
    isOneOf(e.client, clientKinds) && isString(e.method) && isString(e.url) && isNumber(e.attempt)
      ? { ...at, side: "client", kind: "open", client: e.client, method: e.method, url: e.url, attempt: e.attempt }
      : undefined,
  headers: (e, at) =>
    isNumber(e.status) && isStringRecord(e.headers) && isNumber(e.ttfbMs)
      ? { ...at, side: "client", kind: "headers", status: e.status, headers: copyRecord(e.headers), ttfbMs: e.ttfbMs }
      : undefined,
  chunk: (e, at) => (isNumber(e.bytes) && isString(e.text) ? { ...at, side: "client", kind: "chunk", bytes: e.bytes, text: e.text } : undefined),
  sse: (e, at) =>
    isString(e.event) && isOptional(e.id, isString) && isString(e.data)
      ? { ...at, side: "client", kind: "sse", event: e.event, id: e.id, data: e.data }
      : undefined,
  "sse-comment": (e, at) => (isString(e.text) ? { ...at, side: "client", kind: "sse-comment", text: e.text } : undefined),
  "sse-retry": (e, at) => (isNumber(e.ms) ? { ...at, side: "client", kind: "sse-retry", ms: e.ms } : undefined),
  "sse-invalid": (e, at) =>
    isString(e.type) && isString(e.line) && isString(e.message)
      ? { ...at, side: "client", kind: "sse-invalid", type: e.type, line: e.line, message: e.message }
      : undefined,
  disconnect: (e, at) =>
    isOneOf(e.by, disconnectBys) && isOptional(e.message, isString) && isNumber(e.bytes) && isNumber(e.chunks)
      ? { ...at, side: "client", kind: "disconnect", by: e.by, message: e.message, bytes: e.bytes, chunks: e.chunks }
      : undefined,
  reconnect: (e, at) =>
    isOptional(e.lastEventId, isString) && isNumber(e.delayMs)
      ? { ...at, side: "client", kind: "reconnect", lastEventId: e.lastEventId, delayMs: e.delayMs }
      : undefined,
};

/** One event a page's browser client recorded, rebuilt, or undefined when it is not a client event. */
export function readClientEvent(value: unknown): ClientEvent | undefined {
  if (!isObject(value) || value.side !== "client" || !isNumber(value.t) || !isLane(value.lane) || !isString(value.kind)) return undefined;
  if (!Object.hasOwn(clientEventReaders, value.kind)) return undefined;
  const read = clientEventReaders[value.kind as ClientEvent["kind"]] as (e: Fields, at: { t: number; lane: number }) => ClientEvent | undefined;
  return read(value, { t: value.t, lane: value.lane });
}

/** Each payload type's check: the payload rebuilt, or what is wrong with it. */
const payloadReaders: { [K in PagePayload["type"]]: (p: Fields) => Extract<PagePayload, { type: K }> | string } = {
  load: (p) => {
    if (!isString(p.source)) return "load.source must be a string";
    if (!isOptional(p.path, isString) || p.path === "") return "load.path must be a file path when present";
    return { type: "load", source: p.source, path: p.path };
  },
  connect: (p) => {
    const request = readClientRequest(p.request);
    return isString(request) ? `connect: ${request}` : { type: "connect", request };
  },
  disconnect: (p) => (isOptional(p.lane, isLane) ? { type: "disconnect", lane: p.lane } : "disconnect.lane must be a lane number (1 or more) when present"),
  clear: () => ({ type: "clear" }),
  "clock-ping": () => ({ type: "clock-ping" }),
  "browser-events": (p) => {
    if (!Array.isArray(p.events)) return "browser-events.events must be an array";
    const events: ClientEvent[] = [];
    for (const [index, value] of p.events.entries()) {
      const event = readClientEvent(value);
      if (!event) return `browser-events.events[${index}] is not a client event: ${JSON.stringify(value)?.slice(0, 200)}`;
      events.push(event);
    }
    return { type: "browser-events", events };
  },
  "file-new": () => ({ type: "file-new" }),
  "file-open": (p) => (isAbsolutePath(p.path) ? { type: "file-open", path: p.path } : `file-open.path ${pathProblem}`),
  "file-open-dialog": () => ({ type: "file-open-dialog" }),
  "file-list": (p) => (isOptional(p.dir, isAbsolutePath) ? { type: "file-list", dir: p.dir } : `file-list.dir ${pathProblem} when present`),
  "file-save": (p) => {
    if (!isDocumentId(p.id)) return `file-save.id ${idProblem}`;
    if (!isSource(p.source)) return `file-save.source ${sourceProblem}`;
    if (!isOptional(p.path, isAbsolutePath)) return `file-save.path ${pathProblem} when present`;
    return { type: "file-save", id: p.id, source: p.source, path: p.path };
  },
  "file-save-dialog": (p) => {
    if (!isDocumentId(p.id)) return `file-save-dialog.id ${idProblem}`;
    if (!isSource(p.source)) return `file-save-dialog.source ${sourceProblem}`;
    return { type: "file-save-dialog", id: p.id, source: p.source };
  },
  draft: (p) => {
    if (!isDocumentId(p.id)) return `draft.id ${idProblem}`;
    if (!isSource(p.source)) return `draft.source ${sourceProblem}`;
    return { type: "draft", id: p.id, source: p.source };
  },
  "file-conflict-resolve": (p) => {
    if (!isDocumentId(p.id)) return `file-conflict-resolve.id ${idProblem}`;
    if (p.keep !== "mine" && p.keep !== "theirs") return "file-conflict-resolve.keep must be mine or theirs";
    return { type: "file-conflict-resolve", id: p.id, keep: p.keep };
  },
  "settings-set": (p) => {
    const settings = readSettingsPatch(p.settings);
    return isString(settings) ? `settings-set: ${settings}` : { type: "settings-set", settings };
  },
  export: (p) => {
    if (!isString(p.source)) return "export.source must be a string";
    if (p.target !== "bun" && p.target !== "deno") return "export.target must be bun or deno";
    if (!isOptional(p.port, isNumber)) return "export.port must be a number when present";
    const tryRequest = p.tryRequest;
    if (tryRequest !== undefined) {
      if (!isObject(tryRequest) || !isString(tryRequest.path)) return "export.tryRequest must have a path when present";
      if (!isOptional(tryRequest.method, isString) || !isOptional(tryRequest.body, isString)) return "export.tryRequest.method and body must be strings";
      if (tryRequest.headers !== undefined && !isStringRecord(tryRequest.headers)) return "export.tryRequest.headers must map names to strings";
      return {
        type: "export",
        source: p.source,
        target: p.target,
        port: p.port,
        tryRequest: { path: tryRequest.path, method: tryRequest.method, body: tryRequest.body, headers: tryRequest.headers === undefined ? undefined : copyRecord(tryRequest.headers) },
      };
    }
    return { type: "export", source: p.source, target: p.target, port: p.port };
  },
};

/** Reads a message from a page, saying what is wrong when it is not one. */
export function checkPageMessage(value: unknown): PageMessageCheck {
  if (!isObject(value) || !isNumber(value.id)) return { ok: false, problem: "a message must be an object with a numeric id" };
  const id = value.id;
  if (!isOptional(value.replyId, isNumber)) return { ok: false, problem: "replyId must be a number when present", id };
  const payload = value.payload;
  if (!isObject(payload) || !isString(payload.type)) return { ok: false, problem: "payload must be an object with a string type", id };
  // `hasOwn`: a type such as `toString` must not find a function on the prototype.
  if (!Object.hasOwn(payloadReaders, payload.type)) return { ok: false, problem: `unknown message type ${JSON.stringify(payload.type)}`, id };
  const read = payloadReaders[payload.type as PagePayload["type"]] as (p: Fields) => PagePayload | string;
  const result = read(payload);
  if (isString(result)) return { ok: false, problem: result, id };
  return { ok: true, message: { id, replyId: value.replyId, payload: result } };
}

