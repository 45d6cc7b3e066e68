/**
 * The plain streaming client: one `fetch`, its body read to the end, as `curl -N` or an app's own
 * `fetch` would see it. A `text/event-stream` body is also parsed into SSE events.
 */

import { openConnection } from "./connection.ts";
import { laneHeader, mergeHeaders, mimeEssence } from "./http-fields.ts";
import { createSseRecorder } from "./sse-recorder.ts";
import type { Probe, ProbeOptions } from "./types.ts";

export function openStreamClient(options: ProbeOptions): Probe {
  const sink = { lane: options.lane, now: options.now, emit: options.emit, floodGate: options.floodGate };
  const connection = openConnection({
    ...sink,
    client: "stream",
    url: options.url,
    method: options.method ?? "GET",
    headers: mergeHeaders(options.headers ?? {}, { [laneHeader]: String(options.lane) }),
    body: options.body,
    attempt: 1,
    recorderFor: (response) => (mimeEssence(response.headers) === "text/event-stream" ? createSseRecorder(sink) : undefined),
  });
  return { disconnect: connection.close, done: connection.ended.then(() => undefined) };
}
