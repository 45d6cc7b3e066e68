/**
 * The page's one WebSocket to the host: requests that await a reply, pushes from the host, and the
 * page's clock offset to the host's (so the page's own clients stamp events on the shared clock).
 * It reconnects by itself when the host restarts or the socket drops.
 */

import type { HostToPageMessage, HostToPagePayload, PageMessage, PagePayload } from "../contract/index.ts";

export type ConnectionState = "connecting" | "open" | "closed";

export interface HostConnectionOptions {
  /** Pushes that are not replies: status, events, cleared. */
  onPush: (payload: HostToPagePayload) => void;
  onState: (state: ConnectionState) => void;
}

const maxBackoffMs = 5_000;

function isHostMessage(value: unknown): value is HostToPageMessage {
  if (value === null || typeof value !== "object") return false;
  const { id, payload } = value as { id?: unknown; payload?: unknown };
  return typeof id === "number" && payload !== null && typeof payload === "object" && typeof (payload as { type?: unknown }).type === "string";
}

export function createHostConnection(options: HostConnectionOptions) {
  let socket: WebSocket | undefined;
  let nextId = 1;
  let backoffMs = 250;
  let offsetMs = 0;
  const replies = new Map<number, (payload: HostToPagePayload) => void>();
  let opened = Promise.withResolvers<void>();

  function connect(): void {
    options.onState("connecting");
    const url = new URL("/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      backoffMs = 250;
      options.onState("open");
      opened.resolve();
      void syncClock();
    };
    ws.onmessage = (message) => {
      let value: unknown;
      try {
        value = JSON.parse(String(message.data));
      } catch (error) {
        console.error("the host sent something that is not JSON", error);
        return;
      }
      if (!isHostMessage(value)) return;
      if (value.replyId !== undefined) {
        replies.get(value.replyId)?.(value.payload);
        replies.delete(value.replyId);
      } else {
        options.onPush(value.payload);
      }
    };
    ws.onclose = () => {
      options.onState("closed");
      for (const reply of replies.values()) reply({ type: "failed", message: "the connection to the host was lost" });
      replies.clear();
      opened = Promise.withResolvers<void>();
      setTimeout(connect, backoffMs);
      backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
    };
  }

  async function request(payload: PagePayload): Promise<HostToPagePayload> {
    await opened.promise;
    const message: PageMessage = { id: nextId++, payload };
    const { promise, resolve } = Promise.withResolvers<HostToPagePayload>();
    replies.set(message.id, resolve);
    socket?.send(JSON.stringify(message));
    return promise;
  }

  /** The shortest of a few round trips bounds the error of the offset best. */
  async function syncClock(): Promise<void> {
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 5; i++) {
      const sent = performance.now();
      const reply = await request({ type: "clock-ping" });
      const received = performance.now();
      if (reply.type !== "clock-pong") return;
      if (received - sent < best.rtt) best = { rtt: received - sent, offset: reply.hostNow - (sent + received) / 2 };
    }
    offsetMs = best.offset;
  }

  connect();
  return {
    request,
    /** The host's clock now, as well as the page can tell. */
    hostNow: () => performance.now() + offsetMs,
  };
}

export type HostConnection = ReturnType<typeof createHostConnection>;
