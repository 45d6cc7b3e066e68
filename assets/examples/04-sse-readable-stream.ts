// SSE from a ReadableStream: start() sets up a timer that pushes messages, cancel() tears it down.
export default {
  fetch() {
    const encoder = new TextEncoder();
    let timer: ReturnType<typeof setInterval> | undefined;
    let count = 0;

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("event: connected\ndata: hello\n\n"));
        timer = setInterval(() => {
          count++;
          controller.enqueue(encoder.encode(`id: ${count}\ndata: tick ${count}\n\n`));
        }, 500);
      },
      // Runs when the client goes away. Without it the interval would tick forever, pushing into a
      // stream nobody reads (lesson 07 shows that leak).
      cancel(reason) {
        clearInterval(timer);
        console.log(`stopped after ${count} ticks:`, String(reason));
      },
    });

    return new Response(stream, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  },
};
