/**
 * The page's own `EventSource`, for comparing a real browser's behaviour with the probe clients.
 * It connects through the host (same origin) on a lane the host gave it, and its events go to the
 * host on the shared clock, so they land in the timeline beside everything else.
 */

import type { ClientEvent } from "../contract/index.ts";

export interface BrowserClientOptions {
  lane: number;
  url: string;
  hostNow: () => number;
  emit: (events: ClientEvent[]) => void;
}

export function openBrowserEventSource(options: BrowserClientOptions) {
  const { lane, hostNow } = options;
  const source = new EventSource(options.url);
  const named = new Set<string>();
  let attempt = 1;
  let connected = false;
  let errorAt: number | undefined;
  const emit = (event: ClientEvent) => options.emit([event]);

  const onMessage = (message: MessageEvent) => {
    // The browser says only what the event carries: `lastEventId`, not whether its own block set it.
    emit({ t: hostNow(), lane, side: "client", kind: "sse", event: message.type, lastEventId: message.lastEventId, data: String(message.data) });
  };
  source.addEventListener("message", onMessage);

  source.addEventListener("open", () => {
    if (attempt > 1) {
      emit({ t: hostNow(), lane, side: "client", kind: "reconnect", lastEventId: undefined, delayMs: errorAt === undefined ? 0 : hostNow() - errorAt });
    }
    connected = true;
    emit({ t: hostNow(), lane, side: "client", kind: "open", client: "browser", method: "GET", url: options.url, attempt });
  });
  source.addEventListener("error", () => {
    if (connected) emit({ t: hostNow(), lane, side: "client", kind: "disconnect", by: source.readyState === EventSource.CLOSED ? "error" : "server", bytes: 0, chunks: 0 });
    connected = false;
    errorAt = hostNow();
    attempt++;
  });

  return {
    lane,
    /** Listens for a named event type too (EventSource only delivers the types it listens for). */
    listen(type: string): void {
      if (named.has(type) || type === "message") return;
      named.add(type);
      source.addEventListener(type, onMessage as EventListener);
    },
    close(): void {
      source.close();
      if (connected) emit({ t: hostNow(), lane, side: "client", kind: "disconnect", by: "client", bytes: 0, chunks: 0 });
      connected = false;
    },
  };
}

export type BrowserEventSource = ReturnType<typeof openBrowserEventSource>;
