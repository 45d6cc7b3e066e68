// A ReadableStream fed by a timer. /leaky never stops the timer; /fixed stops it in cancel(),
// which the stream calls when the client goes away.

export default function (req: Request) {
  const fixed = new URL(req.url).pathname === "/fixed";
  let timer: ReturnType<typeof setInterval> | undefined;
  let n = 0;
  const body = new ReadableStream<string>({
    start(controller) {
      timer = setInterval(() => controller.enqueue(`data: tick ${++n}\n\n`), 200);
    },
    cancel() {
      if (fixed) clearInterval(timer);
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}
