// A stream that has nothing to say for a while. /quiet says nothing; /heartbeat sends a comment
// every two seconds meanwhile. The server's idle timeout is 8 s here, standing in for the proxies and
// load balancers that close quiet connections in production (Bun's own default is 10 s).

export default {
  idleTimeout: 8,
  fetch(req: Request) {
    const heartbeat = new URL(req.url).pathname === "/heartbeat";
    return new Response(
      async function* () {
        yield "data: waiting for the next score\n\n";
        // Twelve quiet seconds: a slow match.
        for (let second = 2; second <= 12; second += 2) {
          await Bun.sleep(2_000);
          // The fix: a comment line. Clients ignore it; every proxy on the way sees the stream alive.
          if (heartbeat) yield `: ping ${second}\n\n`;
        }
        yield "data: goal!\n\n";
      },
      { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
    );
  },
};
