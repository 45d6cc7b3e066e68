/**
 * Which responses an EventSource refuses: it "fails the connection" (no reconnect, ever) unless
 * the response is a 200 `text/event-stream`.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#processing-model
 */

import { mimeEssence } from "./http-fields.ts";

/** Why a response fails the connection, or undefined when it is a stream to read. */
export function eventSourceRefusal(response: Response): string | undefined {
  if (response.status === 204) return "HTTP 204: the server asked the client not to reconnect";
  if (response.status !== 200)
    return `HTTP ${response.status}: an EventSource reads only a 200 response, so it will not reconnect`;
  const type = mimeEssence(response.headers);
  if (type !== "text/event-stream") return `expected text/event-stream, got ${type ?? "no content-type"}`;
  return undefined;
}
