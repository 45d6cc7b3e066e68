// A response body can be an async generator function: Bun calls it and sends every value it
// yields as soon as it is yielded, without waiting for the rest.
export default {
  fetch() {
    return new Response(
      async function* () {
        // Strings are sent as UTF-8 ...
        yield "Hello from a generator!\n";

        // ... and while the generator waits, the first chunk is already on its way.
        await Bun.sleep(100);

        // Bytes work too: a Uint8Array (or any ArrayBuffer view) is sent as is.
        yield new TextEncoder().encode("And these are bytes, 100 ms later.\n");

        // Returning ends the response.
      },
      { headers: { "content-type": "text/plain; charset=utf-8" } },
    );
  },
};
