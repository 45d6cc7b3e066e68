// A tool call streamed in fragments, the way Anthropic's Messages API streams one: the model's
// text, then a `tool_use` block whose JSON input arrives a few characters at a time as
// `input_json_delta`s, each tied to its block by `index`. Request `/v1/messages?mistake` for a
// server that numbers the tool block's deltas wrongly.

/** One SSE event of the Messages stream: its type is both the event name and the data's `type`. */
const event = (data: { type: string } & Record<string, unknown>) =>
  `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

export default {
  routes: {
    "/v1/messages": {
      POST(req: Request) {
        const mistake = new URL(req.url).searchParams.has("mistake");
        const toolIndex = 1;
        // The mistake: the deltas name a block that was never started.
        const deltaIndex = mistake ? 2 : toolIndex;
        const input = JSON.stringify({ city: "Paris", unit: "celsius" });

        return new Response(
          async function* () {
            yield event({
              type: "message_start",
              message: {
                id: "msg_pretend",
                type: "message",
                role: "assistant",
                model: "pretend-claude",
                content: [],
                stop_reason: null,
                stop_sequence: null,
                usage: { input_tokens: 12, output_tokens: 1 },
              },
            });
            yield event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
            for (const text of ["Let me check", " the weather", " in Paris."]) {
              await Bun.sleep(60);
              yield event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
            }
            yield event({ type: "content_block_stop", index: 0 });
            yield event({
              type: "content_block_start",
              index: toolIndex,
              content_block: { type: "tool_use", id: "toolu_pretend", name: "get_weather", input: {} },
            });
            // The arguments, a few characters at a time: no fragment is JSON on its own.
            for (let at = 0; at < input.length; at += 7) {
              await Bun.sleep(40);
              const partial_json = input.slice(at, at + 7);
              yield event({ type: "content_block_delta", index: deltaIndex, delta: { type: "input_json_delta", partial_json } });
            }
            yield event({ type: "content_block_stop", index: toolIndex });
            yield event({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 38 } });
            yield event({ type: "message_stop" });
          },
          { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
        );
      },
    },
  },
  fetch: () => new Response("Not found", { status: 404 }),
};
