/**
 * The one shape every message between two processes, or a page and the host, has, and the maps
 * that say which requests a side may send and what each is answered with.
 *
 * A request or a push is `{ id, payload: { type, ...fields } }`. A reply is
 * `{ id, replyId, reply }`, or `{ id, replyId, error }` when there is none to give: every request
 * gets exactly one of the two.
 */

import { object, oneOf, string, type Check } from "./check.ts";

/**
 * Request types and, for each, the fields of the request and the reply it gets:
 * `{ load: { request: { source: string }; reply: LoadResult } }`.
 */
export type RequestMap<M> = { [K in keyof M]: { request: object; reply: unknown } };

/** Push types and the fields each carries. Pushes are one-way: nothing answers them. */
export type PushMap<M> = { [K in keyof M]: object };

/** A map with no requests, for a side that sends none. */
export type NoRequests = Record<never, { request: object; reply: unknown }>;
/** A map with no pushes. */
export type NoPushes = Record<never, object>;

/** The type names of a map. */
export type TypeOf<M> = keyof M & string;

/** The payload of request `K`: its type and its fields. */
export type RequestPayload<M extends RequestMap<M>, K extends TypeOf<M> = TypeOf<M>> = {
  [T in K]: { type: T } & M[T]["request"];
}[K];

/** The payload of push `K`. */
export type PushPayload<M extends PushMap<M>, K extends TypeOf<M> = TypeOf<M>> = { [T in K]: { type: T } & M[T] }[K];

/** The reply to request `K`. */
export type ReplyTo<M extends RequestMap<M>, K extends TypeOf<M>> = M[K]["reply"];

/** A request or a push. */
export interface Envelope<P> {
  id: number;
  payload: P;
}

/**
 * Why a request has no reply. `failed` and `malformed` come from the side that answers; the others arise where it was
 * asked.
 */
export const requestErrorKinds = [
  /** The handler threw or rejected. */
  "failed",
  /** The request (or its reply) did not pass the contract's check. */
  "malformed",
  /** No reply arrived within the request's time limit. */
  "timeout",
  /** The connection or process went away before the reply came. */
  "closed",
] as const;
export type RequestErrorKind = (typeof requestErrorKinds)[number];

/** What the answering side says when it has no reply to give. */
export interface RemoteError {
  kind: RequestErrorKind;
  /** A sentence for the person who asked. */
  message: string;
}

/** The answer to request `replyId`: its reply, or why there is none. */
export type ReplyEnvelope<R> =
  | { id: number; replyId: number; reply: R }
  | { id: number; replyId: number; error: RemoteError };

/** No fields: a request that needs none, or a reply that says only that the request was done. */
export type Empty = Record<string, never>;

export const emptyCheck: Check<Empty> = object({});

export const remoteErrorCheck: Check<RemoteError> = object({ kind: oneOf(requestErrorKinds), message: string });

/** The checks of a request map: each request's fields, and its reply. */
export type RequestChecks<M extends RequestMap<M>> = {
  [K in keyof M]: { request: Check<M[K]["request"]>; reply: Check<M[K]["reply"]> };
};

/** The checks of a push map. */
export type PushChecks<M extends PushMap<M>> = { [K in keyof M]: Check<M[K]> };
