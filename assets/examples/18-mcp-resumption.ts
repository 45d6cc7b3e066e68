// An MCP server over Streamable HTTP, written out by hand: JSON-RPC requests are POSTed to /mcp; a
// quick answer is one JSON body, a slow tool's answer is an event stream of progress messages and
// then its result. Every event has an id, so a client whose stream breaks can GET /mcp with
// `Last-Event-ID` and receive what it missed, then the rest. `"drop": true` makes the server cut
// the tool's stream after two messages, as a proxy's timeout would.

type Id = string | number;
interface Rpc {
  jsonrpc: "2.0";
  id?: Id;
  method?: string;
  params?: { name?: string; arguments?: { to?: number; drop?: boolean }; protocolVersion?: string };
}

/** One answer's events, kept so a client can resume: every event sent, and who is listening now. */
interface Answer {
  events: { id: string; data: string }[];
  listeners: Set<(event: { id: string; data: string } | "end") => void>;
  ended: boolean;
}
const answers = new Map<string, Answer>();
let nextAnswer = 0;

const sse = ({ id, data }: { id: string; data: string }) => `id: ${id}\nevent: message\ndata: ${data}\n\n`;
const message = (body: object) => JSON.stringify({ jsonrpc: "2.0", ...body });

/** A stream of `answer`'s events after `after` (all when undefined), then its later ones until it ends. */
function follow(answer: Answer, after: number, cutAfter = Number.POSITIVE_INFINITY): ReadableStream<string> {
  let listener: ((event: { id: string; data: string } | "end") => void) | undefined;
  return new ReadableStream<string>({
    start(controller) {
      let sent = 0;
      const send = (event: { id: string; data: string } | "end") => {
        if (event === "end" || sent >= cutAfter) {
          if (listener) answer.listeners.delete(listener);
          controller.close();
          return;
        }
        controller.enqueue(sse(event));
        sent++;
      };
      // `retry` tells the client how soon to come back if this stream breaks.
      controller.enqueue("retry: 500\n\n");
      for (const event of answer.events.slice(after)) send(event);
      if (answer.ended) return send("end");
      listener = send;
      answer.listeners.add(listener);
    },
    cancel() {
      if (listener) answer.listeners.delete(listener);
    },
  });
}

/** Runs the `count` tool: a progress message every 300 ms, then the result, each an event of `answer`. */
async function count(answer: Answer, streamId: string, id: Id, to: number) {
  const emit = (data: string) => {
    const event = { id: `${streamId}/${answer.events.length + 1}`, data };
    answer.events.push(event);
    for (const listener of answer.listeners) listener(event);
  };
  for (let n = 1; n <= to; n++) {
    await Bun.sleep(300);
    emit(message({ method: "notifications/message", params: { level: "info", data: `counted ${n}` } }));
  }
  emit(message({ id, result: { content: [{ type: "text", text: `Counted to ${to}.` }] } }));
  answer.ended = true;
  for (const listener of answer.listeners) listener("end");
}

const tool = {
  name: "count",
  description: "Counts slowly, saying each number as it goes",
  inputSchema: { type: "object", properties: { to: { type: "number" }, drop: { type: "boolean" } } },
};

export default {
  routes: {
    "/mcp": {
      async POST(req: Request) {
        const rpc = (await req.json()) as Rpc;
        if (rpc.id === undefined) return new Response(null, { status: 202 }); // a notification
        const reply = (body: object, headers: Record<string, string> = {}) =>
          Response.json(JSON.parse(message({ id: rpc.id, ...body })), { headers });
        switch (rpc.method) {
          case "initialize":
            return reply(
              {
                result: {
                  protocolVersion: rpc.params?.protocolVersion ?? "2025-06-18",
                  capabilities: { tools: {} },
                  serverInfo: { name: "counter", version: "1.0.0" },
                },
              },
              { "mcp-session-id": crypto.randomUUID() },
            );
          case "tools/list":
            return reply({ result: { tools: [tool] } });
          case "tools/call": {
            const streamId = `answer-${++nextAnswer}`;
            const answer: Answer = { events: [], listeners: new Set(), ended: false };
            answers.set(streamId, answer);
            void count(answer, streamId, rpc.id, rpc.params?.arguments?.to ?? 5);
            const cut = rpc.params?.arguments?.drop ? 2 : undefined;
            return new Response(follow(answer, 0, cut), { headers: { "content-type": "text/event-stream" } });
          }
          default:
            return reply({ error: { code: -32601, message: `no method ${rpc.method}` } });
        }
      },
      // Resuming: the events after the one named, then the rest as they come.
      GET(req: Request) {
        const [streamId, seen] = (req.headers.get("last-event-id") ?? "").split("/");
        const answer = answers.get(streamId ?? "");
        if (!answer) return new Response("GET /mcp resumes a stream: send Last-Event-ID", { status: 405 });
        return new Response(follow(answer, Number(seen)), { headers: { "content-type": "text/event-stream" } });
      },
    },
  },
  fetch: () => new Response("Not found", { status: 404 }),
};
