// Streaming an answer to a POST, the way LLM APIs do: the client sends a JSON request, and the
// server answers with Server-Sent Events, one token per event, then a final [DONE] marker.
// (A browser's EventSource can only GET, so such clients read the stream with fetch.)

interface CompletionRequest {
  prompt: string;
}

function isCompletionRequest(value: unknown): value is CompletionRequest {
  return typeof value === "object" && value !== null && typeof (value as { prompt?: unknown }).prompt === "string";
}

/** A stand-in for a model: a canned answer that quotes the prompt, one word at a time. */
async function* generateTokens(prompt: string): AsyncGenerator<string> {
  const answer = `You asked: "${prompt}". This answer streams one token at a time.`;
  for (const [i, word] of answer.split(" ").entries()) {
    await Bun.sleep(50); // the model "thinking"
    yield i === 0 ? word : ` ${word}`;
  }
}

export default {
  routes: {
    "/v1/completions": {
      async POST(req: Request) {
        const body: unknown = await req.json().catch(() => undefined);
        if (!isCompletionRequest(body)) {
          return Response.json({ error: 'send a JSON body like {"prompt": "..."}' }, { status: 400 });
        }
        console.log(`prompt: ${body.prompt}`);

        return new Response(
          async function* () {
            for await (const token of generateTokens(body.prompt)) {
              // JSON keeps spaces and line breaks inside one data: line.
              yield `data: ${JSON.stringify({ token })}\n\n`;
            }
            yield "data: [DONE]\n\n";
          },
          { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
        );
      },
    },
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
