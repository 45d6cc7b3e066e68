/**
 * OpenAI's two streaming APIs, as the official `openai` client assembles them.
 * Chat Completions: `chat.completion.chunk` objects, tool calls in fragments keyed by `index`, and
 * `data: [DONE]` at the end.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 * Responses: typed events (`response.created` … `response.output_text.delta` … `response.completed`).
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */

import {
  type LensFrame,
  type MessageBuilder,
  objectOf,
  parseFrame,
  type ProtocolLens,
  quote,
  stringOf,
} from "./message-builder.ts";

/** The checks both APIs make of a frame before its meaning: JSON, and not after the end. */
function jsonAfter(builder: MessageBuilder, frame: LensFrame, done: boolean, terminator: string) {
  if (done) {
    builder.violation(frame.t, "after-terminator", `data after ${terminator}: ${quote(frame.data)}`);
    return undefined;
  }
  const parsed = parseFrame(frame);
  if (!parsed.ok) {
    builder.violation(frame.t, "invalid-json", `data that is not JSON (${parsed.error}): ${quote(frame.data)}`);
    return undefined;
  }
  return objectOf(parsed.value);
}

export function createOpenAiChatLens(builder: MessageBuilder): ProtocolLens {
  let done = false;
  /** Calls whose fragments came without a start: said once each. */
  const orphans = new Set<string>();
  return {
    frame(frame) {
      if (frame.data.trim() === "[DONE]" && !done) {
        done = true;
        builder.complete();
        return;
      }
      const chunk = jsonAfter(builder, frame, done, "`[DONE]`");
      if (!chunk) return;
      const error = objectOf(chunk.error);
      if (error) {
        builder.violation(
          frame.t,
          "error-event",
          `the stream sent an error: ${stringOf(error.message) ?? quote(frame.data)}`,
        );
        return;
      }
      builder.model(stringOf(chunk.model));
      if (chunk.usage !== undefined && chunk.usage !== null) builder.usage(chunk.usage);
      for (const item of Array.isArray(chunk.choices) ? chunk.choices : []) {
        const choice = objectOf(item);
        // The message a client shows is choice 0's; `n > 1` streams interleave others.
        if (!choice || (choice.index ?? 0) !== 0) continue;
        const delta = objectOf(choice.delta);
        const content = stringOf(delta?.content);
        if (content) builder.text(frame.t, content);
        const thinking = stringOf(delta?.reasoning_content) ?? stringOf(delta?.reasoning);
        if (thinking) builder.reasoning(frame.t, thinking);
        for (const fragment of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) {
          const call = objectOf(fragment);
          if (!call) continue;
          const key = String(call.index ?? 0);
          const fn = objectOf(call.function);
          if (!builder.hasTool(key)) {
            const id = stringOf(call.id);
            const name = stringOf(fn?.name);
            if (id === undefined || name === undefined) {
              if (orphans.has(key)) continue;
              orphans.add(key);
              builder.violation(
                frame.t,
                "unknown-tool-call",
                `a fragment of tool call ${key}, which no fragment started with its id and function name`,
              );
              continue;
            }
            builder.startTool(frame.t, { key, id, name });
          }
          const fragmentText = stringOf(fn?.arguments);
          if (fragmentText) builder.toolArguments(frame.t, key, fragmentText);
        }
        const finish = stringOf(choice.finish_reason);
        if (finish) builder.finish(finish);
      }
    },
    end(t) {
      if (!done) builder.violation(t, "missing-terminator", "the stream ended without `data: [DONE]`");
    },
  };
}

const responseEnds = ["response.completed", "response.failed", "response.incomplete"];

export function createOpenAiResponsesLens(builder: MessageBuilder): ProtocolLens {
  let started = false;
  let done = false;
  /** Output items by `output_index`: their type, and their id for function calls. */
  const items = new Map<number, { type: string; key: string }>();
  const keyOf = (event: Record<string, unknown>) => {
    const index = typeof event.output_index === "number" ? event.output_index : undefined;
    return index === undefined ? undefined : items.get(index);
  };
  return {
    frame(frame) {
      const event = jsonAfter(builder, frame, done, "the response's last event");
      if (!event) return;
      const type = stringOf(event.type) ?? frame.event ?? "";
      if (type === "error") {
        builder.violation(
          frame.t,
          "error-event",
          `the stream sent an error: ${stringOf(event.message) ?? quote(frame.data)}`,
        );
        return;
      }
      if (!started && type !== "response.created") {
        builder.violation(frame.t, "out-of-order", `\`${type}\` before \`response.created\``);
        return;
      }
      const response = objectOf(event.response);
      switch (type) {
        case "response.created":
          started = true;
          builder.model(stringOf(response?.model));
          return;
        case "response.output_item.added": {
          const item = objectOf(event.item);
          const index = typeof event.output_index === "number" ? event.output_index : items.size;
          const itemType = stringOf(item?.type) ?? "message";
          const key = stringOf(item?.id) ?? stringOf(item?.call_id) ?? String(index);
          items.set(index, { type: itemType, key });
          if (itemType === "function_call")
            builder.startTool(frame.t, { key, name: stringOf(item?.name) ?? "", id: stringOf(item?.call_id) });
          return;
        }
        case "response.output_text.delta":
        case "response.refusal.delta": {
          if (!keyOf(event)) {
            builder.violation(
              frame.t,
              "out-of-order",
              `\`${type}\` for output ${String(event.output_index)}, which no \`response.output_item.added\` began`,
            );
            return;
          }
          builder.text(frame.t, stringOf(event.delta) ?? "");
          return;
        }
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          builder.reasoning(frame.t, stringOf(event.delta) ?? "");
          return;
        case "response.function_call_arguments.delta":
        case "response.function_call_arguments.done":
        case "response.output_item.done": {
          const item = keyOf(event);
          if (item?.type !== "function_call") {
            if (type === "response.output_item.done" && item) return;
            builder.violation(
              frame.t,
              "unknown-tool-call",
              `\`${type}\` for output ${String(event.output_index)}, which no function call began`,
            );
            return;
          }
          if (type === "response.function_call_arguments.delta")
            builder.toolArguments(frame.t, item.key, stringOf(event.delta) ?? "");
          else {
            const whole = stringOf(event.arguments) ?? stringOf(objectOf(event.item)?.arguments);
            if (whole !== undefined) builder.setToolArguments(item.key, whole);
          }
          return;
        }
        default:
          if (!responseEnds.includes(type)) return;
          done = true;
          builder.complete();
          builder.usage(response?.usage);
          builder.finish(
            stringOf(objectOf(response?.incomplete_details)?.reason) ?? stringOf(response?.status) ?? type.slice(9),
          );
          if (type === "response.failed")
            builder.violation(
              frame.t,
              "error-event",
              `the response failed: ${stringOf(objectOf(response?.error)?.message) ?? "no reason given"}`,
            );
      }
    },
    end(t) {
      if (!done)
        builder.violation(
          t,
          "missing-terminator",
          "the stream ended without `response.completed` (or `response.failed`, `response.incomplete`)",
        );
    },
  };
}
