// A reconnect lab. Every connection ends after a few numbered events, as if a proxy cut it. Each
// EventSource client reconnects with the last id its stream set, and the server carries on from there.

export default {
  fetch(req: Request) {
    // The first connection has no Last-Event-ID; a reconnect sends the last id the stream set (by a
    // block that ended with its blank line, with or without data).
    const lastId = req.headers.get("last-event-id");
    // ?off-by-one resends the last event instead of starting after it: a common mistake.
    const offByOne = new URL(req.url).searchParams.has("off-by-one");
    // ?cut ends each connection inside its last event, before the blank line that would end it.
    const cut = new URL(req.url).searchParams.has("cut");
    const first = lastId === null ? 1 : Number(lastId) + (offByOne ? 0 : 1);
    // Each connection ends after 2 to 4 events, so the clients drift apart.
    const count = 2 + Math.floor(Math.random() * 3);

    return new Response(
      async function* () {
        // Reconnect 200 ms after a stream ends, instead of the client's default (about 3 s).
        yield "retry: 200\n\n";
        for (let id = first; id < first + count; id++) {
          await Bun.sleep(50);
          const unfinished = cut && id === first + count - 1;
          // Without its blank line the event is never dispatched, and its id never counts.
          yield unfinished ? `id: ${id}\ndata: event ${id}\n` : `id: ${id}\ndata: event ${id}\n\n`;
        }
      },
      { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
    );
  },
};
