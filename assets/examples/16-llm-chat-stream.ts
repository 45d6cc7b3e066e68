// An OpenAI-compatible chat endpoint with a pretend model: POST /v1/chat/completions with
// "stream": true answers with Server-Sent Events, one `chat.completion.chunk` per token, then the
// usage and `data: [DONE]`. Any OpenAI client can read it: point its baseURL at this server.

interface ChatRequest {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages: { role: string; content: string }[];
}

function isChatRequest(value: unknown): value is ChatRequest {
  return typeof value === "object" && value !== null && Array.isArray((value as ChatRequest).messages);
}

/** The pretend model: a canned answer, a word at a time, with a pause while it "thinks" mid-way. */
async function* tokens(question: string): AsyncGenerator<string> {
  const answer = `You asked "${question}". Sunlight scatters off the air's molecules, and blue light scatters most. That is why the sky looks blue.`;
  for (const [i, word] of answer.split(" ").entries()) {
    await Bun.sleep(word.endsWith(".") ? 400 : 40);
    yield i === 0 ? word : ` ${word}`;
  }
}

export default {
  routes: {
    "/v1/chat/completions": {
      async POST(req: Request) {
        const body: unknown = await req.json().catch(() => undefined);
        if (!isChatRequest(body)) {
          return Response.json({ error: { message: "send a JSON body with messages", type: "invalid_request_error" } }, { status: 400 });
        }
        const question = body.messages.at(-1)?.content ?? "";
        const model = body.model ?? "pretend-1";
        // A real server makes a fresh id and time for each reply; the pretend model keeps them fixed,
        // so every run of this lesson sends the same bytes.
        const id = "chatcmpl-pretend";
        const created = 1_767_225_600;
        const chunk = (delta: object, finish_reason: string | null = null) =>
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason }] })}\n\n`;

        return new Response(
          async function* () {
            yield chunk({ role: "assistant", content: "" });
            let count = 0;
            for await (const token of tokens(question)) {
              count++;
              yield chunk({ content: token });
            }
            yield chunk({}, "stop");
            if (body.stream_options?.include_usage) {
              const usage = { prompt_tokens: question.split(" ").length, completion_tokens: count, total_tokens: question.split(" ").length + count };
              yield `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`;
            }
            yield "data: [DONE]\n\n";
          },
          { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
        );
      },
    },
  },
  fetch: () => new Response("Not found", { status: 404 }),
};
