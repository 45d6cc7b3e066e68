// Four ways a stream notices, or fails to notice, that its client left. Each route is one.

/** Sleeps `ms`, or less: the sleep ends as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const sse = { "content-type": "text/event-stream", "cache-control": "no-cache" };

export default {
  routes: {
    // A generator's finally runs only when the generator next resumes: here, when the 2 s sleep
    // ends, long after the client left.
    "/slow-finally": () =>
      new Response(
        async function* () {
          try {
            for (let i = 1; ; i++) {
              yield `data: tick ${i}\n\n`;
              await Bun.sleep(2000);
            }
          } finally {
            console.log("slow-finally: cleaned up");
          }
        },
        { headers: sse },
      ),

    // The fix: a sleep that also ends when req.signal aborts, so finally runs at once.
    "/fixed": (req: Request) =>
      new Response(
        async function* () {
          try {
            for (let i = 1; !req.signal.aborted; i++) {
              yield `data: tick ${i}\n\n`;
              await sleep(2000, req.signal);
            }
          } finally {
            console.log("fixed: cleaned up");
          }
        },
        { headers: sse },
      ),

    // A leak: no cancel(), so nothing clears the interval when the client leaves. It keeps
    // enqueueing into the cancelled stream, and every enqueue now throws.
    "/leaky": () => {
      const stream = new ReadableStream<string>({
        start(controller) {
          let i = 0;
          setInterval(() => {
            controller.enqueue(`data: tick ${++i}\n\n`);
          }, 50);
        },
        // Missing: cancel() { clearInterval(timer); }
      });
      return new Response(stream, { headers: sse });
    },

    // A direct stream writes straight to the socket. After the client leaves, write() quietly
    // returns 0 and never throws, so this loop runs all 100 rounds unless it checks req.signal.
    "/direct": () => {
      const stream = new ReadableStream({
        type: "direct",
        async pull(controller) {
          for (let i = 1; i <= 100; i++) {
            controller.write(`data: tick ${i}\n\n`);
            await controller.flush();
            await Bun.sleep(50);
            // The fix: take (req: Request) and `if (req.signal.aborted) break;` here.
          }
          controller.close();
        },
      });
      return new Response(stream, { headers: sse });
    },
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
