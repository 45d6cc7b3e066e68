// Backpressure: Bun asks a generator for its next value only once the previous one has gone out
// to the socket. A producer faster than its client waits at each yield, so the server never gets
// far ahead of what the client has read.

const MiB = 1024 * 1024;
/** 1 MiB of "a": far more than one socket write can take at once. */
const chunk = new Uint8Array(MiB).fill(0x61);

/** WebSocket messages sent to each socket so far. */
const sent = new WeakMap<object, number>();

/**
 * A live feed: a 1 MiB message every 10 ms, 64 in all. When send() returns -1, Bun has queued the
 * message but the socket is backed up: the feed stops until drain() says there is room again.
 */
function feed(ws: { send(data: Uint8Array): number; readyState: number }) {
  const count = sent.get(ws) ?? 0;
  if (count === 64 || ws.readyState !== 1) return;
  sent.set(ws, count + 1);
  if (ws.send(chunk) !== -1) setTimeout(() => feed(ws), 10);
}

export default {
  routes: {
    // 64 MiB, produced as fast as the loop can go. Each yield waits until the client has read
    // enough: the server stays a few MiB ahead of it.
    "/generator": () =>
      new Response(async function* () {
        for (let i = 0; i < 64; i++) yield chunk;
      }),

    // The same with a stream's pull(): Bun calls it only when the stream wants more, which is
    // when the socket has taken the last chunk.
    "/pull": () => {
      let pulled = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (pulled++ === 64) controller.close();
            else controller.enqueue(chunk);
          },
        }),
      );
    },

    // The same 64 MiB enqueued all at once. Nothing waits: every chunk is queued in memory
    // before the client has read the first one.
    "/enqueue-all": () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 64; i++) controller.enqueue(chunk);
            controller.close();
          },
        }),
      ),

    // A WebSocket has no pull: ws.send() returns -1 when the socket is backed up, and drain()
    // is called when it has room again.
    "/ws": (req: Request, server: { upgrade(req: Request): boolean }) => (server.upgrade(req) ? undefined : new Response("Connect a WebSocket client", { status: 400 })),
  },
  websocket: { open: feed, drain: feed, message() {} },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
