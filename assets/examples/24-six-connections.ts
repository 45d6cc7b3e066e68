// A live feed that a page opens once per widget: each widget its own EventSource. Every stream
// ticks twice a second and ends after 4 s; a browser's EventSource then reconnects on its own.

export default function (req: Request) {
  const widget = new URL(req.url).searchParams.get("widget") ?? "?";
  return new Response(
    async function* () {
      // Long enough a retry that the ended streams stay away while the lesson is watched.
      yield "retry: 60000\n\n";
      for (let tick = 1; tick <= 8; tick++) {
        yield `data: widget ${widget}, tick ${tick}\n\n`;
        await Bun.sleep(500);
      }
    },
    { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
  );
}
