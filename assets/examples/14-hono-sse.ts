// Hono's streamSSE helper, as Hono's docs use it with Bun: `export default app`.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";

const app = new Hono();

// The loop asks the stream whether the client is still there; onAbort is the cleanup.
app.get("/clock", (c) =>
  streamSSE(c, async (stream) => {
    stream.onAbort(() => {
      console.log("clock: the client left");
    });
    let id = 0;
    while (!stream.aborted) {
      await stream.writeSSE({ event: "time-update", id: String(id++), data: `It is ${new Date().toISOString()}` });
      await stream.sleep(500);
    }
  }),
);

// The loop from Hono's docs: nothing in it notices the client leaving, and writeSSE to a
// client that is gone fails without a word, so it runs for as long as the server does.
app.get("/forever", (c) =>
  streamSSE(c, async (stream) => {
    let id = 0;
    while (true) {
      await stream.writeSSE({ event: "time-update", id: String(id++), data: `It is ${new Date().toISOString()}` });
      await stream.sleep(500);
    }
  }),
);

export default app;
