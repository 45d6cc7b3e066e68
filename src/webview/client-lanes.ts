/**
 * Connecting clients and letting them go. The host opens every lane; for a lane of the page's own
 * client (a real browser's `EventSource`) the page opens the connection itself and reports what the
 * browser saw.
 */

import type { ClientKind, ClientRequest, HostStatus } from "../contract/index.ts";
import { openBrowserEventSource, type BrowserEventSource } from "./browser-clients.ts";
import type { HostConnection } from "./host-connection.ts";

export interface ClientLanesOptions {
  connection: HostConnection;
  /** A client kind was connected with: the default for next time. */
  rememberClient: (kind: ClientKind) => void;
  /** A request got no reply. */
  onFailure: (error: unknown) => void;
  /** The host gave the request these lanes. */
  onLanes?: ((lanes: readonly number[], request: ClientRequest) => void) | undefined;
}

export interface ClientLanes {
  /** Asks the host for the request's lanes, and opens those that are the page's own. */
  connect(request: ClientRequest): Promise<void>;
  /** Lets one lane go, or every lane when `lane` is undefined. */
  disconnect(lane?: number): void;
  /** Closes the page's own clients whose lanes the host no longer keeps (cleared, or disconnected elsewhere). */
  forgetEnded(status: HostStatus): void;
  /** The host asks the page's client on `lane` to listen for more event types; other pages' lanes are ignored. */
  listen(lane: number, types: string[]): void;
}

export function createClientLanes(options: ClientLanesOptions): ClientLanes {
  const { connection, onFailure } = options;
  const browserClients = new Map<number, BrowserEventSource>();

  function disconnect(lane?: number): void {
    for (const [id, client] of browserClients) {
      if (lane === undefined || lane === id) {
        client.close();
        browserClients.delete(id);
      }
    }
    // The chips follow the host's status, which every page gets once the lane is gone.
    void connection.request("disconnect", { lane }).catch(onFailure);
  }

  return {
    async connect(request) {
      options.rememberClient(request.client);
      let lanes: { lane: number; url: string }[];
      // The page's own clients are stamped on its clock put on the host's: measured afresh first.
      if (request.client === "browser") await connection.syncClock();
      try {
        ({ lanes } = await connection.request("connect", { request }));
      } catch (error) {
        return onFailure(error);
      }
      options.onLanes?.(
        lanes.map(({ lane }) => lane),
        request,
      );
      for (const { lane, url } of lanes) {
        if (request.client === "browser") {
          const client = openBrowserEventSource({
            lane,
            url,
            hostNow: connection.hostNow,
            emit: (events) => void connection.request("browser-events", { events }).catch(onFailure),
          });
          browserClients.set(lane, client);
          if (request.disconnectAfterMs !== undefined) setTimeout(() => disconnect(lane), request.disconnectAfterMs);
        }
      }
    },
    disconnect,
    forgetEnded(status) {
      const live = new Set(status.clients.map((client) => client.lane));
      for (const [lane, client] of browserClients) {
        if (live.has(lane)) continue;
        client.close();
        browserClients.delete(lane);
      }
    },
    listen(lane, types) {
      // Only the page that owns the lane has its EventSource; the host asks that page alone.
      const client = browserClients.get(lane);
      if (!client) return;
      client.listen(types);
      void connection.request("browser-listening", { lane, types }).catch(onFailure);
    },
  };
}
