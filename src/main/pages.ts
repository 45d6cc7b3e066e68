/**
 * The pages connected to the host: each page's end of its connection (see
 * `contract/endpoint.ts`: every request answered exactly once), and the timeline fanned out to all
 * of them in batches, the buffered timeline first to a page that connects later.
 */

import {
  createEndpoint,
  errorMessage,
  type Endpoint,
  type Handlers,
  type HostPushes,
  type NoPushes,
  type NoRequests,
  type PageRequests,
  pageRequestChecks,
  type TimelineEvent,
  type TypeOf,
} from "../contract/index.ts";
import { createEventBatcher, defaultBatchMaxPending } from "./event-batcher.ts";
import { createEventBuffer } from "./event-buffer.ts";
import { FilesError } from "./files/index.ts";

/** Where the session sends a page's messages; the host wraps a WebSocket in one. */
export interface PageConnection {
  send(text: string): void;
}

export interface PagesOptions {
  /** What answers each request `page` sends. */
  handlersFor: (page: PageConnection) => Handlers<PageRequests>;
  /** What a page is told when it connects, before the buffered timeline (the status, the workspace). */
  greet: (end: Endpoint<NoRequests, HostPushes>) => void;
  /** Events kept for pages that connect later; the newest are kept. */
  bufferCapacity?: number | undefined;
  /** The longest an event waits before it is sent to the pages. */
  batchIntervalMs?: number | undefined;
  /** A batch this large is sent at once. */
  batchMaxPending?: number | undefined;
}

export interface Pages {
  /** Adds an event to the timeline: kept for pages that connect later, and sent to every page in the next batch. */
  add(event: TimelineEvent): void;
  /** Pushes to every page but `except` (the page that asked, which gets the same news as its reply). */
  broadcast<K extends TypeOf<HostPushes>>(type: K, fields: HostPushes[K], except?: PageConnection): void;
  /** Pushes to every page what must follow the events recorded so far. */
  broadcastAfterEvents<K extends TypeOf<HostPushes>>(type: K, fields: HostPushes[K]): void;
  /** Pushes to one page, if it is still connected. */
  pushTo<K extends TypeOf<HostPushes>>(page: PageConnection, type: K, fields: HostPushes[K]): void;
  /** A page connected: it is greeted, gets the buffered timeline, then live events. */
  attach(page: PageConnection): void;
  /** A page went away: its requests still waiting are answered with an error. */
  detach(page: PageConnection): void;
  /** A message from a page, as it arrived: text is parsed and checked; anything else is refused. */
  receive(page: PageConnection, data: string | Uint8Array): void;
  /** Forgets the timeline: the buffered events and those waiting for the next batch. */
  clearTimeline(): void;
  /** Drops the events waiting for the next batch and closes every page's end. */
  close(): void;
}

export function createPages(options: PagesOptions): Pages {
  const buffer = createEventBuffer(options.bufferCapacity);
  const batcher = createEventBatcher({
    intervalMs: options.batchIntervalMs,
    maxPending: options.batchMaxPending,
    flush: (events) => broadcast("events", { events }),
  });
  /** Every page connected, with its end of the connection. */
  const pages = new Map<PageConnection, Endpoint<NoRequests, HostPushes>>();

  function broadcast<K extends TypeOf<HostPushes>>(type: K, fields: HostPushes[K], except?: PageConnection): void {
    for (const [page, end] of pages) if (page !== except) end.push(type, fields);
  }

  function endpointFor(page: PageConnection): Endpoint<NoRequests, HostPushes> {
    const end: Endpoint<NoRequests, HostPushes> = createEndpoint<NoRequests, PageRequests, HostPushes, NoPushes>({
      peer: "the page",
      send: (message) => page.send(JSON.stringify(message)),
      answers: { checks: pageRequestChecks, handlers: options.handlersFor(page) },
      // A FilesError's message is already a sentence for the user; others get the request's name.
      describeFailure: (type, error) =>
        error instanceof FilesError ? error.message : `${type}: ${errorMessage(error)}`,
      // Nothing to answer (no id): the page is told all the same.
      onProblem: (problem) => end.push("failed", { message: problem }),
    });
    return end;
  }

  return {
    add(event) {
      buffer.push(event);
      batcher.add(event);
    },

    broadcast,

    broadcastAfterEvents(type, fields) {
      batcher.flush();
      broadcast(type, fields);
    },

    pushTo(page, type, fields) {
      pages.get(page)?.push(type, fields);
    },

    attach(page) {
      // Events still pending are already in the buffer: send them to the other pages first, so
      // the new page gets each event exactly once.
      batcher.flush();
      const end = endpointFor(page);
      pages.set(page, end);
      options.greet(end);
      const events = buffer.snapshot();
      const step = options.batchMaxPending ?? defaultBatchMaxPending;
      for (let i = 0; i < events.length; i += step) end.push("events", { events: events.slice(i, i + step) });
    },

    detach(page) {
      pages.get(page)?.close(new Error("the page went away"));
      pages.delete(page);
    },

    receive(page, data) {
      const end = pages.get(page);
      if (!end) return;
      if (typeof data !== "string") {
        end.push("failed", { message: "messages must be JSON text, not binary" });
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch (error) {
        end.push("failed", { message: `a message was not JSON: ${errorMessage(error)}` });
        return;
      }
      end.receive(value);
    },

    clearTimeline() {
      buffer.clear();
      batcher.discard();
    },

    close() {
      batcher.discard();
      for (const end of pages.values()) end.close(new Error("the session stopped"));
      pages.clear();
    },
  };
}
