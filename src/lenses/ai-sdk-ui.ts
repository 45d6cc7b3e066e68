/**
 * The AI SDK's UI message stream (`x-vercel-ai-ui-message-stream: v1`), as the `ai` package's
 * `readUIMessageStream` assembles it: text and reasoning parts opened, grown and closed by id,
 * tool inputs streamed by `toolCallId`, `finish`, and `data: [DONE]` at the end.
 * @see https://ai-sdk.dev/docs/ai-sdk-ui/stream-protocol#ui-message-stream-protocol
 */

import { type MessageBuilder, objectOf, parseFrame, type ProtocolLens, quote, stringOf } from "./message-builder.ts";

/** Part types that name this protocol on their own (`start` and `finish` are too common a word). */
export const aiSdkUiPartTypes = [
  "text-start",
  "text-delta",
  "text-end",
  "reasoning-start",
  "reasoning-delta",
  "reasoning-end",
  "tool-input-start",
  "tool-input-delta",
  "tool-input-available",
  "tool-output-available",
  "start-step",
  "finish-step",
] as const;

export function createAiSdkUiLens(builder: MessageBuilder): ProtocolLens {
  let done = false;
  const open = { text: new Set<string>(), reasoning: new Set<string>() };
  /** Parts and calls whose pieces came without a start: said once each. */
  const orphans = new Set<string>();
  const once = (key: string) => {
    if (orphans.has(key)) return false;
    orphans.add(key);
    return true;
  };
  return {
    frame(frame) {
      if (frame.data.trim() === "[DONE]" && !done) {
        done = true;
        builder.complete();
        return;
      }
      if (done) {
        builder.violation(frame.t, "after-terminator", `data after \`[DONE]\`: ${quote(frame.data)}`);
        return;
      }
      const parsed = parseFrame(frame);
      const part = parsed.ok ? objectOf(parsed.value) : undefined;
      if (!parsed.ok || !part) {
        builder.violation(
          frame.t,
          "invalid-json",
          `data that is not a JSON part${parsed.ok ? "" : ` (${parsed.error})`}: ${quote(frame.data)}`,
        );
        return;
      }
      const type = stringOf(part.type) ?? "";
      const id = stringOf(part.id) ?? "";
      const callId = stringOf(part.toolCallId) ?? "";
      const channel = type.startsWith("reasoning-") ? "reasoning" : "text";
      switch (type) {
        case "text-start":
        case "reasoning-start":
          open[channel].add(id);
          return;
        case "text-delta":
        case "reasoning-delta":
        case "text-end":
        case "reasoning-end": {
          if (!open[channel].has(id)) {
            if (!once(`${channel}:${id}`)) return;
            builder.violation(frame.t, "out-of-order", `\`${type}\` for part "${id}" before its \`${channel}-start\``);
            return;
          }
          const delta = stringOf(part.delta) ?? "";
          if (type === "text-delta") builder.text(frame.t, delta);
          else if (type === "reasoning-delta") builder.reasoning(frame.t, delta);
          return;
        }
        case "tool-input-start":
          builder.startTool(frame.t, { key: callId, id: callId, name: stringOf(part.toolName) ?? "" });
          return;
        case "tool-input-delta":
          if (!builder.hasTool(callId)) {
            if (!once(`tool:${callId}`)) return;
            builder.violation(
              frame.t,
              "unknown-tool-call",
              `\`tool-input-delta\` for tool call "${callId}" before its \`tool-input-start\``,
            );
            return;
          }
          builder.toolArguments(frame.t, callId, stringOf(part.inputTextDelta) ?? "");
          return;
        case "tool-input-available":
          builder.startTool(frame.t, { key: callId, id: callId, name: stringOf(part.toolName) ?? "" });
          builder.setToolArguments(callId, JSON.stringify(part.input ?? {}), part.input ?? {});
          return;
        case "tool-output-available":
          if (!builder.hasTool(callId)) {
            builder.violation(
              frame.t,
              "unknown-tool-call",
              `\`tool-output-available\` for tool call "${callId}", which no part began`,
            );
            return;
          }
          builder.setToolOutput(callId, part.output ?? null);
          return;
        case "tool-input-error":
        case "tool-output-error":
        case "error":
          builder.violation(
            frame.t,
            "error-event",
            `the stream sent ${type === "error" ? "an error" : `a \`${type}\``}: ${stringOf(part.errorText) ?? quote(frame.data)}`,
          );
          return;
        case "finish":
          builder.finish(stringOf(part.finishReason) ?? "finish");
          return;
        case "abort":
          builder.finish("abort");
          return;
        default:
          return;
      }
    },
    end(t) {
      if (!done) builder.violation(t, "missing-terminator", "the stream ended without `data: [DONE]`");
    },
  };
}
