/**
 * Which handler a loaded snippet declared, in whichever form it was written. In order: a
 * `Bun.serve`/`Deno.serve` call in the snippet's own code, a `node:http` server that listens
 * (Express's `app.listen` makes one), a `Bun.serve` a library made on the snippet's behalf
 * (Elysia's `listen`, h3's `serve`), and last the default export: a function, a framework's app
 * (Hono, Elysia, h3, itty-router), or Bun's `{ fetch, routes, error }` object.
 */

import { isPlain, type Notice, type SnippetForm } from "../contract/index.ts";
import type { CapturedListen, NodeHttpBridge } from "./node-http-bridge.ts";
import { websocketOption, type CapturedServe } from "./serve-capture.ts";
import type { FetchHandler, SnippetHandlers } from "./snippet-handlers.ts";

/** What the snippet's top-level code started while it ran. */
export interface CapturedServers {
  serveCalls: CapturedServe[];
  listens: CapturedListen[];
}

export type FoundHandlers =
  | {
      ok: true;
      form: SnippetForm;
      handlers: SnippetHandlers;
      notices: Notice[];
      /** For `node-http`: the server whose requests the handlers relay. */
      served?: CapturedListen | undefined;
    }
  | { ok: false };

export interface FindHandlersOptions {
  exports: Record<string, unknown>;
  captured: CapturedServers;
  /** Where the runner serves the snippet, for the notices. */
  url: string;
  nodeHttp: NodeHttpBridge;
}

/** Finds the handler; `notices` receives what the author should know about how it is served. */
export function findHandlers(
  { exports, captured, url, nodeHttp }: FindHandlersOptions,
  notices: Notice[],
): FoundHandlers {
  const fallback = exports.default;
  /** A port the snippet asks for that is the one it is served on (as under `serve --port`) is not ignored. */
  const servedPort = Number(new URL(url).port);
  const own = captured.serveCalls.filter((call) => call.by === "snippet");
  const byLibrary = captured.serveCalls.filter((call) => call.by === "library");
  const [listen, ...extraListens] = captured.listens;

  const [first, ...extra] = own;
  if (first) {
    for (const call of extra)
      notices.push({
        message: `only the first ${first.api}.serve() call is served; this one is ignored`,
        line: call.line,
      });
    for (const call of [...byLibrary, ...captured.listens])
      notices.push({
        message: `only the snippet's ${first.api}.serve() call is served; the server started here is ignored`,
        line: call.line,
      });
    if (fallback !== undefined)
      notices.push({ message: `the default export is ignored because the snippet calls ${first.api}.serve()` });
    for (const option of first.ignoredOptions.filter((name) => name !== "port" || first.port !== servedPort))
      notices.push({ message: ignoredOptionMessage(option, `${first.api}.serve()`, url), line: first.line });
    return { ok: true, form: first.api === "Bun" ? "bun-serve" : "deno-serve", handlers: first.handlers, notices };
  }

  if (listen) {
    for (const other of extraListens)
      notices.push({ message: "only the first server that listens is served; this one is ignored", line: other.line });
    for (const call of byLibrary)
      notices.push({
        message: "only the node:http server is served; the server started here is ignored",
        line: call.line,
      });
    if (listen.port !== undefined && listen.port !== servedPort) {
      notices.push({
        message: `listen()'s port ${listen.port} is ignored in the playground: it serves this snippet at ${url}`,
        line: listen.line,
      });
    }
    if (fallback !== undefined)
      notices.push({ message: "the default export is ignored because the snippet starts a node:http server" });
    // The ws package (and socket.io) upgrade through the server's 'upgrade' event, which the relay never raises.
    if (listen.server.listenerCount("upgrade") > 0) {
      notices.push({
        message:
          "WebSockets on a node:http server (its 'upgrade' listeners, as the ws package adds) are not supported yet: the playground relays its HTTP requests only. Bun.serve's websocket option, Hono's upgradeWebSocket and Elysia's .ws() are served, and traced on both sides.",
        line: listen.line,
      });
    }
    return { ok: true, form: "node-http", handlers: { fetch: nodeHttp.handlerFor(listen) }, notices, served: listen };
  }

  const [library, ...extraLibrary] = byLibrary;
  if (library) {
    for (const call of extraLibrary)
      notices.push({ message: "only the first server started is served; this one is ignored", line: call.line });
    // The library chose the options; only where it would have listened is worth saying.
    const instead = library.port === undefined || library.port === servedPort ? "" : `, not on port ${library.port}`;
    notices.push({
      message: `the server started here is served by the playground at ${url}${instead}`,
      line: library.line,
    });
    if (fallback !== undefined)
      notices.push({ message: "the default export is ignored because the snippet starts a server" });
    return { ok: true, form: "library-serve", handlers: library.handlers, notices };
  }

  if (typeof fallback === "function") {
    return { ok: true, form: "default-function", handlers: { fetch: fallback as FetchHandler }, notices };
  }
  if (fallback !== null && typeof fallback === "object") {
    const object = fallback as Record<string, unknown>;
    const fetch = typeof object.fetch === "function" ? (object.fetch as FetchHandler) : undefined;
    if (fetch && !isPlain(object)) {
      // A framework's app: its own `routes` (Hono, Elysia and itty-router keep an array there) and
      // `error` are its business, not Bun's server options.
      return { ok: true, form: "default-app", handlers: { fetch: fetch.bind(object) }, notices };
    }
    // Bun takes `routes` only as an object of paths; an array (`{ ...router }` spreads one in) it leaves alone.
    const routes =
      object.routes !== null && typeof object.routes === "object" && !Array.isArray(object.routes)
        ? (object.routes as Record<string, unknown>)
        : undefined;
    if (fetch || routes) {
      if (!fetch)
        notices.push({
          message:
            'the default export has routes but no fetch(): they are served here as Bun.serve({ routes }) serves them, but `bun` running this file serves a default export only when it has fetch(), and would exit serving nothing. Add a fetch() for what the routes do not answer, such as fetch: () => new Response("Not Found", { status: 404 })',
        });
      for (const option of ["port", "hostname", "unix", "tls"]) {
        if (object[option] !== undefined && !(option === "port" && object[option] === servedPort))
          notices.push({ message: ignoredOptionMessage(option, "the default export", url) });
      }
      return {
        ok: true,
        form: "default-object",
        handlers: {
          fetch: fetch?.bind(object),
          routes,
          error:
            typeof object.error === "function" ? (object.error as (error: Error) => unknown).bind(object) : undefined,
          idleTimeout: typeof object.idleTimeout === "number" ? object.idleTimeout : undefined,
          websocket: websocketOption(object.websocket),
        },
        notices,
      };
    }
  }
  return { ok: false };
}

function ignoredOptionMessage(option: string, where: string, url: string): string {
  if (option === "port" || option === "hostname") {
    return `${where}'s ${option} is ignored in the playground: it serves this snippet at ${url}`;
  }
  return `${where}'s ${option} option is not supported in the playground and is ignored`;
}
