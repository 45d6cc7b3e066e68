/**
 * While a snippet's top-level code runs, `Bun.serve(...)` and `Deno.serve(...)` calls are captured
 * instead of starting servers: the runner serves their handlers on its own server. Both return an
 * object shaped like what the real API returns, backed by the runner's server, so code that logs
 * `server.url` after the call still works.
 */

import type { Server } from "bun";
import type { FetchHandler, SnippetHandlers } from "./snippet-loader.ts";
import { callerLine } from "./snippet-paths.ts";

/** One captured `Bun.serve`/`Deno.serve` call. */
export interface CapturedServe {
  api: "Bun" | "Deno";
  handlers: SnippetHandlers;
  /** Options given that the playground does not honour (port, hostname, tls, …). */
  ignoredOptions: string[];
  line: number | undefined;
}

type Options = Record<string, unknown>;

const ignoredBunOptions = ["port", "hostname", "unix", "tls", "websocket", "reusePort", "ipv6Only"];
const ignoredDenoOptions = ["port", "hostname", "cert", "key", "path"];

function asObject(value: unknown): Options {
  return value !== null && typeof value === "object" ? (value as Options) : {};
}

function fn<T>(value: unknown): T | undefined {
  return typeof value === "function" ? (value as T) : undefined;
}

function captureBun(options: unknown, line: number | undefined): CapturedServe {
  const o = asObject(options);
  return {
    api: "Bun",
    handlers: {
      fetch: fn<FetchHandler>(o.fetch)?.bind(o),
      routes: (o.routes ?? o.static) as Record<string, unknown> | undefined,
      error: fn<(error: Error) => unknown>(o.error)?.bind(o),
      idleTimeout: typeof o.idleTimeout === "number" ? o.idleTimeout : undefined,
    },
    ignoredOptions: ignoredBunOptions.filter((key) => o[key] !== undefined),
    line,
  };
}

type DenoHandler = (request: Request, info: { remoteAddr: { transport: "tcp"; hostname: string; port: number } }) => unknown;

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
    handlers: {
      fetch: handler
        ? (request, bunServer) => {
            const ip = bunServer.requestIP(request);
            return handler(request, { remoteAddr: { transport: "tcp", hostname: ip?.address ?? "127.0.0.1", port: ip?.port ?? 0 } });
          }
        : undefined,
      error: onError ? (error) => onError(error) : undefined,
    },
    ignoredOptions: ignoredDenoOptions.filter((key) => options[key] !== undefined),
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

/**
 * Routes `Bun.serve`/`Deno.serve` into `calls` until the returned function is called. Outside a
 * load, both throw an error that explains why.
 */
export function captureServeCalls(calls: CapturedServe[], server: () => Server<unknown>): () => void {
  const bun = Bun as unknown as { serve: unknown };
  bun.serve = (options: unknown) => {
    calls.push(captureBun(options, callerLine()));
    return server();
  };
  const deno = { serve: (...args: unknown[]) => (calls.push(captureDeno(args, callerLine(), server)), denoServer(server())) };
  Object.assign(globalThis, { Deno: deno });
  return () => {
    // A server started later (from a handler) would escape the playground and could bind every interface.
    bun.serve = () => {
      throw new Error("Bun.serve() is only served when called at the top level of a snippet");
    };
    Object.assign(globalThis, {
      Deno: {
        serve() {
          throw new Error("Deno.serve() is only served when called at the top level of a snippet");
        },
      },
    });
  };
}
