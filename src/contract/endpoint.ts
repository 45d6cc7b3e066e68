/**
 * One side of a request/reply connection: the runner's IPC (both ends), a page's WebSocket (both
 * ends). It numbers requests, checks what arrives against the contract, gives each request a time
 * limit, and answers every request it receives exactly once: with the handler's reply, or with an
 * error when the request is malformed or the handler throws or rejects. The transport and the
 * timers are handed in, so it runs in a unit test without a process or a socket.
 */

import { runCheck } from "./check.ts";
import {
  type Envelope,
  type NoPushes,
  type NoRequests,
  type PushChecks,
  type PushMap,
  type PushPayload,
  type RemoteError,
  type ReplyEnvelope,
  type ReplyTo,
  type RequestChecks,
  type RequestErrorKind,
  type RequestMap,
  type RequestPayload,
  type TypeOf,
  remoteErrorCheck,
} from "./envelope.ts";
import { errorMessage } from "./error-message.ts";

/** A request that got no reply: timed out, refused, failed on the other side, or cut off. */
export class RequestError extends Error {
  constructor(
    readonly kind: RequestErrorKind,
    /** The request's type. */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** Timers the endpoint uses for time limits; the runtime's own unless a test hands in others. */
export interface EndpointTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What answers one request type: its fields in, its reply (or a promise of it) out. */
export type Handlers<M extends RequestMap<M>> = {
  [K in TypeOf<M>]: (request: M[K]["request"]) => M[K]["reply"] | Promise<M[K]["reply"]>;
};

export interface EndpointOptions<
  Sends extends RequestMap<Sends>,
  Answers extends RequestMap<Answers>,
  PushesIn extends PushMap<PushesIn>,
> {
  /** Who is at the other end, for error messages: `the runner`, `the host`. */
  peer: string;
  /** Hands one message to the transport. A throw means the transport is gone. */
  send: (message: Envelope<unknown> | ReplyEnvelope<unknown>) => void;
  /** The checks of the requests this side sends: their replies are checked when they arrive. */
  sends?: RequestChecks<Sends> | undefined;
  /**
   * Time limits of the requests this side sends, in ms: `default`, and per type where it differs. 30 s when left out.
   */
  timeouts?: ({ default: number } & { [K in TypeOf<Sends>]?: number }) | undefined;
  /** The requests this side answers: their checks and their handlers. */
  answers?: { checks: RequestChecks<Answers>; handlers: Handlers<Answers> } | undefined;
  /** The pushes this side receives: their checks and where they go. */
  pushes?: { checks: PushChecks<PushesIn>; onPush: (push: PushPayload<PushesIn>) => void } | undefined;
  /**
   * The error sent when a handler throws or rejects: its message, unless this says otherwise (the
   * host words some errors for the user).
   */
  describeFailure?: ((type: string, error: unknown) => string) | undefined;
  /**
   * Told of anything that arrived and could not be taken: a malformed message with no id to answer, a reply nobody
   * waits for.
   */
  onProblem?: ((problem: string) => void) | undefined;
  timers?: EndpointTimers | undefined;
}

export interface RequestOptions {
  /** This request's time limit, in ms, instead of its type's. */
  timeoutMs?: number | undefined;
}

export interface Endpoint<Sends extends RequestMap<Sends>, PushesOut extends PushMap<PushesOut>> {
  /** Sends a request; resolves with its reply, or rejects with a `RequestError`. */
  request<K extends TypeOf<Sends>>(
    type: K,
    fields: Sends[K]["request"],
    options?: RequestOptions,
  ): Promise<ReplyTo<Sends, K>>;
  /** Sends a push. False when the transport is gone. */
  push<K extends TypeOf<PushesOut>>(type: K, fields: PushesOut[K]): boolean;
  /** One message from the transport, as it arrived (parsed, not yet checked). */
  receive(value: unknown): void;
  /** The transport is gone: every request still waiting rejects with `reason`, and so does every later one. */
  close(reason: Error): void;
  /** Requests sent and not yet answered. */
  readonly pending: number;
}

interface Pending {
  type: string;
  resolve: (reply: unknown) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Timed-out requests remembered, so their late replies are told apart from stray ones. */
const maxRemembered = 1_000;

const defaultTimers: EndpointTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function createEndpoint<
  Sends extends RequestMap<Sends> = NoRequests,
  Answers extends RequestMap<Answers> = NoRequests,
  PushesOut extends PushMap<PushesOut> = NoPushes,
  PushesIn extends PushMap<PushesIn> = NoPushes,
>(options: EndpointOptions<Sends, Answers, PushesIn>): Endpoint<Sends, PushesOut> {
  const timers = options.timers ?? defaultTimers;
  const onProblem = options.onProblem ?? (() => {});
  const pending = new Map<number, Pending>();
  /** Requests that timed out, newest last: a reply that comes after all has been answered already. */
  const timedOut = new Set<number>();
  let nextId = 1;
  let closedBy: Error | undefined;

  function sendRaw(message: Envelope<unknown> | ReplyEnvelope<unknown>): boolean {
    if (closedBy) return false;
    try {
      options.send(message);
      return true;
    } catch (error) {
      onProblem(`could not send to ${options.peer}: ${errorMessage(error)}`);
      return false;
    }
  }

  function settle(id: number): Pending | undefined {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    timers.clearTimeout(entry.timer);
    return entry;
  }

  function timeoutOf(type: string, requested: number | undefined): number {
    if (requested !== undefined) return requested;
    const byType = options.timeouts as Record<string, number | undefined> | undefined;
    return byType?.[type] ?? options.timeouts?.default ?? 30_000;
  }

  function request<K extends TypeOf<Sends>>(
    type: K,
    fields: Sends[K]["request"],
    requestOptions?: RequestOptions,
  ): Promise<ReplyTo<Sends, K>> {
    if (closedBy) return Promise.reject(closedBy);
    const id = nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<ReplyTo<Sends, K>>();
    const ms = timeoutOf(type, requestOptions?.timeoutMs);
    const timer = timers.setTimeout(() => {
      if (!settle(id)) return;
      timedOut.add(id);
      // Only the recent ones can still be answered late; the set must not grow for good.
      if (timedOut.size > maxRemembered) timedOut.delete(timedOut.values().next().value!);
      reject(
        new RequestError("timeout", type, `${options.peer} did not answer ${JSON.stringify(type)} within ${ms} ms`),
      );
    }, ms);
    pending.set(id, { type, resolve: resolve as (reply: unknown) => void, reject, timer });
    const payload = { ...fields, type } as RequestPayload<Sends, K>;
    try {
      options.send({ id, payload });
    } catch (error) {
      settle(id);
      reject(
        new RequestError(
          "closed",
          type,
          `could not send ${JSON.stringify(type)} to ${options.peer}: ${errorMessage(error)}`,
        ),
      );
    }
    return promise;
  }

  function reply(replyId: number, body: { reply: unknown } | { error: RemoteError }): void {
    sendRaw({ id: nextId++, replyId, ...body } as ReplyEnvelope<unknown>);
  }

  function receiveReply(message: Fields, replyId: number): void {
    const entry = settle(replyId);
    if (!entry) {
      // A request that timed out was answered once already, with the timeout.
      if (timedOut.delete(replyId)) return;
      onProblem(`${options.peer} answered request ${replyId}, which was not waiting for a reply`);
      return;
    }
    if (Object.hasOwn(message, "error")) {
      const error = runCheck(remoteErrorCheck, message.error);
      if (!error.ok)
        entry.reject(
          new RequestError(
            "malformed",
            entry.type,
            `${options.peer} sent a malformed error for ${JSON.stringify(entry.type)}: ${error.problem}`,
          ),
        );
      else entry.reject(new RequestError(error.value.kind, entry.type, error.value.message));
      return;
    }
    const checks = options.sends as Record<string, { reply: (value: unknown) => unknown }> | undefined;
    const check = checks?.[entry.type]?.reply;
    if (!check) {
      entry.reject(
        new RequestError("malformed", entry.type, `no check for the reply to ${JSON.stringify(entry.type)}`),
      );
      return;
    }
    const checked = runCheck(check, message.reply);
    if (checked.ok) entry.resolve(checked.value);
    else
      entry.reject(
        new RequestError(
          "malformed",
          entry.type,
          `${options.peer} sent a malformed reply to ${JSON.stringify(entry.type)}: reply.${checked.problem}`,
        ),
      );
  }

  async function answer(id: number, type: string, payload: Fields): Promise<void> {
    const answers = options.answers as {
      checks: Record<string, { request: (value: unknown) => unknown }>;
      handlers: Record<string, (request: unknown) => unknown>;
    };
    const checked = runCheck(answers.checks[type]!.request, payload);
    if (!checked.ok) {
      reply(id, { error: { kind: "malformed", message: `malformed message: ${type}.${checked.problem}` } });
      return;
    }
    let result: unknown;
    try {
      result = await answers.handlers[type]!(checked.value);
    } catch (error) {
      const message = options.describeFailure ? options.describeFailure(type, error) : errorMessage(error);
      reply(id, { error: { kind: "failed", message } });
      return;
    }
    reply(id, { reply: result });
  }

  function receive(value: unknown): void {
    if (!isFields(value) || !Number.isSafeInteger(value.id)) {
      onProblem("malformed message: a message must be an object with a numeric id");
      return;
    }
    const id = value.id as number;
    if (value.replyId !== undefined) {
      if (!Number.isSafeInteger(value.replyId))
        onProblem("malformed message: replyId must be a whole number when present");
      else receiveReply(value, value.replyId as number);
      return;
    }
    const payload = value.payload;
    const type = isFields(payload) ? payload.type : undefined;
    const answers = options.answers?.checks;
    const pushes = options.pushes?.checks;
    // `hasOwn`: a type such as `toString` must not find a function on the prototype.
    if (typeof type === "string" && answers && Object.hasOwn(answers, type)) {
      void answer(id, type, payload as Fields);
      return;
    }
    if (typeof type === "string" && pushes && Object.hasOwn(pushes, type)) {
      const checked = runCheck((pushes as Record<string, (value: unknown) => unknown>)[type]!, payload);
      if (!checked.ok) onProblem(`malformed message: ${type}.${checked.problem}`);
      else options.pushes!.onPush({ ...(checked.value as object), type } as PushPayload<PushesIn>);
      return;
    }
    const problem =
      typeof type === "string"
        ? `unknown message type ${JSON.stringify(type)}`
        : "payload must be an object with a string type";
    // Whoever sent it may be waiting for an answer: a side that answers requests gives one.
    if (answers) reply(id, { error: { kind: "malformed", message: `malformed message: ${problem}` } });
    else onProblem(`malformed message: ${problem}`);
  }

  return {
    request,
    push(type, fields) {
      return sendRaw({ id: nextId++, payload: { ...fields, type } });
    },
    receive,
    close(reason) {
      closedBy ??= reason;
      for (const id of [...pending.keys()]) settle(id)?.reject(reason);
    },
    get pending() {
      return pending.size;
    },
  };
}
