/**
 * The lenses against the protocols' official clients: each stream is served once over HTTP and
 * read by the official client (`openai`, `@anthropic-ai/sdk`, the `ai` package's UI message stream
 * reader) and by the playground's own stream client with its lens. The assembled text, reasoning,
 * tool calls, finish reason and usage must agree, and so must the verdict on a broken stream: where
 * the official client throws, the lens names a violation. Each stream is also cut at every byte
 * boundary and must read the same.
 */

import { afterAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import {
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from "ai";
import OpenAI from "openai";
import { createSseRecorder, openClient } from "../src/clients/index.ts";
import type { TimelineEvent } from "../src/contract/index.ts";
import { createLensReader, type LensReading, lensSummary, readLanes } from "../src/lenses/index.ts";
import {
  aiSdkUi,
  anthropic,
  gemini,
  type LensStream,
  notLlm,
  ollama,
  openAiChat,
  openAiResponses,
} from "./fixtures/lens-streams.ts";
import { createJsonLinesRecorder } from "../src/clients/json-lines-recorder.ts";

const served = new Map<string, LensStream>();
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request) {
    const stream = served.get(new URL(request.url).pathname.split("/")[1] ?? "");
    if (!stream) return new Response("no such stream", { status: 404 });
    return new Response(stream.body, { headers: stream.headers });
  },
});
afterAll(() => server.stop(true));

let next = 0;
/** Serves `stream` at a base URL of its own; official clients append their API's path to it. */
function serve(stream: LensStream): string {
  const key = `s${++next}`;
  served.set(key, stream);
  return `http://127.0.0.1:${server.port}/${key}`;
}

/** The lens's reading of `stream` as the playground's stream client reads it off the wire. */
async function lensOf(stream: LensStream): Promise<LensReading | undefined> {
  const events: TimelineEvent[] = [];
  await openClient({
    lane: 1,
    now: () => performance.now(),
    emit: (event) => events.push(event),
    url: `${serve(stream)}/`,
    client: "stream",
    method: "POST",
    body: "{}",
  }).done;
  return readLanes(events).get(1);
}

/** The reading of `stream`'s bytes handed to the recorder in two pieces cut at `at`. */
function readingCutAt(stream: LensStream, at: number): LensReading | undefined {
  const bytes = new TextEncoder().encode(stream.body);
  const reader = createLensReader();
  const emit = (event: TimelineEvent) => reader.push(event);
  const sink = { lane: 1, now: () => 0, emit, floodGate: { burst: 1e9, perSecond: 1e9, foldWindowMs: 1000 } };
  emit({ t: 0, lane: 1, side: "client", kind: "open", client: "stream", method: "POST", url: "/", attempt: 1 });
  emit({ t: 0, lane: 1, side: "client", kind: "headers", status: 200, headers: stream.headers, ttfbMs: 0 });
  const ndjson = stream.headers["content-type"] === "application/x-ndjson";
  const recorder = ndjson ? createJsonLinesRecorder(sink) : createSseRecorder(sink);
  recorder.feed(bytes.subarray(0, at));
  recorder.feed(bytes.subarray(at));
  recorder.reset(true);
  emit({ t: 0, lane: 1, side: "client", kind: "disconnect", by: "server", bytes: bytes.length, chunks: 2 });
  return reader.reading();
}

/** What a reading says, without its times: what cutting the bytes must not change. */
function contentOf(reading: LensReading | undefined) {
  if (!reading) return undefined;
  const {
    firstTokenMs: _f,
    gapP50Ms: _p50,
    gapP95Ms: _p95,
    gapMaxMs: _max,
    charsPerSecond: _c,
    tokensPerSecond: _tps,
    ...rest
  } = lensSummary(reading);
  return { ...rest, messages: reading.violations.map((violation) => violation.message) };
}

function expectSameAtEveryCut(stream: LensStream) {
  const whole = contentOf(readingCutAt(stream, 0));
  const bytes = new TextEncoder().encode(stream.body).length;
  const differing: number[] = [];
  for (let at = 1; at < bytes; at++)
    if (!Bun.deepEquals(contentOf(readingCutAt(stream, at)), whole)) differing.push(at);
  expect(differing).toEqual([]);
  return whole;
}

/** What the official client threw, or undefined when it read the stream to its end. */
async function thrownBy(read: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await read();
    return undefined;
  } catch (error) {
    return String(error);
  }
}

const openai = (stream: LensStream) => new OpenAI({ baseURL: serve(stream), apiKey: "test", maxRetries: 0 });
const chatParams = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };

describe("OpenAI Chat Completions, against the openai client", () => {
  test("text, finish reason, model and usage assemble as the client's final completion", async () => {
    const stream = openAiChat.text;
    const final = await openai(stream).chat.completions.stream(chatParams).finalChatCompletion();
    const reading = await lensOf(stream);
    expect(reading?.protocol).toBe("openai-chat");
    expect<unknown>({
      text: reading?.text,
      finish: reading?.finishReason,
      model: reading?.model,
      usage: reading?.usage,
      violations: reading?.violations,
    }).toEqual({
      text: final.choices[0]!.message.content!,
      finish: final.choices[0]!.finish_reason,
      model: final.model,
      usage: { ...final.usage! },
      violations: [],
    });
    expect(reading?.timing.deltas).toBe(3);
    expect(reading?.timing.firstTokenMs).toBeGreaterThan(0);
  });

  test("a tool call in fragments: its name and arguments as the client assembles them", async () => {
    const stream = openAiChat.toolCall;
    const final = await openai(stream).chat.completions.stream(chatParams).finalChatCompletion();
    const reading = await lensOf(stream);
    const calls = final.choices[0]!.message.tool_calls!.map((call) =>
      call.type === "function"
        ? { id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) }
        : call,
    );
    expect<unknown>(reading?.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }))).toEqual(
      calls,
    );
    expect(reading?.finishReason).toBe(final.choices[0]!.finish_reason);
  });

  test("broken streams: where the client throws, the lens names the rule", async () => {
    for (const [stream, rules] of [
      [openAiChat.badJson, ["invalid-json"]],
      [openAiChat.unknownTool, ["unknown-tool-call"]],
      [openAiChat.lateFinish, ["after-terminator"]],
      // It ends at the error, without `[DONE]`.
      [openAiChat.error, ["error-event", "missing-terminator"]],
    ] as const) {
      const thrown = await thrownBy(() => openai(stream).chat.completions.stream(chatParams).finalChatCompletion());
      const reading = await lensOf(stream);
      expect<unknown>({
        stream: stream.name,
        thrown: thrown !== undefined,
        rules: reading?.violations.map((v) => v.rule),
      }).toEqual({
        stream: stream.name,
        thrown: true,
        rules,
      });
    }
  });

  test("a stream without [DONE]: the client keeps what came, the lens says the terminator is missing", async () => {
    const stream = openAiChat.noDone;
    const final = await openai(stream).chat.completions.stream(chatParams).finalChatCompletion();
    const reading = await lensOf(stream);
    expect<unknown>({
      text: reading?.text,
      rules: reading?.violations.map((v) => v.rule),
      complete: reading?.complete,
    }).toEqual({
      text: final.choices[0]!.message.content!,
      rules: ["missing-terminator"],
      complete: false,
    });
  });
});

describe("OpenAI Responses, against the openai client", () => {
  test("output text and a function call as the client's final response", async () => {
    const stream = openAiResponses.textAndTool;
    const final = await openai(stream).responses.stream({ model: "gpt-4.1-mini", input: "hi" }).finalResponse();
    const reading = await lensOf(stream);
    const calls = final.output.flatMap((item) =>
      item.type === "function_call" ? [{ name: item.name, arguments: JSON.parse(item.arguments) }] : [],
    );
    expect<unknown>({
      protocol: reading?.protocol,
      text: reading?.text,
      calls: reading?.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args })),
      finish: reading?.finishReason,
      usage: reading?.usage,
      violations: reading?.violations,
    }).toEqual({
      protocol: "openai-responses",
      text: final.output_text,
      calls,
      finish: final.status!,
      usage: {
        input_tokens: final.usage!.input_tokens,
        output_tokens: final.usage!.output_tokens,
        total_tokens: final.usage!.total_tokens,
      },
      violations: [],
    });
  });

  test("an event before response.created: the client throws and the lens names the rule", async () => {
    const stream = openAiResponses.beforeCreated;
    const thrown = await thrownBy(() =>
      openai(stream).responses.stream({ model: "gpt-4.1-mini", input: "hi" }).finalResponse(),
    );
    const reading = await lensOf(stream);
    expect<unknown>({ thrown, rules: reading?.violations.map((v) => v.rule) }).toEqual({
      thrown: expect.stringContaining("response.created"),
      rules: ["out-of-order"],
    });
  });

  test("a stream without response.completed: the client's response stays unfinished, the lens says the terminator is missing", async () => {
    const stream = openAiResponses.noCompleted;
    const final = await openai(stream).responses.stream({ model: "gpt-4.1-mini", input: "hi" }).finalResponse();
    const reading = await lensOf(stream);
    expect<unknown>({
      status: final.status,
      text: reading?.text,
      rules: reading?.violations.map((v) => v.rule),
    }).toEqual({
      status: "in_progress",
      text: final.output_text,
      rules: ["missing-terminator"],
    });
  });
});

const claude = (stream: LensStream) => new Anthropic({ baseURL: serve(stream), apiKey: "test", maxRetries: 0 });
const messageParams = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "hi" }],
};

describe("Anthropic Messages, against @anthropic-ai/sdk", () => {
  test("thinking, text and a tool use as messages.stream().finalMessage() assembles them", async () => {
    const stream = anthropic.full;
    const final = await claude(stream).messages.stream(messageParams).finalMessage();
    const reading = await lensOf(stream);
    const text = final.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    const thinking = final.content.flatMap((block) => (block.type === "thinking" ? [block.thinking] : [])).join("");
    const tools = final.content.flatMap((block) =>
      block.type === "tool_use" ? [{ id: block.id, name: block.name, arguments: block.input }] : [],
    );
    expect<unknown>({
      protocol: reading?.protocol,
      text: reading?.text,
      reasoning: reading?.reasoning,
      tools: reading?.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })),
      finish: reading?.finishReason,
      outputTokens: reading?.usage?.output_tokens,
      inputTokens: reading?.usage?.input_tokens,
      violations: reading?.violations,
    }).toEqual({
      protocol: "anthropic",
      text,
      reasoning: thinking,
      tools,
      finish: final.stop_reason!,
      outputTokens: final.usage.output_tokens,
      inputTokens: final.usage.input_tokens,
      violations: [],
    });
  });

  test("a delta before its block: the client leaves it out of the message, and so does the lens, naming the rule", async () => {
    const stream = anthropic.deltaBeforeStart;
    const final = await claude(stream).messages.stream(messageParams).finalMessage();
    const reading = await lensOf(stream);
    const text = final.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    expect<unknown>({ text: reading?.text, rules: reading?.violations.map((v) => v.rule) }).toEqual({
      text,
      rules: ["out-of-order"],
    });
  });

  test("broken streams: the client throws and the lens names the rule", async () => {
    for (const [stream, rule] of [
      [anthropic.noStop, "missing-terminator"],
      [anthropic.overloaded, "error-event"],
    ] as const) {
      const thrown = await thrownBy(() => claude(stream).messages.stream(messageParams).finalMessage());
      const reading = await lensOf(stream);
      expect<unknown>({
        stream: stream.name,
        thrown: thrown !== undefined,
        rules: reading?.violations.map((v) => v.rule),
      }).toEqual({
        stream: stream.name,
        thrown: true,
        rules: rule === "error-event" ? ["error-event", "missing-terminator"] : [rule],
      });
    }
  });
});

/** The message the `ai` package's reader assembles from a UI message stream, or what it threw. */
async function readUiMessage(stream: LensStream): Promise<UIMessage> {
  const response = await fetch(serve(stream));
  const chunks = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream<{ success: boolean; value?: UIMessageChunk; error?: unknown }, UIMessageChunk>({
      transform(result, controller) {
        if (!result.success) throw result.error;
        controller.enqueue(result.value!);
      },
    }),
  );
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream: chunks, terminateOnError: true })) last = message;
  if (!last) throw new Error("no message");
  return last;
}

describe("AI SDK UI message stream, against the ai package's readUIMessageStream", () => {
  test("reasoning, text and a tool's input and output as the reader's message", async () => {
    const stream = aiSdkUi.full;
    const message = await readUiMessage(stream);
    const reading = await lensOf(stream);
    const text = message.parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
    const reasoning = message.parts.flatMap((part) => (part.type === "reasoning" ? [part.text] : [])).join("");
    const tools = message.parts.flatMap((part) =>
      part.type.startsWith("tool-") && "input" in part
        ? [{ name: part.type.slice(5), arguments: part.input, output: "output" in part ? part.output : undefined }]
        : [],
    );
    expect<unknown>({
      protocol: reading?.protocol,
      recognisedBy: reading?.recognisedBy,
      text: reading?.text,
      reasoning: reading?.reasoning,
      tools: reading?.toolCalls.map(({ name, arguments: args, output }) => ({ name, arguments: args, output })),
      violations: reading?.violations,
    }).toEqual({
      protocol: "ai-sdk-ui",
      recognisedBy: "the header `x-vercel-ai-ui-message-stream`",
      text,
      reasoning,
      tools,
      violations: [],
    });
  });

  test("a text-delta before its text-start: the reader throws, the lens names the rule", async () => {
    const stream = aiSdkUi.deltaBeforeStart;
    const thrown = await thrownBy(() => readUiMessage(stream));
    const reading = await lensOf(stream);
    expect<unknown>({ thrown, rules: reading?.violations.map((v) => v.rule) }).toEqual({
      thrown: expect.stringContaining("text-delta for missing text part"),
      rules: ["out-of-order"],
    });
  });
});

test("the AI SDK's own server, streamText with its documented mock model: the lens and readUIMessageStream agree", async () => {
  const { default: snippet } = await import("./fixtures/wire/ai-sdk-ui-message-stream.ts");
  const response = snippet.fetch();
  const stream: LensStream = {
    name: "streamText().toUIMessageStreamResponse()",
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
  const message = await readUiMessage(stream);
  const reading = await lensOf(stream);
  expect({
    protocol: reading?.protocol,
    text: reading?.text,
    violations: reading?.violations,
    complete: reading?.complete,
  }).toEqual({
    protocol: "ai-sdk-ui",
    text: message.parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(""),
    violations: [],
    complete: true,
  });
});

describe("Gemini and Ollama, as their API references describe the stream", () => {
  test("Gemini: thought parts are reasoning, text parts the text, a functionCall a tool call; usage from usageMetadata", async () => {
    const reading = await lensOf(gemini.full);
    expect(contentOf(reading)).toMatchObject({
      protocol: "gemini",
      text: "It is sunny.",
      reasoning: "Weather question.",
      tool: { get_weather: { city: "Paris" } },
      finishReason: "STOP",
      usage: { promptTokenCount: 8, candidatesTokenCount: 6, totalTokenCount: 14 },
      violations: 0,
    });
  });

  test("Ollama: message.content lines up to done: true; a stream cut before it is missing its terminator", async () => {
    expect(contentOf(await lensOf(ollama.chat))).toMatchObject({
      protocol: "ollama",
      text: "Why is the sky blue?",
      finishReason: "stop",
      usage: { prompt_eval_count: 26, eval_count: 3, total_duration: 5_000_000 },
      violations: 0,
    });
    expect(contentOf(await lensOf(ollama.cut))).toMatchObject({
      text: "Why is the sky",
      rules: ["missing-terminator"],
    });
  });
});

describe("every stream reads the same cut at every byte boundary", () => {
  const all = [
    ...Object.values(openAiChat),
    ...Object.values(openAiResponses),
    ...Object.values(anthropic),
    ...Object.values(aiSdkUi),
    ...Object.values(gemini),
    ...Object.values(ollama),
  ];
  for (const stream of all) test(stream.name, () => expect(expectSameAtEveryCut(stream)).toBeDefined());
});

describe("a stream that is none of these protocols is never claimed", () => {
  for (const stream of Object.values(notLlm))
    test(stream.name, async () => {
      expect(await lensOf(stream)).toBeUndefined();
      expect(readingCutAt(stream, 0)).toBeUndefined();
    });
});
