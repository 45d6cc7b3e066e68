/**
 * Requests from outside the playground: curl, a browser tab, the user's own frontend or SDK client
 * talking to a snippet that `serve` (or the app) keeps serving. They carry no lane header, so the
 * runner gives each connection they arrive on a number of its own, by the client's address and
 * port as the server saw its socket, and records the connection's first request as that client's
 * `open`: the one thing of the client's side the server can vouch for. Later requests on the same
 * kept-alive connection land on the same lane.
 */

import type { ClientKind, OpenEvent } from "../contract/index.ts";
import { outsideLaneOf } from "../contract/index.ts";

export interface OutsideConnections {
  /**
   * The lane (see `outsideLaneOf`) and the address of a request that has no lane header; records
   * the client's `open` when it is the first request of its connection.
   */
  arrived(request: Request, address: { address: string; port: number } | null): { lane: number; from: string };
}

export interface OutsideConnectionsOptions {
  now: () => number;
  emit: (event: OpenEvent) => void;
  /** How many connections are remembered; the oldest is forgotten beyond it (its next request opens a new lane). */
  remember?: number | undefined;
}

/** What kind of client a request looks like: a WebSocket upgrade, an EventSource, or a plain reader. */
function clientKindOf(request: Request): ClientKind {
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return "websocket";
  if (request.headers.get("accept")?.includes("text/event-stream")) return "eventsource";
  return "stream";
}

/** `127.0.0.1:54321`, `[::1]:54321`. */
function addressText(address: { address: string; port: number } | null): string {
  if (address === null) return "an unknown address";
  return address.address.includes(":") ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

export function createOutsideConnections(options: OutsideConnectionsOptions): OutsideConnections {
  const remember = options.remember ?? 4_096;
  /** Connection number by address, oldest first. */
  const connections = new Map<string, number>();
  let count = 0;

  return {
    arrived(request, address) {
      const from = addressText(address);
      const known = address === null ? undefined : connections.get(from);
      if (known !== undefined) return { lane: outsideLaneOf(known), from };
      const connection = ++count;
      if (address !== null) {
        connections.set(from, connection);
        if (connections.size > remember) connections.delete(connections.keys().next().value!);
      }
      const lane = outsideLaneOf(connection);
      options.emit({
        t: options.now(),
        lane,
        side: "client",
        kind: "open",
        client: clientKindOf(request),
        method: request.method,
        url: request.url,
        attempt: 1,
        outside: from,
      });
      return { lane, from };
    },
  };
}
