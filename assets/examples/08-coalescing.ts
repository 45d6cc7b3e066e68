// One yield is not one packet. Values yielded back to back, with nothing awaited in between, are
// sent together: Bun batches what is ready and writes it in one go.
export default {
  routes: {
    // 100 yields in one synchronous burst: they leave as a handful of chunks.
    "/burst": () =>
      new Response(async function* () {
        for (let i = 1; i <= 100; i++) yield `line ${i}\n`;
      }),

    // The same 100 yields with a 1 ms pause after each: every one leaves on its own.
    "/paced": () =>
      new Response(async function* () {
        for (let i = 1; i <= 100; i++) {
          yield `line ${i}\n`;
          await Bun.sleep(1);
        }
      }),
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
