/**
 * A browser's EventSource seen from the proxy it connects through: every request it makes (`open`,
 * and `reconnect` with the `Last-Event-ID` it really sent), the response head, every chunk, and the
 * stream parsed as the browser parses it, for what a page cannot observe: comments, `retry`,
 * malformed lines, blocks that fire no event, and how each connection ended.
 *
 * The events the browser dispatches are the page's to report, as its own `MessageEvent`s. But an
 * EventSource delivers only the types it has listeners for, so before a chunk that completes an
 * event of a new type goes on to the page, the page is asked to listen for it, and the chunk
 * waits (within a bound) until it says it does.
 */

import { type ChunkEvent, type DisconnectBy, errorMessage } from "../contract/index.ts";
import { chunkEventOf, disconnectEventOf, headersEventOf } from "./read-events.ts";
import { eventSourceRefusal } from "./eventsource-refusal.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import { mimeEssence } from "./http-fields.ts";
import { createSseRecorder } from "./sse-recorder.ts";
import type { ClientEventSink } from "./types.ts";

/** How long a chunk waits for the page to listen for a new event type before it goes on anyway. */
export const defaultListenTimeoutMs = 2_000;

export interface LaneTapOptions extends ClientEventSink {
  /** Asks the page to listen for these event types; it answers through `listening`. */
  askToListen: (types: string[]) => void;
  /** `defaultListenTimeoutMs` when left out. */
  listenTimeoutMs?: number | undefined;
}

/** One request of the browser on the lane, from its head to its end. */
export interface LaneTapConnection {
  /** The response head arrived from the server. */
  response(response: Response): void;
  /** The response body, recorded as it goes on to the browser. */
  body(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> | null;
  /** The request got no response (the server could not be reached). */
  failed(message: string): void;
}

/**
 * A `Last-Event-ID` header as text. The browser sends the id as UTF-8; Bun 1.4.5 gives a header
 * value one character per byte.
 */
function headerText(value: string): string {
  return Buffer.from(value, "latin1").toString("utf8");
}

/** A lane's browser EventSource, seen from the proxy it connects through. */
export interface LaneTap {
  /** The browser made a request on the lane (its first, or a reconnect) for `url`. */
  connect(url: string, request: Request): LaneTapConnection;
  /** The page listens for these event types now. */
  listening(types: readonly string[]): void;
}

export function createLaneTap(options: LaneTapOptions): LaneTap {
  const { lane, now, emit } = options;
  const sink = { lane, now, emit, floodGate: options.floodGate };
  /** Event types the page listens for: `message` always. */
  const listened = new Set(["message"]);
  const waiters = new Set<{ types: string[]; resolve: () => void }>();
  /** Types a chunk being fed completed events of that the page does not listen for yet. */
  let unheard: string[] = [];
  // One recorder for the lane: the last event id and `retry` carry across reconnects.
  const recorder = createSseRecorder(sink, {
    onDispatch(event) {
      if (!listened.has(event.event)) unheard.push(event.event);
    },
  });
  let attempt = 0;
  /** When the last connection ended, for the reconnect's delay. */
  let lastEnd: number | undefined;

  /** Resolves once the page listens for every one of `types`, or after the bound. */
  function heardBy(types: readonly string[]): Promise<void> {
    const missing = [...new Set(types)].filter((type) => !listened.has(type));
    if (missing.length === 0) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      resolve();
    }, options.listenTimeoutMs ?? defaultListenTimeoutMs);
    const waiter = {
      types: missing,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    waiters.add(waiter);
    options.askToListen(missing);
    return promise;
  }

  function connect(url: string, request: Request): LaneTapConnection {
    attempt++;
    const sentAt = now();
    if (attempt > 1) {
      const header = request.headers.get("last-event-id");
      emit({
        t: sentAt,
        lane,
        side: "client",
        kind: "reconnect",
        ...(header === null ? {} : { lastEventId: headerText(header) }),
        delayMs: lastEnd === undefined ? 0 : sentAt - lastEnd,
      });
    }
    emit({ t: sentAt, lane, side: "client", kind: "open", client: "browser", method: request.method, url, attempt });
    const chunkEvents = createGatedEmitter<ChunkEvent>({ of: "chunk", lane, emit, floodGate: options.floodGate });
    let bytes = 0;
    let chunks = 0;
    let ended = false;
    let eventStream = false;
    let refusal: string | undefined;

    function finish(by: DisconnectBy, message?: string): void {
      if (ended) return;
      ended = true;
      chunkEvents.flush();
      if (eventStream) recorder.reset();
      const t = now();
      lastEnd = t;
      emit(disconnectEventOf(t, lane, { by, message, bytes, chunks }));
    }

    return {
      response(response) {
        const t = now();
        emit(headersEventOf(t, lane, response, sentAt));
        refusal = eventSourceRefusal(response);
        eventStream = refusal === undefined && mimeEssence(response.headers) === "text/event-stream";
      },
      body(body) {
        if (body === null) {
          finish(refusal === undefined ? "server" : "error", refusal);
          return null;
        }
        const reader = body.getReader();
        return new ReadableStream<Uint8Array>({
          async pull(controller) {
            let read: Awaited<ReturnType<typeof reader.read>>;
            try {
              read = await reader.read();
            } catch (error) {
              finish("error", errorMessage(error));
              controller.error(error);
              return;
            }
            if (read.done) {
              finish(refusal === undefined ? "server" : "error", refusal);
              controller.close();
              return;
            }
            const value = read.value;
            const t = now();
            bytes += value.byteLength;
            chunks++;
            chunkEvents.record(t, value.byteLength, () => chunkEventOf(t, lane, value));
            if (eventStream) {
              unheard = [];
              recorder.feed(value);
              if (unheard.length > 0) await heardBy(unheard);
            }
            controller.enqueue(value);
          },
          cancel(reason) {
            // The browser went away: the page closed its EventSource, or the page itself closed.
            finish("client");
            return reader.cancel(reason);
          },
        });
      },
      failed(message) {
        finish("error", message);
      },
    };
  }

  return {
    connect,
    listening(types: readonly string[]): void {
      for (const type of types) listened.add(type);
      for (const waiter of waiters) {
        if (!waiter.types.every((type) => listened.has(type))) continue;
        waiters.delete(waiter);
        waiter.resolve();
      }
    },
  };
}
