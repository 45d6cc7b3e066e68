/**
 * Anthropic's Messages stream, as `@anthropic-ai/sdk`'s `MessageStream` assembles it: a
 * `message_start`, content blocks opened, grown and closed by index (`text_delta`,
 * `input_json_delta`, `thinking_delta`), a `message_delta` with the stop reason and usage, and
 * `message_stop`. `ping` says nothing; `error` is the stream's own error.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */

import { type MessageBuilder, objectOf, parseFrame, type ProtocolLens, quote, stringOf } from "./message-builder.ts";

export function createAnthropicLens(builder: MessageBuilder): ProtocolLens {
  let started = false;
  let done = false;
  /** Content blocks by index: their type. */
  const blocks = new Map<number, string>();
  /** Blocks whose deltas came without a start: said once each. */
  const orphans = new Set<number>();
  return {
    frame(frame) {
      if (done) {
        builder.violation(frame.t, "after-terminator", `data after \`message_stop\`: ${quote(frame.data)}`);
        return;
      }
      const parsed = parseFrame(frame);
      const event = parsed.ok ? objectOf(parsed.value) : undefined;
      if (!parsed.ok || !event) {
        builder.violation(
          frame.t,
          "invalid-json",
          `data that is not a JSON event${parsed.ok ? "" : ` (${parsed.error})`}: ${quote(frame.data)}`,
        );
        return;
      }
      const type = stringOf(event.type) ?? frame.event ?? "";
      if (type === "ping") return;
      if (type === "error") {
        const error = objectOf(event.error);
        builder.violation(
          frame.t,
          "error-event",
          `the stream sent an error: ${[stringOf(error?.type), stringOf(error?.message)].filter(Boolean).join(": ") || quote(frame.data)}`,
        );
        return;
      }
      if (!started && type !== "message_start") {
        builder.violation(frame.t, "out-of-order", `\`${type}\` before \`message_start\``);
        return;
      }
      const index = typeof event.index === "number" ? event.index : -1;
      switch (type) {
        case "message_start": {
          if (started) {
            builder.violation(frame.t, "out-of-order", "a second `message_start`");
            return;
          }
          started = true;
          const message = objectOf(event.message);
          builder.model(stringOf(message?.model));
          builder.usage(message?.usage);
          return;
        }
        case "content_block_start": {
          const block = objectOf(event.content_block);
          const blockType = stringOf(block?.type) ?? "text";
          if (blocks.has(index)) {
            builder.violation(frame.t, "out-of-order", `a second \`content_block_start\` for block ${index}`);
            return;
          }
          blocks.set(index, blockType);
          if (blockType === "tool_use" || blockType === "server_tool_use")
            builder.startTool(frame.t, {
              key: String(index),
              id: stringOf(block?.id),
              name: stringOf(block?.name) ?? "",
            });
          const text = stringOf(block?.text);
          if (blockType === "text" && text) builder.text(frame.t, text);
          return;
        }
        case "content_block_delta": {
          const blockType = blocks.get(index);
          const delta = objectOf(event.delta);
          const deltaType = stringOf(delta?.type) ?? "";
          if (blockType === undefined) {
            if (orphans.has(index)) return;
            orphans.add(index);
            builder.violation(
              frame.t,
              "out-of-order",
              `\`content_block_delta\` for block ${index} before its \`content_block_start\``,
            );
            return;
          }
          const fits =
            (deltaType === "text_delta" && blockType === "text") ||
            (deltaType === "input_json_delta" && blockType.endsWith("tool_use")) ||
            ((deltaType === "thinking_delta" || deltaType === "signature_delta") && blockType === "thinking") ||
            deltaType === "citations_delta";
          if (!fits) {
            builder.violation(
              frame.t,
              "out-of-order",
              `a \`${deltaType}\` for block ${index}, a \`${blockType}\` block`,
            );
            return;
          }
          if (deltaType === "text_delta") builder.text(frame.t, stringOf(delta?.text) ?? "");
          else if (deltaType === "thinking_delta") builder.reasoning(frame.t, stringOf(delta?.thinking) ?? "");
          else if (deltaType === "input_json_delta")
            builder.toolArguments(frame.t, String(index), stringOf(delta?.partial_json) ?? "");
          return;
        }
        case "content_block_stop":
          if (!blocks.has(index))
            builder.violation(
              frame.t,
              "out-of-order",
              `\`content_block_stop\` for block ${index} before its \`content_block_start\``,
            );
          return;
        case "message_delta": {
          const stop = stringOf(objectOf(event.delta)?.stop_reason);
          if (stop) builder.finish(stop);
          builder.usage(event.usage);
          return;
        }
        case "message_stop":
          done = true;
          builder.complete();
          return;
        default:
          return;
      }
    },
    end(t) {
      if (!done) builder.violation(t, "missing-terminator", "the stream ended without `message_stop`");
    },
  };
}
