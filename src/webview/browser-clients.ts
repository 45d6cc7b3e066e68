/**
 * The page's own `EventSource`, for comparing a real browser's behaviour with the clients.
 * It connects through the host (same origin) on a lane the host gave it. The host records what
 * passes its proxy (requests, reconnects with their `Last-Event-ID`, chunks, comments, `retry`,
 * blocks that fire no event, how each connection ended); the page reports what only the browser
 * knows: the events it dispatched, as their `MessageEvent`s say, on the host's clock.
 */

import type { ClientEvent } from "../contract/index.ts";

export interface BrowserClientOptions {
  lane: number;
  url: string;
  hostNow: () => number;
  emit: (events: ClientEvent[]) => void;
}

export interface BrowserEventSource {
  /** The lane the host gave this client. */
  readonly lane: number;
  /**
   * Listens for named event types too: an EventSource delivers only the types it has listeners
   * for. The host asks before the bytes that complete such an event reach the page.
   */
  listen(types: readonly string[]): void;
  /** Closes the EventSource; the host records the disconnect when the browser drops the stream. */
  close(): void;
}

export function openBrowserEventSource(options: BrowserClientOptions): BrowserEventSource {
  const { lane, hostNow } = options;
  const source = new EventSource(options.url);
  const named = new Set<string>(["message"]);

  const onMessage = (message: MessageEvent) => {
    // The browser says only what the event carries: `lastEventId`, not whether its own block set it.
    options.emit([
      {
        t: hostNow(),
        lane,
        side: "client",
        kind: "sse",
        event: message.type,
        lastEventId: message.lastEventId,
        data: String(message.data),
      },
    ]);
  };
  source.addEventListener("message", onMessage);

  return {
    lane,
    listen(types: readonly string[]): void {
      for (const type of types) {
        if (named.has(type)) continue;
        named.add(type);
        source.addEventListener(type, onMessage as EventListener);
      }
    },
    close(): void {
      source.close();
    },
  };
}
