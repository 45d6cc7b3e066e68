/** The host's clients: what a client of the snippet's server receives, as timeline events. */

import { openEventSourceClient } from "./eventsource-client.ts";
import { openStreamClient } from "./stream-client.ts";
import { openWebSocketClient } from "./websocket-client.ts";
import type { Client, ClientOptions } from "./types.ts";

export type { Client, ClientEmit, ClientEventSink, ClientOptions, MessageChannel, ReadingControl } from "./types.ts";
export { createSseRecorder, type SseRecorder } from "./sse-recorder.ts";
export { defaultRetryMs } from "./eventsource-client.ts";
export { createReadMemoryGuard, type ReadMemoryGuard } from "./read-memory-guard.ts";
export { createLaneTap, type LaneTap, type LaneTapConnection } from "./lane-tap.ts";
export { releaseChunk } from "./connection.ts";
export { openEventSourceClient, openStreamClient, openWebSocketClient };

/** Opens the client `options.client` names; it starts connecting at once. */
export function openClient(options: ClientOptions): Client {
  switch (options.client) {
    case "stream":
      return openStreamClient(options);
    case "eventsource":
      return openEventSourceClient(options);
    case "websocket":
      return openWebSocketClient(options);
    case "browser":
      throw new Error("browser clients are opened by the page itself, not by the host");
  }
  const _never: never = options.client;
  throw new Error(`Unknown client: ${String(_never)}`);
}
