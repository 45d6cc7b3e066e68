/**
 * The plain streaming client: one `fetch`, its body read to the end, as `curl -N` or an app's own
 * `fetch` would see it. A `text/event-stream` body is also parsed into SSE events, and an NDJSON /
 * JSON Lines body into `json-line` events.
 */

import { isJsonLinesType, laneHeader } from "../contract/index.ts";
import { openConnection } from "./connection.ts";
import { mergeHeaders, mimeEssence } from "./http-fields.ts";
import { createJsonLinesRecorder } from "./json-lines-recorder.ts";
import { slowClientFor } from "./slow-client.ts";
import { createSseRecorder } from "./sse-recorder.ts";
import type { Client, ClientOptions } from "./types.ts";

export function openStreamClient(options: ClientOptions): Client {
  const sink = {
    lane: options.lane,
    now: options.now,
    emit: options.emit,
    floodGate: options.floodGate,
    readGuard: options.readGuard,
  };
  const slow = slowClientFor(options);
  const connection = openConnection({
    ...sink,
    client: "stream",
    url: options.url,
    method: options.method ?? "GET",
    headers: mergeHeaders(options.headers ?? {}, options.external ? {} : { [laneHeader]: String(options.lane) }),
    body: options.body,
    attempt: 1,
    external: options.external,
    slow,
    recorderFor: (response) => {
      const type = mimeEssence(response.headers);
      if (type === "text/event-stream") return createSseRecorder(sink);
      if (isJsonLinesType(type)) return createJsonLinesRecorder(sink);
      return undefined;
    },
  });
  const done = connection.ended.then(() => slow?.pacer.close());
  return {
    disconnect(): void {
      connection.close();
      slow?.pacer.close();
    },
    done,
    reading: slow?.pacer,
  };
}
