// A small chat over Bun's pub/sub. Every WebSocket on /chat joins the "room" topic, and what one
// says reaches the others. /feed is the same room as Server-Sent Events: it listens, and that is all.

let joined = 0;
/** The SSE readers of /feed. */
const feeds = new Set<ReadableStreamDefaultController<string>>();

function toFeeds(text: string) {
  for (const feed of feeds) feed.enqueue(`data: ${text}\n\n`);
}

const server = Bun.serve({
  routes: {
    "/chat": (req, server) => {
      const name = new URL(req.url).searchParams.get("name") ?? `guest ${++joined}`;
      if (server.upgrade(req, { data: { name } })) return;
      return new Response("Connect with a WebSocket", { status: 426 });
    },
    "/feed": (req, server) => {
      // A feed may be quiet for longer than Bun's 10 s idle timeout.
      server.timeout(req, 0);
      let feed: ReadableStreamDefaultController<string>;
      const body = new ReadableStream<string>({
        start(controller) {
          feed = controller;
          feeds.add(feed);
        },
        cancel() {
          feeds.delete(feed);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  },
  websocket: {
    data: {} as { name: string },
    open(ws) {
      ws.subscribe("room");
      // Everyone in the room, the newcomer included.
      server.publish("room", `${ws.data.name} joined`);
      toFeeds(`${ws.data.name} joined`);
    },
    message(ws, message) {
      // Everyone but the sender: ws.publish skips the socket it is called on.
      ws.publish("room", `${ws.data.name}: ${message}`);
      toFeeds(`${ws.data.name}: ${message}`);
    },
    close(ws) {
      // A closed socket has left its topics already.
      server.publish("room", `${ws.data.name} left`);
      toFeeds(`${ws.data.name} left`);
    },
  },
});
