/**
 * MCP's Streamable HTTP transport: the client POSTs JSON-RPC messages; the server answers with one
 * `application/json` body or with a `text/event-stream` of JSON-RPC messages (its own requests and
 * notifications, then the responses), each event with an id that `Last-Event-ID` resumes from.
 * The lens matches each response to the request the client sent (the lane's request body).
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http
 */

import type { JsonValue } from "../contract/index.ts";
import { type MessageBuilder, objectOf, parseFrame, type ProtocolLens, quote, stringOf } from "./message-builder.ts";

type RpcId = string | number;

/** The requests (id → method) in a client's JSON-RPC body: one message or a batch. */
export function requestsIn(body: string | undefined): Map<RpcId, string> | undefined {
  if (body === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const requests = new Map<RpcId, string>();
  for (const item of Array.isArray(value) ? value : [value]) {
    const message = objectOf(item);
    const id = message?.id;
    const method = stringOf(message?.method);
    if (method !== undefined && (typeof id === "string" || typeof id === "number")) requests.set(id, method);
  }
  return requests;
}

/** Text a result carries for a person: a tool call's `content[].text`. */
function textOf(result: Record<string, JsonValue> | undefined): string {
  const content = result?.content;
  if (!Array.isArray(content)) return "";
  return content
    .map((item) => {
      const part = objectOf(item);
      return part?.type === "text" ? (stringOf(part.text) ?? "") : "";
    })
    .join("");
}

export function createMcpLens(builder: MessageBuilder, options: { requestBody?: string | undefined }): ProtocolLens {
  const requests = requestsIn(options.requestBody);
  const answered = new Set<RpcId>();
  const seenIds = new Set<string>();
  return {
    frame(frame) {
      // Resuming replays from after `Last-Event-ID`; an event seen twice is one message.
      if (frame.id !== undefined && frame.id !== "") {
        if (seenIds.has(frame.id)) return;
        seenIds.add(frame.id);
      }
      if (frame.data.trim() === "") return;
      const parsed = parseFrame(frame);
      if (!parsed.ok) {
        builder.violation(
          frame.t,
          "invalid-json",
          `a message that is not JSON (${parsed.error}): ${quote(frame.data)}`,
        );
        return;
      }
      for (const item of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
        const message = objectOf(item);
        if (message?.jsonrpc !== "2.0") {
          builder.violation(frame.t, "invalid-json", `not a JSON-RPC 2.0 message: ${quote(JSON.stringify(item))}`);
          continue;
        }
        const id = typeof message.id === "string" || typeof message.id === "number" ? message.id : undefined;
        const method = stringOf(message.method);
        if (method !== undefined) {
          builder.rpc({
            t: frame.t,
            type: id === undefined ? "notification" : "request",
            id,
            method,
            eventId: frame.id,
            value: message,
          });
          continue;
        }
        const error = objectOf(message.error);
        const answers = id === undefined ? undefined : requests?.get(id);
        builder.rpc({ t: frame.t, type: error ? "error" : "result", id, answers, eventId: frame.id, value: message });
        if (id !== undefined) answered.add(id);
        if (requests && (id === undefined || !requests.has(id)))
          builder.violation(
            frame.t,
            "unmatched-response",
            `a response to id ${JSON.stringify(message.id ?? null)}, which no request of this client had`,
          );
        if (error) {
          builder.violation(
            frame.t,
            "error-event",
            `${answers ?? "the request"} failed: ${stringOf(error.message) ?? quote(JSON.stringify(error))} (code ${String(error.code)})`,
          );
          continue;
        }
        const result = objectOf(message.result);
        const text = textOf(result);
        if (text) builder.text(frame.t, text);
        if (result?.isError === true)
          builder.violation(frame.t, "error-event", `the tool call reported an error: ${quote(text)}`);
      }
      if (requests && requests.size > 0 && [...requests.keys()].every((request) => answered.has(request)))
        builder.complete();
    },
    end(t) {
      const open = [...(requests?.entries() ?? [])].filter(([id]) => !answered.has(id));
      for (const [id, method] of open)
        builder.violation(
          t,
          "unanswered-request",
          `the stream ended without answering ${method} (id ${JSON.stringify(id)})`,
        );
    },
  };
}
