/**
 * Protocol lenses: what an LLM's or an agent's stream says once a client assembles it. A lens reads
 * the client side of one lane (the events the lane's client recorded off the wire) and gives the
 * message as the protocol's own client would build it, how fast it came, and where the stream
 * broke the protocol. A stream is read through a lens only when it carries that protocol's
 * signature; any other stream has no reading.
 */

import type { JsonValue } from "../contract/index.ts";

/** The protocols a lens knows, in the order they are recognised. */
export const lensProtocols = [
  "openai-chat",
  "openai-responses",
  "anthropic",
  "gemini",
  "ai-sdk-ui",
  "mcp",
  "ollama",
  /** Any other JSON stream, read by the user's own rule (`$.choices[0].delta.content`). */
  "json-path",
] as const;
export type LensProtocol = (typeof lensProtocols)[number];

/** Each protocol's name as people say it. */
export const lensProtocolNames: Record<LensProtocol, string> = {
  "openai-chat": "OpenAI Chat Completions",
  "openai-responses": "OpenAI Responses",
  anthropic: "Anthropic Messages",
  gemini: "Google Gemini",
  "ai-sdk-ui": "AI SDK UI message stream",
  mcp: "MCP Streamable HTTP",
  ollama: "Ollama chat",
  "json-path": "JSON stream",
};

/** The protocol rules a stream can break; each violation names one. */
export const lensRules = [
  /** A data payload that should be JSON and is not. */
  "invalid-json",
  /** An event before the one that must open it (a `content_block_delta` before its `content_block_start`). */
  "out-of-order",
  /** The stream ended without its terminator (`[DONE]`, `message_stop`, `response.completed`, `done: true`). */
  "missing-terminator",
  /** Data after the terminator: a client has stopped reading by then. */
  "after-terminator",
  /** A tool-call fragment for an index or id that no fragment started. */
  "unknown-tool-call",
  /** The stream reported an error of the protocol's own (`event: error`, an `error` member). */
  "error-event",
  /** A JSON-RPC response whose `id` matches no request the client sent. */
  "unmatched-response",
  /** A JSON-RPC request the stream ended without answering. */
  "unanswered-request",
  /** Events were folded under flood control: the message is missing their part. */
  "incomplete",
] as const;
export type LensRule = (typeof lensRules)[number];

/** One break of the protocol, at the moment it happened. */
export interface LensViolation {
  /** When, on the timeline's clock: the event that broke the rule (or the end of the stream). */
  t: number;
  rule: LensRule;
  message: string;
}

/** The parts of a message a delta adds to. */
export const deltaChannels = ["text", "reasoning", "tool"] as const;
export type DeltaChannel = (typeof deltaChannels)[number];

/** A piece of the message as it arrived. */
export interface LensDelta {
  t: number;
  channel: DeltaChannel;
  text: string;
  /** For `tool`: the key of the call it belongs to. */
  call?: string | undefined;
}

/** A tool (function) call as the client assembles it. */
export interface LensToolCall {
  /** The protocol's key for the call: its id, or its index where fragments name only an index. */
  key: string;
  id?: string | undefined;
  name: string;
  /** The arguments JSON as its fragments spelled it. */
  argumentsText: string;
  /** The arguments, once complete and valid JSON. */
  arguments?: JsonValue | undefined;
  /** Why the arguments are not JSON (the parser's message), once the call is complete. */
  argumentsError?: string | undefined;
  /** When its first fragment came. */
  t: number;
  /** The tool's result, where the stream carries it (the AI SDK's `tool-output-available`). */
  output?: JsonValue | undefined;
}

/** A JSON-RPC message an MCP stream carried, matched with the request it answers where there is one. */
export interface LensRpcMessage {
  t: number;
  /** `request` and `notification` come from the server; `result` and `error` answer the client. */
  type: "request" | "notification" | "result" | "error";
  id?: string | number | undefined;
  method?: string | undefined;
  /** The SSE event id it came with: what `Last-Event-ID` resumes from. */
  eventId?: string | undefined;
  /** For `result`/`error`: the method of the request it answers, when the client's request is known. */
  answers?: string | undefined;
  value: JsonValue;
}

/** Times of the message's arrival, in milliseconds. */
export interface LensTiming {
  /** When the request was made (the client's `open`). */
  requestT?: number | undefined;
  /** From the request to the first text or reasoning delta. */
  firstTokenMs?: number | undefined;
  /** Text, reasoning and tool-argument deltas. */
  deltas: number;
  /** Gaps between consecutive deltas: median, 95th percentile and longest. */
  gapP50Ms?: number | undefined;
  gapP95Ms?: number | undefined;
  gapMaxMs?: number | undefined;
  /** The longest gap, where a reader would notice the stream stall: when it began and how long. */
  stall?: { t: number; ms: number } | undefined;
  /** Output tokens per second from the first delta to the last, where the stream reports its usage. */
  tokensPerSecond?: number | undefined;
  /** Characters of text and reasoning per second from the first delta to the last. */
  charsPerSecond?: number | undefined;
  /** From the first delta to the last. */
  streamingMs?: number | undefined;
}

/** What a lens read from a lane: the message as a client would assemble it, its timing and its breaks. */
export interface LensReading {
  protocol: LensProtocol;
  /** Why the stream was read as this protocol (a header, an event name, a data shape). */
  recognisedBy: string;
  text: string;
  reasoning: string;
  toolCalls: LensToolCall[];
  finishReason?: string | undefined;
  usage?: Record<string, number> | undefined;
  /** The model, where the stream names it. */
  model?: string | undefined;
  /** Every text, reasoning and tool-argument delta, in order: the message as it grew. */
  deltas: LensDelta[];
  violations: LensViolation[];
  timing: LensTiming;
  /** The terminator came. */
  complete: boolean;
  /** The client's connection ended (with or without the terminator). */
  ended: boolean;
  /** MCP: the JSON-RPC messages, in order. */
  rpc?: LensRpcMessage[] | undefined;
  /** MCP: the session id the server gave (`Mcp-Session-Id`). */
  sessionId?: string | undefined;
  /** Times the client resumed the stream with `Last-Event-ID`. */
  resumptions?: number | undefined;
}
