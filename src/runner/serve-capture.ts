/**
 * While a snippet's top-level code runs, `Bun.serve(...)` and `Deno.serve(...)` calls are captured
 * instead of starting servers: the runner serves their handlers on its own server. Both return an
 * object shaped like what the real API returns, backed by the runner's server, so code that logs
 * `server.url` after the call still works.
 */

import type { Server } from "bun";
import { nativeBunServe } from "./native-globals.ts";
import { upgradeWebSocket } from "./deno-websocket.ts";
import type { FetchHandler, SnippetHandlers } from "./snippet-handlers.ts";
import { calledBySnippet, callerLine } from "./snippet-paths.ts";

/** One captured `Bun.serve`/`Deno.serve` call. */
export interface CapturedServe {
  api: "Bun" | "Deno";
  /**
   * `snippet`: the snippet's own code made the call. `library`: a package did, on the snippet's
   * behalf (Elysia's `listen`, h3's `serve`), with options the snippet may never have written.
   */
  by: "snippet" | "library";
  handlers: SnippetHandlers;
  /** Options given that the playground does not honour (port, hostname, tls, …). */
  ignoredOptions: string[];
  /** The port asked for, when it was a number. */
  port: number | undefined;
  /** The snippet line the call came from (through any library frames). */
  line: number | undefined;
}

type Options = Record<string, unknown>;

const ignoredBunOptions = ["port", "hostname", "unix", "tls", "reusePort", "ipv6Only"];
const ignoredDenoOptions = ["port", "hostname", "cert", "key", "path"];

function asObject(value: unknown): Options {
  return value !== null && typeof value === "object" ? (value as Options) : {};
}

function fn<T>(value: unknown): T | undefined {
  return typeof value === "function" ? (value as T) : undefined;
}

/** Bun's `websocket` option, when it is an object of handlers (Bun itself checks what is in it). */
export function websocketOption(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

function captureBun(options: unknown, line: number | undefined, by: CapturedServe["by"]): CapturedServe {
  const o = asObject(options);
  return {
    api: "Bun",
    by,
    handlers: {
      fetch: fn<FetchHandler>(o.fetch)?.bind(o),
      routes: (o.routes ?? o.static) as Record<string, unknown> | undefined,
      error: fn<(error: Error) => unknown>(o.error)?.bind(o),
      idleTimeout: typeof o.idleTimeout === "number" ? o.idleTimeout : undefined,
      websocket: websocketOption(o.websocket),
    },
    ignoredOptions: ignoredBunOptions.filter((key) => o[key] !== undefined),
    port:
      typeof o.port === "number"
        ? o.port
        : typeof o.port === "string" && /^\d+$/.test(o.port)
          ? Number(o.port)
          : undefined,
    line,
  };
}

type DenoHandler = (
  request: Request,
  info: { remoteAddr: { transport: "tcp"; hostname: string; port: number } },
) => unknown;

function captureDeno(args: unknown[], line: number | undefined, server: () => Server<unknown>): CapturedServe {
  const [first, second] = args;
  const options = typeof first === "function" ? {} : asObject(first);
  const handler = fn<DenoHandler>(typeof first === "function" ? first : second) ?? fn<DenoHandler>(options.handler);
  const onError = fn<(error: unknown) => unknown>(options.onError);
  const onListen = fn<(addr: { hostname: string; port: number; transport: "tcp" }) => void>(options.onListen);
  const address = { hostname: server().hostname ?? "127.0.0.1", port: server().port ?? 0, transport: "tcp" as const };
  onListen?.(address);
  return {
    api: "Deno",
    by: "snippet",
    handlers: {
      fetch: handler
        ? (request, bunServer) => {
            const ip = bunServer.requestIP(request);
            return handler(request, {
              remoteAddr: { transport: "tcp", hostname: ip?.address ?? "127.0.0.1", port: ip?.port ?? 0 },
            });
          }
        : undefined,
      error: onError ? (error) => onError(error) : undefined,
    },
    ignoredOptions: ignoredDenoOptions.filter((key) => options[key] !== undefined),
    port: typeof options.port === "number" ? options.port : undefined,
    line,
  };
}

/** What `Deno.serve` returns, for snippets that keep or await it. */
function denoServer(server: Server<unknown>) {
  return {
    addr: { hostname: server.hostname ?? "127.0.0.1", port: server.port ?? 0, transport: "tcp" as const },
    finished: new Promise<void>(() => {}),
    shutdown: async () => {},
    ref() {},
    unref() {},
  };
}

/** Set while the runtime itself starts a server for the playground (see `serveNatively`). */
let native = false;

/**
 * Runs `start` with the real `Bun.serve`: Bun's `node:http` calls `Bun.serve` inside
 * `server.listen()`, and the playground lets that internal server start for real (on a loopback
 * port of its own) instead of capturing it.
 */
export function serveNatively<T>(start: () => T): T {
  const before = native;
  native = true;
  try {
    return start();
  } finally {
    native = before;
  }
}

/**
 * Routes `Bun.serve`/`Deno.serve` into `calls` until the returned function is called. Outside a
 * load, both throw an error that explains why.
 */
export function captureServeCalls(calls: CapturedServe[], server: () => Server<unknown>): () => void {
  const bun = Bun as unknown as { serve: unknown };
  bun.serve = function (this: unknown, options: unknown) {
    if (native) return Reflect.apply(nativeBunServe, Bun, [options]);
    calls.push(captureBun(options, callerLine(), calledBySnippet() ? "snippet" : "library"));
    return server();
  };
  const deno = {
    serve: (...args: unknown[]) => {
      calls.push(captureDeno(args, callerLine(), server));
      return denoServer(server());
    },
    upgradeWebSocket,
  };
  Object.assign(globalThis, { Deno: deno });
  return () => {
    // A server started later (from a handler) would escape the playground and could bind every interface.
    bun.serve = function (this: unknown, options: unknown) {
      if (native) return Reflect.apply(nativeBunServe, Bun, [options]);
      throw new Error(
        "Bun.serve() is only served when called while the snippet loads (at any depth, within 2 s of its top-level code finishing), not later from a handler or a timer",
      );
    };
    Object.assign(globalThis, {
      Deno: {
        serve() {
          throw new Error(
            "Deno.serve() is only served when called while the snippet loads (at any depth, within 2 s of its top-level code finishing), not later from a handler or a timer",
          );
        },
        upgradeWebSocket,
      },
    });
  };
}
