/**
 * Serves a snippet's `node:http` server (`createServer(handler).listen(8001)`, Express's
 * `app.listen(3000)`) through the runner's one `Bun.serve`.
 *
 * Bun implements `node:http` on a `Bun.serve` of its own, with a native request path that
 * `server.reload` cannot take over. So the snippet's server really listens, as Bun runs it, but on
 * a loopback port of its own chosen by the system (the port the snippet names is ignored, as
 * `Bun.serve`'s is), and the runner's server hands it each request over a connection held in
 * memory (`node-http-connection.ts`), as a server is handed a socket it accepted: the request in
 * as HTTP/1.1 bytes, the answer out as the bytes the server wrote, and the client's disconnect as
 * the end of the connection. No byte crosses the kernel twice. The request's context (lane, id,
 * version) travels in a header only the runner knows how to write, so inside the snippet's server
 * every handler, timer and console call is attributed to it, and its response is followed write
 * by write where it is produced.
 */

import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Server } from "bun";
import { NativeResponse } from "./native-globals.ts";
import { exchange, type SocketAddress } from "./node-http-connection.ts";
import { followNodeResponse } from "./node-response-follow.ts";
import { recordedElsewhere } from "./recorded-elsewhere.ts";
import { requestStorage, type RequestContext, type RequestTracker } from "./request-tracker.ts";
import { serveNatively } from "./serve-capture.ts";
import type { FetchHandler } from "./snippet-handlers.ts";
import { callerLine } from "./snippet-paths.ts";

/** One `server.listen(...)` a snippet's top-level code made. */
export interface CapturedListen {
  server: http.Server;
  /** The port the snippet asked for, when it named one as a number. */
  port: number | undefined;
  /** The snippet line the call came from (through Express's `app.listen`, say). */
  line: number | undefined;
}

export interface NodeHttpBridgeOptions {
  /** Records each relayed request's response, writes, end, cancel and cleanup. */
  tracker: RequestTracker;
  /** A stack trace in the snippet's own file names, for a handler that throws. */
  readable: (stack: string | undefined) => string | undefined;
  /** The runner's server, whose address a captured server reports as its own. */
  server: () => Server<unknown>;
}

/** Carries `<secret>.<requestId>` from the runner's server to the snippet's node server. */
const contextHeader = "x-stream-playground-request";
const originalListen = http.Server.prototype.listen;

/** The port asked for in any of listen's shapes: (port, host?, backlog?, cb?), (options, cb?), (cb?). */
function requestedPort(args: unknown[]): number | undefined {
  const [first] = args;
  const value = first !== null && typeof first === "object" ? (first as { port?: unknown }).port : first;
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The snippet's `node:http` servers, served through the runner's one `Bun.serve`. */
export interface NodeHttpBridge {
  /**
   * Captures every `server.listen(...)` until the returned function is called: each server
   * listens for real on a loopback port of the system's choosing, and is recorded in `calls`.
   * Outside a load, `listen` throws an error that explains why.
   */
  capture(calls: CapturedListen[]): () => void;
  /** The fetch handler that relays the runner's requests to `listen`'s server. */
  handlerFor(listen: CapturedListen): FetchHandler;
  /** Stops `servers` from taking new connections; requests they are still answering run to their end. */
  close(servers: Iterable<http.Server>): void;
}

export function createNodeHttpBridge(options: NodeHttpBridgeOptions): NodeHttpBridge {
  const { tracker, readable } = options;
  const secret = crypto.randomUUID();
  /** Requests relayed to a node server that has not picked them up yet. */
  const waiting = new Map<string, RequestContext>();

  /** What `server.address()` says for a captured server: where the playground serves it. */
  function playgroundAddress(): AddressInfo {
    return { address: "127.0.0.1", family: "IPv4", port: options.server().port ?? 0 };
  }

  /** Answers the request in `ctx` inside the snippet's server, with its handler run in the request's context. */
  function intercept(server: http.Server): void {
    const emit = server.emit;
    server.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== "request") return Reflect.apply(emit, this, [event, ...args]);
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      const key = headerText(req.headers[contextHeader]);
      const ctx = key === undefined ? undefined : waiting.get(key);
      if (!ctx || key === undefined) {
        // Someone found the loopback port: it only answers the runner.
        res
          .writeHead(421, { "content-type": "text/plain; charset=utf-8" })
          .end(`This port is internal to Stream Playground; the snippet is served at ${options.server().url.href}\n`);
        return true;
      }
      waiting.delete(key);
      delete req.headers[contextHeader];
      stripRawHeader(req.rawHeaders);
      followNodeResponse({ tracker, ctx, req, res });
      return requestStorage.run(ctx, () => {
        try {
          return Reflect.apply(emit, this, [event, ...args]) as boolean;
        } catch (error) {
          answerThrow(ctx, res, error);
          return true;
        }
      });
    } as typeof server.emit;
  }

  /** A request handler that throws: recorded at its line, and answered as a fetch handler's throw is. */
  function answerThrow(ctx: RequestContext, res: http.ServerResponse, error: unknown): void {
    tracker.error(ctx, error, "handler", readable);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = error instanceof Error ? (readable(error.stack) ?? `${error.name}: ${error.message}`) : String(error);
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end(text);
  }

  return {
    capture(calls: CapturedListen[]): () => void {
      const proto = http.Server.prototype as unknown as { listen: (...args: unknown[]) => unknown };
      proto.listen = function (this: http.Server, ...args: unknown[]) {
        if (this instanceof https.Server) {
          throw new Error(
            "node:https servers are not served in the playground: it serves plain HTTP on 127.0.0.1; use createServer from node:http",
          );
        }
        const last = args.at(-1);
        const callback = typeof last === "function" ? last : undefined;
        calls.push({ server: this, port: requestedPort(args), line: callerLine() });
        intercept(this);
        const listening = serveNatively(() =>
          Reflect.apply(
            originalListen,
            this,
            callback ? [{ port: 0, host: "127.0.0.1" }, callback] : [{ port: 0, host: "127.0.0.1" }],
          ),
        );
        // Code that logs `server.address().port` gets where the playground serves it.
        this.address = playgroundAddress as typeof this.address;
        return listening;
      };
      return () => {
        proto.listen = () => {
          throw new Error(
            "server.listen() is only served when called while the snippet loads (at any depth, within 2 s of its top-level code finishing), not later from a handler or a timer",
          );
        };
      };
    },

    handlerFor(listen: CapturedListen): FetchHandler {
      return async (request: Request, runnerServer: Server<unknown>) => {
        // Bun's node:http has no idle timeout (it starts its Bun.serve with idleTimeout 0): the relay adds none either.
        runnerServer.timeout(request, 0);
        const ctx = requestStorage.getStore();
        if (!ctx || !listen.server.listening) throw new Error("the snippet's node:http server is not listening");
        const key = `${secret}.${ctx.requestId}`;
        waiting.set(key, ctx);
        const url = new URL(request.url);
        const headers = new Headers(request.headers);
        headers.set(contextHeader, key);
        const client = runnerServer.requestIP(request);
        try {
          return recordedElsewhere(
            await exchange({
              server: listen.server,
              request,
              target: `${url.pathname}${url.search}`,
              headers,
              remote: client === null ? undefined : (client as SocketAddress),
              local: { address: "127.0.0.1", family: "IPv4", port: runnerServer.port ?? 0 },
              outside: (fn) => requestStorage.exit(fn),
            }),
          );
        } catch (error) {
          // The client left while the relay was under way: the node side records what that did.
          if (request.signal.aborted) return recordedElsewhere(new NativeResponse(null, { status: 499 }));
          throw error;
        } finally {
          waiting.delete(key);
        }
      };
    },

    close(servers: Iterable<http.Server>): void {
      for (const server of servers) {
        if (!server.listening) continue;
        server.close();
        server.closeIdleConnections();
      }
    },
  };
}

function stripRawHeader(raw: string[]): void {
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]?.toLowerCase() === contextHeader) raw.splice(i, 2);
  }
}
