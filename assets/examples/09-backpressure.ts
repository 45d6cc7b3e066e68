// Backpressure: Bun asks a generator for its next value only once the previous one has gone out
// to the socket. A producer faster than its client waits at each yield, so the server never gets
// far ahead of what the client has read.

const MiB = 1024 * 1024;
/** 1 MiB of "a": far more than one socket write can take at once. */
const chunk = new Uint8Array(MiB).fill(0x61);

export default {
  routes: {
    // 64 MiB, produced as fast as the loop can go. Each yield waits until the client has read
    // enough: the server stays a few MiB ahead of it.
    "/generator": () =>
      new Response(async function* () {
        for (let i = 0; i < 64; i++) yield chunk;
      }),

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
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
