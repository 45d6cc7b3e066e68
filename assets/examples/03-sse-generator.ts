// Server-Sent Events from an async generator. An SSE stream is a text/event-stream response that
// never ends on its own: each message is "data: ..." lines followed by a blank line.
import type { Server } from "bun";

/**
 * How long the stream stays quiet between ticks: longer than Bun's idle timeout (10 s, counted in
 * 4 s steps, so it strikes between 8 and 12 s after the last write).
 */
const tickEveryMs = 13_000;

export default {
  routes: {
    "/events": (req: Request, server: Server<unknown>) => {
      if (!new URL(req.url).searchParams.has("no-timeout-fix")) {
        // Bun closes a connection that has sent nothing for 10 s. A quiet SSE stream is not idle,
        // it is waiting: 0 turns the timeout off for this request.
        server.timeout(req, 0);
      }

      // Resolves when the client goes away, so the generator does not sit out a 13 s sleep for a
      // client that has left (lesson 07 is about why that matters).
      const clientLeft = new Promise((resolve) => req.signal.addEventListener("abort", resolve, { once: true }));

      return new Response(
        async function* () {
          yield "event: connected\ndata: hello\n\n";
          for (let tick = 1; !req.signal.aborted; tick++) {
            await Promise.race([Bun.sleep(tickEveryMs), clientLeft]);
            if (req.signal.aborted) return;
            yield `data: tick ${tick} at ${new Date().toISOString()}\n\n`;
          }
        },
        { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
      );
    },
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
