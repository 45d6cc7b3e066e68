/**
 * WebSockets on the server's side: the snippet's `websocket` handlers run as Bun runs them, and
 * everything they see and do is recorded on the lane of the request that was upgraded.
 *
 * - `server.upgrade(req, { data, headers })` is wrapped: the request's context travels in `data`
 *   until `open`, which puts the snippet's own `data` back on `ws.data` before any of its code runs.
 * - Every version loads with a `websocket` of the playground's, which Bun calls and which calls
 *   the snippet's handlers inside the connection's context (so its timers and console output are
 *   the connection's). `server.reload` swaps it like the fetch handler, and, as Bun does, open
 *   sockets get the new version's handlers for their next message: each message says which
 *   version served it. A version without `websocket` leaves the last one serving, as Bun does.
 * - `ServerWebSocket`'s `send`/`sendText`/`sendBinary`/`publish*`/`subscribe`/`unsubscribe` and
 *   `server.publish` are wrapped to record what they were given and what they returned.
 * - A closed socket ends its request: timers it started that are still running are leaks.
 *
 * Errors a handler throws are recorded at their line and then thrown on to Bun, which calls the
 * snippet's `error` handler or reports them as uncaught, as it would without the playground.
 */

import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { FoldableKind, RunnerProducedEvent, WsHandlerName, WsPayload, WsSendVia } from "../contract/index.ts";
import { denoUpgradeOf, type DenoUpgrade, type DenoWebSocket } from "./deno-websocket.ts";
import { createFloodGate, defaultFloodGate, type Fold, payloadBytes, payloadOf } from "../shared/index.ts";
import { nativeClearTimeout, nativeSetTimeout } from "./native-globals.ts";
import { requestStorage, type RequestContext, type RequestTracker } from "./request-tracker.ts";
import { snippetPosition } from "./snippet-paths.ts";

/** The snippet's `websocket` option, as it wrote it. */
export type SnippetWebSocket = Record<string, unknown>;

export interface WebSocketInstrumentationOptions {
  tracker: RequestTracker;
  readable: (stack: string | undefined) => string | undefined;
  /** For events outside any request (a `server.publish` from a top-level timer). */
  emit: (event: RunnerProducedEvent) => void;
  /** Tells the runner an error was recorded here, so it does not report it again as uncaught. */
  reported: (error: unknown) => void;
  /** Called for every message: the runner's event loop is turning, even when its timers wait. */
  pulse?: (() => void) | undefined;
}

/** Bun's options for WebSockets, taken from the snippet's `websocket` as written (Bun checks them). */
const optionKeys = [
  "maxPayloadLength",
  "backpressureLimit",
  "closeOnBackpressureLimit",
  "idleTimeout",
  "publishToSelf",
  "sendPings",
  "perMessageDeflate",
];

/** What travels in `data` from `server.upgrade` to `open`. */
class PendingUpgrade {
  opened = false;
  constructor(
    readonly ctx: RequestContext,
    readonly data: unknown,
    readonly headers: Record<string, string>,
    readonly deno: DenoWebSocket | undefined,
  ) {}
}

/** Flood control for one kind of a connection's events; a fold closes after its window even if nothing follows. */
interface Gate {
  admit(t: number, bytes: number): boolean;
  /** Counts an event into the fold under way without a time (`FloodGate.count`); false when it must be admitted. */
  count(bytes: number): boolean;
  flush(): void;
}

interface Connection {
  readonly ctx: RequestContext;
  /** The version whose handler ran last. */
  version: number;
  readonly received: Gate;
  readonly sent: Gate;
  readonly published: Gate;
  readonly topics: Set<string>;
  closed: boolean;
  readonly deno: DenoWebSocket | undefined;
}

/** One version's handlers, as installed with `server.reload`. */
interface Serving {
  version: number;
  snippet: SnippetWebSocket;
  handler: WebSocketHandler<unknown>;
}

function headerRecord(headers: unknown): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  const record: Record<string, string> = {};
  new Headers(headers as Bun.HeadersInit).forEach((value, key) => {
    record[key] = value;
  });
  return record;
}

function dataPreview(data: unknown): string | undefined {
  if (data === undefined) return undefined;
  try {
    const json = JSON.stringify(data) ?? String(data);
    return json.length > 200 ? `${json.slice(0, 199)}…` : json;
  } catch {
    // A cycle or a BigInt: its type still says something.
    return `[${typeof data}]`;
  }
}

/** The runner's WebSockets: upgrades, each version's handlers, and Deno's upgrades, all recorded. */
export interface WebSocketInstrumentation {
  /** Wraps `server.upgrade` and `server.publish` on the runner's server. */
  install(server: Server<unknown>): void;
  /** What `server.reload` gets as `websocket` for `version`, whose snippet declared `snippet` (or none). */
  handlerFor(version: number, snippet: SnippetWebSocket | undefined): WebSocketHandler<unknown>;
  /** `version` is serving now, with the `websocket` it was loaded with. */
  activate(version: number, snippet: SnippetWebSocket | undefined, handler: WebSocketHandler<unknown>): void;
  /**
   * Upgrades a request whose Deno handler returned `Deno.upgradeWebSocket`'s response; false when
   * it could not be (not a WebSocket request after all).
   */
  upgradeDeno(ctx: RequestContext, request: Request, upgrade: DenoUpgrade): boolean;
  /** The upgrade a Deno handler's response asks for, if it is one. */
  denoUpgradeOf(response: unknown): DenoUpgrade | undefined;
  /** Every message flood control is still counting is recorded now (the host asks for the timeline, or the runner ends). */
  flushFolds(): void;
}

export function createWebSocketInstrumentation(options: WebSocketInstrumentationOptions): WebSocketInstrumentation {
  const { tracker, emit } = options;
  const now = tracker.now;
  const connections = new WeakMap<object, Connection>();
  const subscribers = new Map<string, Set<Connection>>();
  /** Versions that declared `websocket`: a request served by another cannot upgrade, as in Bun. */
  const withWebSocket = new Set<number>();
  /** The handlers serving now (the last version that had any). */
  let active: Serving | undefined;
  /** The version of the handler running synchronously right now, for what it sends. */
  let running: number | undefined;
  let patchedPrototype = false;
  const serverGate = createGate((fold) =>
    emit({
      t: fold.until,
      lane: 0,
      side: "server",
      kind: "folded",
      requestId: 0,
      of: "ws-publish",
      count: fold.count,
      bytes: fold.bytes,
      since: fold.since,
    }),
  );

  /** Gates folding now, each closed by its timer or its socket's close, or by `flushFolds`. */
  const folding = new Set<() => void>();

  function createGate(onFold: (fold: Fold) => void): Gate {
    const gate = createFloodGate();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer !== undefined) nativeClearTimeout(timer);
      timer = undefined;
      folding.delete(flush);
      const fold = gate.flush();
      if (fold) onFold(fold);
    };
    return {
      admit(t, bytes) {
        if (gate.admit(t, bytes, onFold)) return true;
        if (timer === undefined) {
          timer = nativeSetTimeout(flush, defaultFloodGate.foldWindowMs);
          folding.add(flush);
        }
        return false;
      },
      count: (bytes) => gate.count(bytes),
      flush,
    };
  }

  function connectionGate(ctx: RequestContext, of: FoldableKind): Gate {
    return createGate((fold) => tracker.fold(ctx, fold, of));
  }

  function reportError(ctx: RequestContext, handler: WsHandlerName, version: number, error: unknown): void {
    options.reported(error);
    const err = error instanceof Error ? error : new Error(String(error));
    const position = snippetPosition(err.stack);
    tracker.record(
      ctx,
      {
        kind: "error",
        message: err.message,
        line: position?.line,
        column: position?.column,
        stack: options.readable(err.stack),
        during: "websocket",
        handler,
      },
      now(),
      version,
    );
  }

  /**
   * Runs a snippet handler in the connection's context; what it throws or rejects with is recorded, then goes where it
   * would have gone.
   */
  function invoke(conn: Connection, handler: WsHandlerName, version: number, call: () => unknown): unknown {
    conn.version = version;
    const before = running;
    running = version;
    try {
      const result = conn.ctx.enter(call);
      if (result instanceof Promise)
        result.then(undefined, (error: unknown) => reportError(conn.ctx, handler, version, error));
      return result;
    } catch (error) {
      reportError(conn.ctx, handler, version, error);
      throw error;
    } finally {
      running = before;
    }
  }

  /** Hot path: the preview is made only for an event flood control lets through. */
  function recordSend(
    conn: Connection,
    data: unknown,
    result: number,
    via: WsSendVia,
    topic?: string,
    published?: { bytes: number; payload: () => WsPayload },
  ): void {
    const bytes = published?.bytes ?? payloadBytes(data);
    if (conn.sent.count(bytes)) return;
    const t = now();
    if (!conn.sent.admit(t, bytes)) return;
    const binary = via === "sendBinary" || (via !== "sendText" && typeof data !== "string");
    tracker.record(
      conn.ctx,
      { kind: "ws-send", ...(published?.payload() ?? payloadOf(data, bytes, binary)), result, via, topic },
      t,
      running ?? conn.version,
    );
  }

  /** A publish: the event on the publisher's lane, and a `ws-send` on the lane of every socket it reached. */
  function recordPublish(
    publisher: Connection | undefined,
    by: "ws" | "server",
    topic: string,
    data: unknown,
    result: number,
    binary: boolean,
  ): void {
    const t = now();
    const bytes = payloadBytes(data);
    let preview: WsPayload | undefined;
    const payload = () => (preview ??= payloadOf(data, bytes, binary));
    const skip = by === "ws" && active?.snippet.publishToSelf !== true ? publisher : undefined;
    const reached = [...(subscribers.get(topic) ?? [])].filter((conn) => conn !== skip && !conn.closed);
    const fields = () => ({
      kind: "ws-publish" as const,
      ...payload(),
      topic,
      subscribers: reached.length,
      result,
      by,
    });
    const ctx = requestStorage.getStore();
    if (publisher) {
      if (publisher.published.admit(t, bytes)) tracker.record(publisher.ctx, fields(), t, running ?? publisher.version);
    } else if (ctx) {
      // server.publish while serving a request or a socket: on that lane.
      tracker.record(ctx, fields(), t, running ?? ctx.version);
    } else if (serverGate.admit(t, bytes)) {
      emit({ t, lane: 0, side: "server", requestId: 0, version: active?.version ?? 0, ...fields() });
    }
    for (const conn of reached) recordSend(conn, data, result, "publish", topic, { bytes, payload });
  }

  /** Wraps `ServerWebSocket`'s methods once, from the first socket (its class is not exported). */
  function patchPrototype(ws: ServerWebSocket<unknown>): void {
    if (patchedPrototype) return;
    patchedPrototype = true;
    const proto = Object.getPrototypeOf(ws) as Record<string, (...args: unknown[]) => unknown>;
    for (const via of ["send", "sendText", "sendBinary"] as const) {
      const native = proto[via]!;
      proto[via] = function (this: object, data: unknown, compress: unknown) {
        const result = native.call(this, data, compress) as number;
        const conn = connections.get(this);
        if (conn) recordSend(conn, data, result, via);
        return result;
      };
    }
    for (const name of ["publish", "publishText", "publishBinary"] as const) {
      const native = proto[name]!;
      proto[name] = function (this: object, topic: unknown, data: unknown, compress: unknown) {
        const result = native.call(this, topic, data, compress) as number;
        const conn = connections.get(this);
        if (conn)
          recordPublish(
            conn,
            "ws",
            String(topic),
            data,
            result,
            name === "publishBinary" || (name === "publish" && typeof data !== "string"),
          );
        return result;
      };
    }
    const subscribe = proto.subscribe!;
    proto.subscribe = function (this: object, topic: unknown) {
      const result = subscribe.call(this, topic);
      const conn = connections.get(this);
      if (conn && !conn.closed) {
        const name = String(topic);
        conn.topics.add(name);
        let members = subscribers.get(name);
        if (!members) {
          members = new Set();
          subscribers.set(name, members);
        }
        members.add(conn);
      }
      return result;
    };
    const unsubscribe = proto.unsubscribe!;
    proto.unsubscribe = function (this: object, topic: unknown) {
      const result = unsubscribe.call(this, topic);
      const conn = connections.get(this);
      if (conn) leave(conn, String(topic));
      return result;
    };
  }

  function leave(conn: Connection, topic: string): void {
    conn.topics.delete(topic);
    const members = subscribers.get(topic);
    members?.delete(conn);
    if (members?.size === 0) subscribers.delete(topic);
  }

  /** The connection behind a socket the playground upgraded; the first time, its `open`. */
  function opened(ws: ServerWebSocket<unknown>, version: number): Connection | undefined {
    const pending = ws.data;
    if (!(pending instanceof PendingUpgrade) || pending.opened) return undefined;
    pending.opened = true;
    patchPrototype(ws);
    ws.data = pending.data;
    const { ctx } = pending;
    // A Deno socket's listeners belong to the version that upgraded it, whichever `websocket` Bun calls.
    const served = pending.deno ? ctx.version : version;
    const conn: Connection = {
      ctx,
      version: served,
      received: connectionGate(ctx, "ws-message"),
      sent: connectionGate(ctx, "ws-send"),
      published: connectionGate(ctx, "ws-publish"),
      topics: new Set(),
      closed: false,
      deno: pending.deno,
    };
    connections.set(ws, conn);
    const t = now();
    tracker.upgraded(ctx);
    tracker.record(
      ctx,
      {
        kind: "response",
        status: 101,
        headers: { upgrade: "websocket", connection: "Upgrade", ...pending.headers },
        body: "none",
      },
      t,
    );
    tracker.record(ctx, { kind: "ws-open", data: dataPreview(pending.data) }, t, served);
    return conn;
  }

  /** Bun's `websocket` for one version: it calls `serving`'s handlers, or a Deno socket's listeners. */
  function handlerFor(serving: Omit<Serving, "handler">): WebSocketHandler<unknown> {
    const { version, snippet } = serving;
    const call = (name: string, ws: ServerWebSocket<unknown>, ...args: unknown[]) =>
      (snippet[name] as ((...a: unknown[]) => unknown) | undefined)?.call(snippet, ws, ...args);
    const handler: WebSocketHandler<unknown> = {
      open(ws) {
        const conn = opened(ws, version);
        if (!conn) return call("open", ws) as void;
        if (conn.deno) return invoke(conn, "open", conn.ctx.version, () => conn.deno!.opened(ws)) as void;
        return invoke(conn, "open", version, () => call("open", ws)) as void;
      },
      message(ws, message) {
        options.pulse?.();
        const conn = connections.get(ws);
        if (!conn) return call("message", ws, message) as void;
        // A Deno socket's listeners belong to the version that created it.
        const served = conn.deno ? conn.ctx.version : version;
        const bytes = payloadBytes(message);
        if (!conn.received.count(bytes)) {
          const t = now();
          if (conn.received.admit(t, bytes))
            tracker.record(conn.ctx, { kind: "ws-message", ...payloadOf(message, bytes) }, t, served);
        }
        if (conn.deno) return invoke(conn, "message", served, () => conn.deno!.received(message)) as void;
        return invoke(conn, "message", version, () => call("message", ws, message)) as void;
      },
      close(ws, code, reason) {
        const conn = connections.get(ws);
        if (!conn) return call("close", ws, code, reason) as void;
        const t = now();
        for (const gate of [conn.received, conn.sent, conn.published]) gate.flush();
        const served = conn.deno ? conn.ctx.version : version;
        tracker.record(conn.ctx, { kind: "ws-close", code, reason }, t, served);
        conn.closed = true;
        for (const topic of [...conn.topics]) leave(conn, topic);
        try {
          if (conn.deno) return invoke(conn, "close", served, () => conn.deno!.closed(code, reason)) as void;
          return invoke(conn, "close", version, () => call("close", ws, code, reason)) as void;
        } finally {
          tracker.closed(conn.ctx, t);
        }
      },
      drain(ws) {
        const conn = connections.get(ws);
        if (!conn) return call("drain", ws) as void;
        tracker.record(conn.ctx, { kind: "ws-drain" }, now(), conn.deno ? conn.ctx.version : version);
        if (!conn.deno) return invoke(conn, "drain", version, () => call("drain", ws)) as void;
      },
    };
    // Bun answers pings itself unless told otherwise; only the snippet's own handlers are passed on.
    for (const name of ["ping", "pong"] as const) {
      if (typeof snippet[name] === "function") handler[name] = (ws, data) => call(name, ws, data) as void;
    }
    if (typeof snippet.error === "function") {
      // Bun passes (error, ws) here.
      (handler as Record<string, unknown>).error = (error: unknown, ws: ServerWebSocket<unknown>) => {
        const conn = connections.get(ws);
        const run = () => (snippet.error as (...a: unknown[]) => unknown).call(snippet, error, ws);
        return conn ? requestStorage.run(conn.ctx, run) : run();
      };
    }
    for (const key of optionKeys)
      if (snippet[key] !== undefined) (handler as Record<string, unknown>)[key] = snippet[key];
    return handler;
  }

  /** Deno sockets only, before any version declared `websocket`. */
  const denoOnly = handlerFor({ version: 0, snippet: {} });

  type Upgrade = (request: Request, options?: { data?: unknown; headers?: unknown }) => boolean;
  let nativeUpgrade: Upgrade = () => false;

  return {
    install(server: Server<unknown>): void {
      nativeUpgrade = server.upgrade.bind(server) as Upgrade;
      const nativePublish = server.publish.bind(server);
      Object.assign(server, {
        upgrade(request: Request, upgradeOptions?: { data?: unknown; headers?: unknown }): boolean {
          const ctx = requestStorage.getStore();
          if (!ctx || ctx.websocket) return nativeUpgrade(request, upgradeOptions);
          if (!withWebSocket.has(ctx.version))
            throw new TypeError('To enable websocket support, set the "websocket" object in Bun.serve({})');
          const pending = new PendingUpgrade(
            ctx,
            upgradeOptions?.data,
            headerRecord(upgradeOptions?.headers),
            undefined,
          );
          const upgraded = nativeUpgrade(request, { ...upgradeOptions, data: pending });
          if (upgraded) tracker.upgraded(ctx);
          return upgraded;
        },
        publish(topic: string, data: unknown, compress?: boolean): number {
          const result = nativePublish(topic, data as string, compress);
          recordPublish(undefined, "server", String(topic), data, result, typeof data !== "string");
          return result;
        },
      });
    },

    handlerFor(version: number, snippet: SnippetWebSocket | undefined): WebSocketHandler<unknown> {
      if (!snippet) return active?.handler ?? denoOnly;
      withWebSocket.add(version);
      return handlerFor({ version, snippet });
    },

    activate(version: number, snippet: SnippetWebSocket | undefined, handler: WebSocketHandler<unknown>): void {
      if (snippet) active = { version, snippet, handler };
    },

    upgradeDeno(ctx: RequestContext, request: Request, upgrade: DenoUpgrade): boolean {
      // A listener that throws is recorded; Deno's other listeners still run, as in an EventTarget.
      upgrade.socket.onListenerError = (error, type) =>
        reportError(ctx, type === "open" || type === "close" ? type : "message", ctx.version, error);
      const pending = new PendingUpgrade(ctx, undefined, upgrade.headers, upgrade.socket);
      const upgraded = requestStorage.run(ctx, () =>
        nativeUpgrade(request, { data: pending, headers: upgrade.headers }),
      );
      if (upgraded) tracker.upgraded(ctx);
      return upgraded;
    },

    denoUpgradeOf,

    flushFolds(): void {
      for (const flush of [...folding]) flush();
    },
  };
}
