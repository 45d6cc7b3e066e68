// A pitfall: new Response() takes an async generator *function* and streams it, but any other
// function, such as an arrow that returns a generator, is sent as its source code.

async function* countdown() {
  for (let n = 3; n > 0; n--) {
    yield `${n}...\n`;
    await Bun.sleep(100);
  }
  yield "liftoff!\n";
}

export default {
  routes: {
    // Looks like it streams the countdown. It sends the text "() => countdown()" instead.
    "/broken": () => new Response(() => countdown()),

    // Either pass the generator object (call the function yourself) ...
    "/fixed": () => new Response(countdown()),

    // ... or the async generator function itself, which Bun calls for you.
    "/also-fixed": () => new Response(countdown),
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
