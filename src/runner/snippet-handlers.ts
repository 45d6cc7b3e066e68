/**
 * The handlers a snippet declares, in the shape Bun's server takes them. A file of their own: the
 * loader, the form finders and the `node:http` bridge all speak them, and none need the others for it.
 */

import type { Server } from "bun";

/** A request handler as Bun calls it. */
export type FetchHandler = (request: Request, server: Server<unknown>) => unknown;

/** The handler set a snippet declared, before instrumentation. */
export interface SnippetHandlers {
  fetch?: FetchHandler | undefined;
  routes?: Record<string, unknown> | undefined;
  error?: ((error: Error) => unknown) | undefined;
  /** Seconds; applied per request with `server.timeout`, since it cannot change on a live server. */
  idleTimeout?: number | undefined;
  /** Bun's `websocket` option: the handlers and options of upgraded requests. */
  websocket?: Record<string, unknown> | undefined;
}
