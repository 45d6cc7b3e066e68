// Every SSE field, on the wire and in the client. A small typed encoder turns whatever the handler
// has (a number, a string, bytes, an object, a message) into the text/event-stream format.
// @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

/** The fields of one SSE message. Every one is optional. */
interface SseFields {
  /** The payload. Strings go as they are, bytes are decoded as UTF-8, anything else becomes JSON. */
  data?: unknown;
  /** The event type; an EventSource dispatches it to addEventListener(event). Default "message". */
  event?: string;
  /** Remembered by the client and sent back as the Last-Event-ID header when it reconnects. */
  id?: string | number;
  /** Milliseconds the client waits before reconnecting. */
  retry?: number;
  /** A line starting with ":". Clients ignore it: useful as a keep-alive ping. */
  comment?: string;
}

/** A message as a value of its own, like Python Litestar's ServerSentEventMessage. */
class SseMessage {
  constructor(readonly fields: SseFields) {}
}

type SseInput = string | number | Uint8Array | SseFields | SseMessage;

const decoder = new TextDecoder();

function dataText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof Uint8Array) return decoder.decode(data);
  return JSON.stringify(data);
}

/** One message in the wire format, ending with the blank line that dispatches it. */
function encodeSse(input: SseInput): string {
  const fields: SseFields =
    input instanceof SseMessage ? input.fields
    : typeof input === "object" && !(input instanceof Uint8Array) ? input
    : { data: input };
  const lines: string[] = [];
  // A line break inside a value would end the field early: a comment gets one ":" line per line.
  if (fields.comment !== undefined) for (const line of fields.comment.split(/\r\n|\r|\n/)) lines.push(`: ${line}`);
  if (fields.event !== undefined) lines.push(`event: ${fields.event}`);
  if (fields.id !== undefined) lines.push(`id: ${fields.id}`);
  if (fields.retry !== undefined) lines.push(`retry: ${fields.retry}`);
  // Multi-line data is sent as several data: lines; the client joins them back with "\n".
  if (fields.data !== undefined) for (const line of dataText(fields.data).split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  return lines.join("\n") + "\n\n";
}

/** Goals of a match, one message per score change; each id is the change's number. */
const scores = [
  { home: 1, away: 0 },
  { home: 1, away: 1 },
  { home: 2, away: 1 },
];

export default {
  fetch(req: Request) {
    // An EventSource sends back the id of the last message it saw when it reconnects.
    const lastId = Number(req.headers.get("last-event-id") ?? 0);
    // 204 No Content tells an EventSource to stop reconnecting: the match is over.
    if (lastId >= scores.length) return new Response(null, { status: 204 });

    async function* messages(): AsyncGenerator<SseInput> {
      if (lastId === 0) {
        yield { retry: 1000 };
        yield { comment: "ping: a comment, which the client ignores" };
        yield 42;
        yield "two lines\nof text";
        yield new TextEncoder().encode("bytes, decoded as UTF-8");
      }
      // Send two score changes per connection, then end it, as a flaky proxy might.
      for (const id of [lastId + 1, lastId + 2]) {
        const score = scores[id - 1];
        if (score === undefined) break;
        const message = { event: "score", id, data: score };
        yield id === scores.length ? new SseMessage({ ...message, event: "final" }) : message;
      }
    }

    return new Response(
      async function* () {
        for await (const message of messages()) yield encodeSse(message);
      },
      { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
    );
  },
};
