/**
 * Wraps a snippet version's handlers for `server.reload`: every request gets a context (lane,
 * version, id) that the body, timers and console use, and its response head, errors and abort
 * are recorded. The wrapped handlers close over their version, so a stream opened before a reload
 * keeps reporting the version that opened it.
 */

import type { Server, WebSocketHandler } from "bun";
import { NativeResponse } from "./native-globals.ts";
import type { BodyInstrumentation } from "./instrument-body.ts";
import type { WebSocketInstrumentation } from "./instrument-websocket.ts";
import { laneHeader } from "../contract/index.ts";
import type { OutsideConnections } from "./outside-connections.ts";
import { notAResponseMessage } from "./not-a-response.ts";
import { isRecordedElsewhere } from "./recorded-elsewhere.ts";
import { guardRequest } from "./request-guard.ts";
import { staticRoute } from "./static-route.ts";
import { requestStorage, type RequestContext, type RequestTracker } from "./request-tracker.ts";
import type { FetchHandler, SnippetHandlers } from "./snippet-handlers.ts";

export interface HandlerInstrumentation {
  tracker: RequestTracker;
  bodies: BodyInstrumentation;
  readable: (stack: string | undefined) => string | undefined;
  /** Starts following the abort listeners the snippet adds to this request's signal. */
  watchSignal: (signal: AbortSignal, ctx: RequestContext) => void;
  websockets: WebSocketInstrumentation;
  /** Gives requests from outside the playground (no lane header) lanes of their own. */
  outside: OutsideConnections;
}

/** What `server.reload` takes. */
export interface ReloadOptions {
  /** Resolves with nothing for a request that became a WebSocket: Bun answers it with the 101 itself. */
  fetch: (request: Request, server: Server<unknown>) => Promise<Response | undefined>;
  routes: Record<string, unknown>;
  error: (error: Error) => Response;
  websocket: WebSocketHandler<unknown>;
}

function headerObject(headers: Headers): Record<string, string> {
  const object: Record<string, string> = {};
  headers.forEach((value, key) => {
    object[key] = value;
  });
  return object;
}

function errorResponse(error: unknown, readable: HandlerInstrumentation["readable"]): Response {
  const text = error instanceof Error ? (readable(error.stack) ?? `${error.name}: ${error.message}`) : String(error);
  return new NativeResponse(text, { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function instrumentHandlers(
  version: number,
  handlers: SnippetHandlers,
  deps: HandlerInstrumentation,
): ReloadOptions {
  const { tracker, bodies, readable } = deps;

  async function respond(ctx: RequestContext, request: Request, produce: () => unknown): Promise<Response | undefined> {
    let result: unknown;
    try {
      result = await requestStorage.run(ctx, produce);
    } catch (error) {
      tracker.error(ctx, error, "handler", readable);
      result = await answerError(ctx, error);
    }
    // After an upgrade Bun ignores what the handler returns (Bun's own upgrade example goes on to return a Response).
    if (ctx.websocket) return undefined;
    const deno = deps.websockets.denoUpgradeOf(result);
    if (deno) {
      if (deps.websockets.upgradeDeno(ctx, request, deno)) return undefined;
      result = new NativeResponse("the request could not be upgraded to a WebSocket", { status: 400 });
    }
    if (!(result instanceof NativeResponse)) {
      const error = new TypeError(notAResponseMessage(result));
      tracker.error(ctx, error, "handler", readable);
      result = await answerError(ctx, error);
    }
    const response = result as Response;
    if (isRecordedElsewhere(response)) return response;
    const wire = bodies.toWire(ctx, response);
    tracker.response(ctx, wire.response.status, headerObject(wire.response.headers), wire.body);
    wire.start();
    return wire.response;
  }

  async function answerError(ctx: RequestContext, error: unknown): Promise<Response> {
    if (!handlers.error) return errorResponse(error, readable);
    try {
      const answer = await requestStorage.run(ctx, () =>
        handlers.error!(error instanceof Error ? error : new Error(String(error))),
      );
      if (answer instanceof NativeResponse) return answer;
    } catch (secondary) {
      tracker.error(ctx, secondary, "handler", readable);
    }
    return errorResponse(error, readable);
  }

  function begin(request: Request, server: Server<unknown>): RequestContext {
    const named = request.headers.get(laneHeader);
    request.headers.delete(laneHeader);
    const outside = named === null ? deps.outside.arrived(request, server.requestIP(request)) : undefined;
    const lane = outside?.lane ?? (Number(named) || 0);
    const url = new URL(request.url);
    const ctx = tracker.begin({
      method: request.method,
      path: url.pathname + url.search,
      lane,
      version,
      signal: request.signal,
      from: outside?.from,
    });
    deps.watchSignal(request.signal, ctx);
    if (handlers.idleTimeout !== undefined) {
      server.timeout(request, handlers.idleTimeout);
      tracker.setIdleTimeout(ctx, handlers.idleTimeout, "server");
    }
    return ctx;
  }

  function wrap(handler: FetchHandler): (request: Request, server: Server<unknown>) => Promise<Response | undefined> {
    return (request, server) => {
      // A request for another Host is refused before any snippet code runs; the host's cookies never reach it.
      const refused = guardRequest(request);
      if (refused) return Promise.resolve(refused);
      const ctx = begin(request, server);
      return respond(ctx, request, () => handler(request, server));
    };
  }

  /** A route's static Response becomes a handler answering as Bun's static route does, so its requests show up too. */
  function wrapRouteValue(value: unknown): unknown {
    if (typeof value === "function") return wrap(value as FetchHandler);
    if (value instanceof NativeResponse) return wrap(staticRoute(value, bodies.hasTextBody(value)));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([method, inner]) => [method, wrapRouteValue(inner)]));
    }
    return value;
  }

  const routes = Object.fromEntries(
    Object.entries(handlers.routes ?? {}).map(([path, value]) => [path, wrapRouteValue(value)]),
  );
  const notFound: FetchHandler = () => new NativeResponse("Not Found", { status: 404 });

  return {
    fetch: wrap(handlers.fetch ?? notFound),
    routes,
    // Errors are caught inside the wrapped handlers; this only runs if the playground itself fails.
    error: (error) => errorResponse(error, readable),
    websocket: deps.websockets.handlerFor(version, handlers.websocket),
  };
}
