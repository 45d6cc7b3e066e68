/**
 * The page's one WebSocket to the host: requests that await a reply (each with a time limit),
 * pushes from the host, and the page's clock offset to the host's (so the page's own clients stamp
 * events on the shared clock). It reconnects by itself when the host restarts or the socket drops;
 * requests still waiting then fail with a clear error.
 */

import {
  createEndpoint,
  hostPushChecks,
  pageRequestChecks,
  RequestError,
  syncClock,
  type ClockOffset,
  type Endpoint,
  type HostPushes,
  type NoPushes,
  type NoRequests,
  type PageRequests,
  type PushPayload,
  type ReplyTo,
  type TypeOf,
} from "../contract/index.ts";

export type ConnectionState = "connecting" | "open" | "closed";

export interface HostConnectionOptions {
  /** Pushes: status, events, cleared, … */
  onPush: (push: PushPayload<HostPushes>) => void;
  onState: (state: ConnectionState) => void;
}

const maxBackoffMs = 5_000;
/** Clock syncs after the first, once the page has started up and answers promptly. */
const resyncAfterMs = [1_000, 3_000, 10_000];
/** How often a page tells the host it is alive (see `src/main/page-watch.ts`). */
export const heartbeatMs = 5_000;

/**
 * How long a request may wait for its reply. A load may wait behind other loads and a runner
 * restart; a system dialog waits for the person using it.
 */
const timeouts = {
  default: 15_000,
  load: 60_000,
  export: 60_000,
  "file-open-dialog": 60 * 60_000,
  "file-save-dialog": 60 * 60_000,
  "recording-open-dialog": 60 * 60_000,
} as const;

export interface HostConnection {
  /**
   * Sends a request; resolves with its reply, or rejects with a `RequestError` (timed out, refused, failed, connection
   * lost).
   */
  request<K extends TypeOf<PageRequests>>(
    type: K,
    fields: PageRequests[K]["request"],
  ): Promise<ReplyTo<PageRequests, K>>;
  /** The host's clock now, as well as the page can tell. */
  hostNow(): number;
  /**
   * Measures the clock offset again, before the page stamps events of its own (a browser lane):
   * the page is quiet then, so the round trips are short. Resolves either way; a failure is logged.
   */
  syncClock(): Promise<void>;
}

export function createHostConnection(options: HostConnectionOptions): HostConnection {
  let backoffMs = 250;
  let offsetMs = 0;
  /** The offset measured over the shortest round trip on this connection. */
  let best: ClockOffset | undefined;
  /** Syncs over the open connection; nothing to do before one opens. */
  let sync: () => Promise<void> = async () => {};
  /** The open connection's endpoint; replaced on every reconnect. */
  let opened = Promise.withResolvers<Endpoint<PageRequests, NoPushes>>();

  function connect(): void {
    options.onState("connecting");
    const url = new URL("/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    const end = createEndpoint<PageRequests, NoRequests, NoPushes, HostPushes>({
      peer: "the host",
      send: (message) => ws.send(JSON.stringify(message)),
      sends: pageRequestChecks,
      timeouts,
      pushes: { checks: hostPushChecks, onPush: options.onPush },
      onProblem: (problem) => console.error(`a message from the host was not understood: ${problem}`),
    });
    let wasOpen = false;
    ws.onopen = () => {
      wasOpen = true;
      backoffMs = 250;
      options.onState("open");
      opened.resolve(end);
      // A new connection may be to a restarted host, whose clock is another.
      best = undefined;
      sync = () =>
        syncClock(end, { samples: 5, now: () => performance.now() }).then(
          (measured) => {
            // Both clocks are monotonic and run at the same rate: the trip that was shortest ever
            // gives the truest offset. A page busy starting up answers late, so later syncs do better.
            if (best === undefined || measured.roundTripMs < best.roundTripMs) best = measured;
            offsetMs = best.offsetMs;
          },
          (error: unknown) => console.error("clock sync with the host failed", error),
        );
      void sync();
      const timers = resyncAfterMs.map((ms) => setTimeout(() => void sync(), ms));
      // A heartbeat: the desktop app loads a page again that has gone silent (a hung page).
      const heartbeat = setInterval(() => void end.request("clock-ping", {}).catch(() => {}), heartbeatMs);
      ws.addEventListener(
        "close",
        () => {
          timers.forEach(clearTimeout);
          clearInterval(heartbeat);
        },
        { once: true },
      );
    };
    ws.onmessage = (message) => {
      let value: unknown;
      try {
        value = JSON.parse(String(message.data));
      } catch (error) {
        console.error("the host sent something that is not JSON", error);
        return;
      }
      end.receive(value);
    };
    ws.onclose = () => {
      options.onState("closed");
      sync = async () => {};
      end.close(new Error("the connection to the host was lost"));
      // Requests waiting for a connection that never opened keep waiting for the next one.
      if (wasOpen) opened = Promise.withResolvers();
      setTimeout(connect, backoffMs);
      backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
    };
  }

  /** The open connection, or a rejection when none opens within `ms`. */
  function openWithin(type: string, ms: number): Promise<Endpoint<PageRequests, NoPushes>> {
    const { promise, resolve, reject } = Promise.withResolvers<Endpoint<PageRequests, NoPushes>>();
    const timer = setTimeout(
      () => reject(new RequestError("timeout", type, `no connection to the host within ${ms} ms`)),
      ms,
    );
    void opened.promise.then((end) => {
      clearTimeout(timer);
      resolve(end);
    });
    return promise;
  }

  connect();
  return {
    async request(type, fields) {
      const limit = (timeouts as Record<string, number>)[type] ?? timeouts.default;
      const end = await openWithin(type, limit);
      return end.request(type, fields);
    },
    hostNow: () => performance.now() + offsetMs,
    syncClock: () => sync(),
  };
}
