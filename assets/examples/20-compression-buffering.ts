// Three ways to send the same five events, 250 ms apart: /plain as they are, /gzip through a
// compressor, and /proxied through a relay that buffers, as many proxies do.

const encoder = new TextEncoder();

/** The five events, as bytes. */
function events(): ReadableStream {
  return new ReadableStream({
    async start(controller) {
      for (let i = 1; i <= 5; i++) {
        controller.enqueue(encoder.encode(`data: update ${i}\n\n`));
        await Bun.sleep(250);
      }
      controller.close();
    },
  });
}

/** A relay that passes text on in blocks of 4 KiB, or at the end: what a buffering proxy does. */
function buffering(source: ReadableStream<Uint8Array>): ReadableStream<string> {
  const decoder = new TextDecoder();
  let held = "";
  return source.pipeThrough(
    new TransformStream<Uint8Array, string>({
      transform(chunk, controller) {
        held += decoder.decode(chunk, { stream: true });
        if (held.length >= 4096) {
          controller.enqueue(held);
          held = "";
        }
      },
      flush(controller) {
        if (held !== "") controller.enqueue(held);
      },
    }),
  );
}

export default function (req: Request) {
  const path = new URL(req.url).pathname;
  if (path === "/gzip")
    return new Response(events().pipeThrough(new CompressionStream("gzip")), {
      headers: { "content-type": "text/event-stream", "content-encoding": "gzip" },
    });
  if (path === "/proxied") return new Response(buffering(events()), { headers: { "content-type": "text/event-stream" } });
  // The fix: no compression on the event stream, and no-transform so proxies leave it alone too.
  return new Response(events(), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
