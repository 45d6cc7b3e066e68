/**
 * Ollama's NDJSON: `/api/chat` lines carry `message.content` (and `message.thinking`,
 * `message.tool_calls`), `/api/generate` lines `response`; the last says `done: true` with its
 * `done_reason` and counts.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md
 */

import { type MessageBuilder, objectOf, parseFrame, type ProtocolLens, quote, stringOf } from "./message-builder.ts";

/** The counts the last line gives, kept as usage. */
const countFields = [
  "prompt_eval_count",
  "eval_count",
  "total_duration",
  "load_duration",
  "prompt_eval_duration",
  "eval_duration",
];

export function createOllamaLens(builder: MessageBuilder): ProtocolLens {
  let done = false;
  let calls = 0;
  return {
    frame(frame) {
      if (done) {
        builder.violation(frame.t, "after-terminator", `a line after \`done: true\`: ${quote(frame.data)}`);
        return;
      }
      const parsed = parseFrame(frame);
      const line = parsed.ok ? objectOf(parsed.value) : undefined;
      if (!parsed.ok || !line) {
        builder.violation(
          frame.t,
          "invalid-json",
          `a line that is not a JSON object${parsed.ok ? "" : ` (${parsed.error})`}: ${quote(frame.data)}`,
        );
        return;
      }
      const error = stringOf(line.error);
      if (error !== undefined) {
        builder.violation(frame.t, "error-event", `the stream sent an error: ${error}`);
        return;
      }
      builder.model(stringOf(line.model));
      const message = objectOf(line.message);
      const text = stringOf(message?.content) ?? stringOf(line.response);
      if (text) builder.text(frame.t, text);
      const thinking = stringOf(message?.thinking) ?? stringOf(line.thinking);
      if (thinking) builder.reasoning(frame.t, thinking);
      for (const item of Array.isArray(message?.tool_calls) ? message.tool_calls : []) {
        const fn = objectOf(objectOf(item)?.function);
        if (!fn) continue;
        const key = String(calls++);
        builder.startTool(frame.t, { key, name: stringOf(fn.name) ?? "" });
        const args = fn.arguments ?? {};
        builder.setToolArguments(key, JSON.stringify(args), args);
      }
      if (line.done === true) {
        done = true;
        builder.complete();
        builder.finish(stringOf(line.done_reason) ?? "stop");
        builder.usage(
          Object.fromEntries(
            countFields.filter((field) => typeof line[field] === "number").map((field) => [field, line[field]!]),
          ),
        );
      }
    },
    end(t) {
      if (!done) builder.violation(t, "missing-terminator", "the stream ended without a line that says `done: true`");
    },
  };
}
