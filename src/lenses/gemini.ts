/**
 * Google Gemini's `streamGenerateContent?alt=sse`: each event a whole `GenerateContentResponse`
 * whose `candidates[0].content.parts` add text (`thought: true` parts are reasoning) and function
 * calls; the last names a `finishReason`, and `usageMetadata` counts the tokens.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */

import { type MessageBuilder, objectOf, parseFrame, type ProtocolLens, quote, stringOf } from "./message-builder.ts";

export function createGeminiLens(builder: MessageBuilder): ProtocolLens {
  let done = false;
  let calls = 0;
  return {
    frame(frame) {
      const parsed = parseFrame(frame);
      const response = parsed.ok ? objectOf(parsed.value) : undefined;
      if (!parsed.ok || !response) {
        builder.violation(
          frame.t,
          "invalid-json",
          `data that is not a JSON response${parsed.ok ? "" : ` (${parsed.error})`}: ${quote(frame.data)}`,
        );
        return;
      }
      const error = objectOf(response.error);
      if (error) {
        builder.violation(
          frame.t,
          "error-event",
          `the stream sent an error: ${stringOf(error.message) ?? quote(frame.data)}`,
        );
        return;
      }
      if (done) {
        builder.violation(
          frame.t,
          "after-terminator",
          `a response after the one with the finish reason: ${quote(frame.data)}`,
        );
        return;
      }
      builder.model(stringOf(response.modelVersion));
      if (response.usageMetadata !== undefined) builder.usage(response.usageMetadata);
      const candidate = objectOf(Array.isArray(response.candidates) ? response.candidates[0] : undefined);
      const parts = objectOf(candidate?.content)?.parts;
      for (const item of Array.isArray(parts) ? parts : []) {
        const part = objectOf(item);
        const text = stringOf(part?.text);
        if (text) {
          if (part?.thought === true) builder.reasoning(frame.t, text);
          else builder.text(frame.t, text);
        }
        const call = objectOf(part?.functionCall);
        if (call) {
          const key = stringOf(call.id) ?? String(calls);
          calls++;
          builder.startTool(frame.t, { key, id: stringOf(call.id), name: stringOf(call.name) ?? "" });
          const args = call.args ?? {};
          builder.setToolArguments(key, JSON.stringify(args), args);
        }
      }
      const finish = stringOf(candidate?.finishReason);
      if (finish) {
        builder.finish(finish);
        done = true;
        builder.complete();
      }
    },
    end(t) {
      if (!done)
        builder.violation(t, "missing-terminator", "the stream ended without a response that gives its `finishReason`");
    },
  };
}
