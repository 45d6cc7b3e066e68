/**
 * A rule that says where the text is in each JSON payload of a stream of any other shape, written
 * as a JSONPath-like path: `$.choices[0].delta.content`, `$.token.text`, `$.items[*].text`,
 * `$["odd key"]`. The strings it reaches, in order, are the message.
 */

import type { JsonValue } from "../contract/index.ts";
import { type MessageBuilder, parseFrame, type ProtocolLens, quote } from "./message-builder.ts";

/** One step of a path: a field, an index, or every item. */
export type PathStep = { field: string } | { index: number } | { every: true };

/** A path's steps, or an error that says where the rule stops making sense. */
export function parseJsonPath(rule: string): { ok: true; steps: PathStep[] } | { ok: false; error: string } {
  const text = rule.trim();
  if (!text.startsWith("$"))
    return { ok: false, error: "a rule starts with `$` (the payload), as in `$.choices[0].delta.content`" };
  const steps: PathStep[] = [];
  const step = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[\*\]|\.\*|\[("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < text.length) {
    const at = step.lastIndex;
    const match = step.exec(text);
    if (!match)
      return { ok: false, error: `cannot read the rule from character ${at + 1}: ${JSON.stringify(text.slice(at))}` };
    if (match[1] !== undefined) steps.push({ field: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else if (match[3] !== undefined) {
      const quoted = match[3];
      steps.push({
        field: quoted.startsWith('"') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1).replace(/\\(.)/g, "$1"),
      });
    } else steps.push({ every: true });
  }
  return { ok: true, steps };
}

/** The values a path reaches in `value`, in document order. */
export function valuesAt(value: JsonValue, steps: readonly PathStep[]): JsonValue[] {
  let current: JsonValue[] = [value];
  for (const step of steps) {
    const next: JsonValue[] = [];
    for (const item of current) {
      if ("every" in step) {
        if (Array.isArray(item)) next.push(...item);
        else if (item !== null && typeof item === "object") next.push(...Object.values(item));
      } else if ("index" in step) {
        if (Array.isArray(item) && step.index < item.length) next.push(item[step.index]!);
      } else if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.hasOwn(item, step.field)) {
        next.push(item[step.field]!);
      }
    }
    current = next;
  }
  return current;
}

export function createJsonPathLens(builder: MessageBuilder, steps: readonly PathStep[]): ProtocolLens {
  return {
    frame(frame) {
      // `[DONE]` ends many JSON streams; it is not a payload.
      if (frame.data.trim() === "[DONE]") {
        builder.complete();
        return;
      }
      const parsed = parseFrame(frame);
      if (!parsed.ok) {
        builder.violation(frame.t, "invalid-json", `data that is not JSON (${parsed.error}): ${quote(frame.data)}`);
        return;
      }
      for (const found of valuesAt(parsed.value, steps)) if (typeof found === "string") builder.text(frame.t, found);
    },
    end() {},
  };
}
