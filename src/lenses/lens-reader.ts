/**
 * A lane's lens: reads the client side of one lane event by event, recognises the protocol from
 * the stream itself (a header, an event name, a payload's shape) and hands the payloads to that
 * protocol's lens. Nothing is claimed on a guess: a stream whose first payloads carry no protocol's
 * signature has no reading, and is not looked at again until its client reconnects.
 */

import { countWithNoun, type JsonValue, type TimelineEvent } from "../contract/index.ts";
import { aiSdkUiPartTypes, createAiSdkUiLens } from "./ai-sdk-ui.ts";
import { createAnthropicLens } from "./anthropic.ts";
import { createGeminiLens } from "./gemini.ts";
import { createJsonPathLens, parseJsonPath, type PathStep } from "./json-path.ts";
import type { LensProtocol, LensReading } from "./lens-types.ts";
import { createMcpLens } from "./mcp.ts";
import {
  createMessageBuilder,
  type LensFrame,
  type MessageBuilder,
  objectOf,
  type ProtocolLens,
  stringOf,
} from "./message-builder.ts";
import { createOllamaLens } from "./ollama.ts";
import { createOpenAiChatLens, createOpenAiResponsesLens } from "./openai.ts";

export interface LensOptions {
  /**
   * Where the text is in a JSON stream of another shape (`$.choices[0].delta.content`). When given,
   * it is how the lane is read, whatever the stream looks like.
   */
  rule?: string | undefined;
  /** The body the lane's client sent: an MCP lens matches responses to its requests. */
  requestBody?: string | undefined;
}

export interface LensReader {
  /** Reads one event of the lane (events of other lanes and of the server side are passed over). */
  push(event: TimelineEvent): void;
  /** The lane's reading so far, or undefined while (or because) no protocol is recognised. */
  reading(): LensReading | undefined;
  /** The reading's protocol so far, without building it. */
  readonly protocol: LensProtocol | undefined;
  /** The reading's violations so far, without building it (0 before a protocol is recognised). */
  readonly violationCount: number;
  /** Why the rule cannot be used, when it cannot. */
  readonly ruleError: string | undefined;
}

/** Payloads looked at for a signature before a stream is left alone. */
export const recognitionFrames = 8;

const anthropicTypes = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
]);
const aiSdkTypes = new Set<string>(aiSdkUiPartTypes);

type Recognition = { protocol: LensProtocol; by: string };

/** The protocol a payload's shape names, if any. */
export function recognisePayload(frame: LensFrame, value: JsonValue | undefined): Recognition | undefined {
  if (frame.event !== undefined && anthropicTypes.has(frame.event))
    return { protocol: "anthropic", by: `the event name \`${frame.event}\`` };
  if (frame.event?.startsWith("response."))
    return { protocol: "openai-responses", by: `the event name \`${frame.event}\`` };
  const payload = objectOf(value);
  if (Array.isArray(value) && value.some((item) => objectOf(item)?.jsonrpc === "2.0"))
    return { protocol: "mcp", by: "a JSON-RPC 2.0 batch" };
  if (!payload) return undefined;
  const type = stringOf(payload.type);
  if (payload.object === "chat.completion.chunk")
    return { protocol: "openai-chat", by: '`"object": "chat.completion.chunk"`' };
  if (
    type?.startsWith("response.") &&
    ["response", "item", "delta", "sequence_number"].some((field) => field in payload)
  )
    return { protocol: "openai-responses", by: `\`"type": "${type}"\`` };
  if (type !== undefined && anthropicTypes.has(type)) return { protocol: "anthropic", by: `\`"type": "${type}"\`` };
  if (type !== undefined && aiSdkTypes.has(type)) return { protocol: "ai-sdk-ui", by: `the part type \`${type}\`` };
  if (Array.isArray(payload.candidates) && objectOf(payload.candidates[0])?.content !== undefined)
    return { protocol: "gemini", by: "`candidates[].content`" };
  if (payload.jsonrpc === "2.0") return { protocol: "mcp", by: "a JSON-RPC 2.0 message" };
  if (
    typeof payload.done === "boolean" &&
    (objectOf(payload.message) !== undefined || typeof payload.response === "string")
  )
    return { protocol: "ollama", by: `\`"done"\` beside \`${objectOf(payload.message) ? "message" : "response"}\`` };
  return undefined;
}

/** The media type without parameters, lowercase. */
const essenceOf = (contentType: string | undefined) => contentType?.split(";")[0]?.trim().toLowerCase();

function createProtocolLens(protocol: LensProtocol, builder: MessageBuilder, options: LensOptions, steps: PathStep[]) {
  switch (protocol) {
    case "openai-chat":
      return createOpenAiChatLens(builder);
    case "openai-responses":
      return createOpenAiResponsesLens(builder);
    case "anthropic":
      return createAnthropicLens(builder);
    case "gemini":
      return createGeminiLens(builder);
    case "ai-sdk-ui":
      return createAiSdkUiLens(builder);
    case "mcp":
      return createMcpLens(builder, { requestBody: options.requestBody });
    case "ollama":
      return createOllamaLens(builder);
    case "json-path":
      return createJsonPathLens(builder, steps);
  }
}

/** The violation a message with folded events has: their part of it was never seen. */
function foldedMissing(count: number): string {
  return `${countWithNoun(count, "event")} ${count === 1 ? "was" : "were"} folded under flood control: the message lacks their part`;
}

export function createLensReader(options: LensOptions = {}): LensReader {
  const parsedRule = options.rule === undefined || options.rule.trim() === "" ? undefined : parseJsonPath(options.rule);
  const steps = parsedRule?.ok ? parsedRule.steps : [];
  const ruled = parsedRule?.ok === true;

  let requestT: number | undefined;
  let contentType: string | undefined;
  let sessionId: string | undefined;
  let headerSign: Recognition | undefined;
  let recognised: (Recognition & { lens: ProtocolLens; builder: MessageBuilder }) | undefined;
  let looked = 0;
  let pending: LensFrame[] = [];
  let body = "";
  let bodyCut = false;
  let ended = false;
  let resumptions = 0;
  let folded = 0;
  /** No signature in the first payloads: nothing more is read until the client opens again. */
  let idle = false;

  const begin = (recognition: Recognition) => {
    const builder = createMessageBuilder();
    recognised = { ...recognition, builder, lens: createProtocolLens(recognition.protocol, builder, options, steps) };
    if (folded > 0) builder.violation(requestT ?? 0, "incomplete", foldedMissing(folded));
    for (const frame of pending) recognised.lens.frame(frame);
    pending = [];
  };

  const frame = (next: LensFrame) => {
    if (recognised) {
      recognised.lens.frame(next);
      return;
    }
    if (ruled) {
      pending.push(next);
      begin({ protocol: "json-path", by: `the rule ${options.rule!.trim()}` });
      return;
    }
    if (headerSign) {
      pending.push(next);
      begin(headerSign);
      return;
    }
    if (looked >= recognitionFrames) return;
    looked++;
    pending.push(next);
    const data = next.data.trimStart();
    let value = next.value;
    if (value === undefined && (data.startsWith("{") || data.startsWith("["))) {
      try {
        value = JSON.parse(data) as JsonValue;
      } catch {
        // Not JSON: no signature here.
      }
    }
    const recognition = recognisePayload(next, value);
    if (recognition) begin(recognition);
    else if (looked >= recognitionFrames) {
      pending = [];
      idle = true;
    }
  };

  const reset = (t: number) => {
    requestT = t;
    contentType = undefined;
    headerSign = undefined;
    recognised = undefined;
    looked = 0;
    pending = [];
    body = "";
    bodyCut = false;
    ended = false;
    folded = 0;
    idle = false;
  };

  const endStream = (t: number) => {
    if (ended) return;
    if (essenceOf(contentType) === "application/json" && body !== "") {
      frame({ t, data: body });
      if (bodyCut)
        recognised?.builder.violation(t, "incomplete", "the JSON body was longer than the part the client kept");
    }
    ended = true;
    recognised?.lens.end(t);
  };

  return {
    get protocol() {
      return recognised?.protocol;
    },
    get violationCount() {
      return recognised?.builder.violationCount ?? 0;
    },
    get ruleError() {
      return parsedRule && !parsedRule.ok ? parsedRule.error : undefined;
    },
    push(event) {
      // A stream that showed no signature is left alone until its client opens again: one check an event.
      if (idle && event.kind !== "open") return;
      if (event.side !== "client") return;
      switch (event.kind) {
        case "open":
          // An MCP client resuming with `Last-Event-ID` continues the same exchange.
          if (recognised?.protocol === "mcp" && event.attempt > 1) {
            ended = false;
            return;
          }
          reset(event.t);
          return;
        case "reconnect":
          if (event.lastEventId) resumptions++;
          return;
        case "headers": {
          const headers = new Map(Object.entries(event.headers).map(([name, value]) => [name.toLowerCase(), value]));
          contentType = headers.get("content-type");
          sessionId = headers.get("mcp-session-id") ?? sessionId;
          if (headers.has("x-vercel-ai-ui-message-stream"))
            headerSign = { protocol: "ai-sdk-ui", by: "the header `x-vercel-ai-ui-message-stream`" };
          else if (headers.has("mcp-session-id")) headerSign = { protocol: "mcp", by: "the header `Mcp-Session-Id`" };
          return;
        }
        case "sse":
          frame({ t: event.t, event: event.event, id: event.id, data: event.data });
          return;
        case "json-line":
          frame({ t: event.t, data: event.text, value: event.value, error: event.error });
          return;
        case "chunk": {
          if (essenceOf(contentType) !== "application/json") return;
          const piece = event.decoded?.text ?? event.text;
          body += piece;
          if (new TextEncoder().encode(piece).byteLength < (event.decoded?.bytes ?? event.bytes)) bodyCut = true;
          return;
        }
        case "folded":
          if (event.of !== "sse" && event.of !== "json-line") return;
          folded += event.count;
          recognised?.builder.violation(event.t, "incomplete", foldedMissing(event.count));
          return;
        case "disconnect":
          endStream(event.t);
          return;
        default:
          return;
      }
    },
    reading() {
      if (!recognised) return undefined;
      const reading = recognised.builder.reading({
        protocol: recognised.protocol,
        recognisedBy: recognised.by,
        requestT,
      });
      reading.ended = ended;
      if (sessionId !== undefined && recognised.protocol === "mcp") reading.sessionId = sessionId;
      if (resumptions > 0) reading.resumptions = resumptions;
      return reading;
    },
  };
}

/** Every client lane's reading in a timeline, by lane; `options` per lane (its request body, the rule). */
export function readLanes(
  events: Iterable<TimelineEvent>,
  optionsFor: (lane: number) => LensOptions = () => ({}),
): Map<number, LensReading> {
  const readers = new Map<number, LensReader>();
  for (const event of events) {
    if (event.side !== "client") continue;
    let reader = readers.get(event.lane);
    if (!reader) {
      reader = createLensReader(optionsFor(event.lane));
      readers.set(event.lane, reader);
    }
    reader.push(event);
  }
  const readings = new Map<number, LensReading>();
  for (const [lane, reader] of readers) {
    const reading = reader.reading();
    if (reading) readings.set(lane, reading);
  }
  return readings;
}
