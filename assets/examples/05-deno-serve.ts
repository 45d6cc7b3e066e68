// Written for Deno: Deno.serve(handler) starts a server, and the playground runs it as it is.
// The handler streams the current time, once a second, as bytes.
Deno.serve((_req: Request) => {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const sendTime = () => controller.enqueue(encoder.encode(`${new Date().toISOString()}\n`));
      sendTime();
      timer = setInterval(sendTime, 1000);
    },
    // The client went away: stop the clock.
    cancel() {
      clearInterval(timer);
    },
  });

  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
});
