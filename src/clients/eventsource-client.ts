/**
 * A client that behaves like the browser's `EventSource`: it reconnects when the stream ends or
 * breaks, after the stream's `retry:` time, sending `Last-Event-ID`, and gives up for good when
 * the server answers with anything but a 200 `text/event-stream`.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
 */

import { openConnection, type Connection } from "./connection.ts";
import { eventSourceRefusal } from "./eventsource-refusal.ts";
import { laneHeader } from "../contract/index.ts";
import { mergeHeaders } from "./http-fields.ts";
import { slowClientFor } from "./slow-client.ts";
import { createSseRecorder, defaultRetryMs } from "./sse-recorder.ts";
import type { Client, ClientOptions } from "./types.ts";

export { defaultRetryMs };

/** `retry:` may be any digit string, and Bun 1.4.5 (as Node) turns a delay past 2^31 - 1 ms into 1 ms. */
const longestTimerMs = 2 ** 31 - 1;

/**
 * The spec sends the last event id encoded as UTF-8. `fetch` takes a header value as a byte string
 * (one character per byte): given the id as is, Bun 1.4.5 sends "é" as the Latin-1 byte E9 and
 * rejects "🌍" outright.
 */
function utf8ByteString(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

export function openEventSourceClient(options: ClientOptions): Client {
  const { lane, now, emit } = options;
  const sink = { lane, now, emit, floodGate: options.floodGate, readGuard: options.readGuard };
  const firstRetryMs = options.defaultRetryMs ?? defaultRetryMs;
  const recorder = createSseRecorder(sink, { defaultRetryMs: firstRetryMs });
  // One for the lane, across reconnects: a pause from the chip holds every connection.
  const slow = slowClientFor(options);
  let connection: Connection | undefined;
  let stopped = false;
  let cancelWait: (() => void) | undefined;

  /** Resolves true after `ms`, or false as soon as the client is disconnected. */
  function waitToReconnect(ms: number): Promise<boolean> {
    const { promise, resolve } = Promise.withResolvers<boolean>();
    const timer = setTimeout(() => resolve(true), ms);
    cancelWait = () => {
      clearTimeout(timer);
      resolve(false);
    };
    return promise;
  }

  function connect(attempt: number): Connection {
    return openConnection({
      ...sink,
      client: "eventsource",
      url: options.url,
      method: "GET",
      headers: mergeHeaders(
        { accept: "text/event-stream", "cache-control": "no-cache" },
        options.headers ?? {},
        recorder.lastEventId === "" ? {} : { "last-event-id": utf8ByteString(recorder.lastEventId) },
        options.external ? {} : { [laneHeader]: String(lane) },
      ),
      attempt,
      external: options.external,
      slow,
      refuse: eventSourceRefusal,
      recorderFor: () => recorder,
    });
  }

  async function run(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      connection = connect(attempt);
      const end = await connection.ended;
      // A dropped connection is a network error to an EventSource: it reconnects.
      if (stopped || end.by === "client" || end.refused) return;
      const delayMs = Math.min(recorder.retryMs ?? firstRetryMs, longestTimerMs);
      if (!(await waitToReconnect(delayMs)) || stopped) return;
      const lastEventId = recorder.lastEventId;
      emit({
        t: now(),
        lane,
        side: "client",
        kind: "reconnect",
        ...(lastEventId === "" ? {} : { lastEventId }),
        delayMs,
      });
    }
  }

  const done = run().then(() => slow?.pacer.close());
  return {
    disconnect(): void {
      stopped = true;
      cancelWait?.();
      connection?.close();
      slow?.pacer.close();
    },
    done,
    reading: slow?.pacer,
  };
}
