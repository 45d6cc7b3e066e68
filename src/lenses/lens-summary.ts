/**
 * A reading as plain fields (the contract's `messageFields`), for what checks it and what prints it:
 * an expectation's `message` pattern matches these fields (`text`, `firstTokenMs`, `violations`, `tool.get_weather.city`), and
 * `trace` and the page say a reading in the same words.
 */

import type { JsonValue, MessageField } from "../contract/index.ts";
import { lensProtocolNames, type LensReading } from "./lens-types.ts";

/**
 * The reading's fields: `violations` counts them and `rules` names them; `tool` maps each tool's
 * name to its arguments (the last call of that name), `toolCalls` lists the names in order.
 */
export function lensSummary(reading: LensReading): Record<MessageField, JsonValue> {
  const tool: Record<string, JsonValue> = {};
  for (const call of reading.toolCalls) tool[call.name] = call.arguments ?? call.argumentsText;
  const { timing } = reading;
  return {
    protocol: reading.protocol,
    text: reading.text,
    reasoning: reading.reasoning,
    finishReason: reading.finishReason ?? null,
    model: reading.model ?? null,
    complete: reading.complete,
    violations: reading.violations.length,
    rules: [...new Set(reading.violations.map((violation) => violation.rule))],
    toolCalls: reading.toolCalls.map((call) => call.name),
    tool,
    usage: reading.usage ?? null,
    firstTokenMs: timing.firstTokenMs ?? null,
    gapP50Ms: timing.gapP50Ms ?? null,
    gapP95Ms: timing.gapP95Ms ?? null,
    gapMaxMs: timing.gapMaxMs ?? null,
    charsPerSecond: timing.charsPerSecond ?? null,
    tokensPerSecond: timing.tokensPerSecond ?? null,
    deltas: timing.deltas,
  };
}

const ms = (value: number | undefined) =>
  value === undefined ? "–" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** The reading's timing in one line: first token, gaps, speed, the stall. */
export function describeTiming(reading: LensReading): string {
  const { timing } = reading;
  const parts = [`first token ${ms(timing.firstTokenMs)}`, `${timing.deltas} delta${timing.deltas === 1 ? "" : "s"}`];
  if (timing.gapP50Ms !== undefined)
    parts.push(`gaps p50 ${ms(timing.gapP50Ms)} · p95 ${ms(timing.gapP95Ms)} · max ${ms(timing.gapMaxMs)}`);
  if (timing.tokensPerSecond !== undefined) parts.push(`${timing.tokensPerSecond} tokens/s`);
  else if (timing.charsPerSecond !== undefined) parts.push(`${timing.charsPerSecond} chars/s`);
  return parts.join(" · ");
}

/** The reading in a few lines, as `trace` prints it under a lane. */
export function describeReading(reading: LensReading, options: { maxText?: number } = {}): string[] {
  const max = options.maxText ?? 400;
  const lines = [
    `${lensProtocolNames[reading.protocol]} (recognised by ${reading.recognisedBy})${reading.model ? `, model ${reading.model}` : ""}`,
  ];
  const text =
    reading.text.length > max ? `${reading.text.slice(0, max)}… (${reading.text.length} characters)` : reading.text;
  if (reading.reasoning)
    lines.push(
      `reasoning: ${JSON.stringify(reading.reasoning.length > max ? `${reading.reasoning.slice(0, max)}…` : reading.reasoning)}`,
    );
  lines.push(`text: ${JSON.stringify(text)}`);
  for (const call of reading.toolCalls)
    lines.push(
      `tool call ${call.name}(${call.arguments !== undefined ? JSON.stringify(call.arguments) : `${JSON.stringify(call.argumentsText)}: ${call.argumentsError ?? "incomplete"}`})`,
    );
  if (reading.rpc)
    for (const message of reading.rpc)
      lines.push(
        `${message.type} ${message.method ?? message.answers ?? ""}${message.id === undefined ? "" : ` #${message.id}`}`.trim(),
      );
  const end = [
    reading.finishReason ? `finish: ${reading.finishReason}` : undefined,
    reading.usage
      ? `usage ${Object.entries(reading.usage)
          .map(([name, count]) => `${name} ${count}`)
          .join(", ")}`
      : undefined,
  ].filter(Boolean);
  if (end.length > 0) lines.push(end.join(" · "));
  lines.push(describeTiming(reading));
  for (const violation of reading.violations) lines.push(`✗ ${violation.rule}: ${violation.message}`);
  if (reading.violations.length === 0 && reading.ended) lines.push("no protocol violations");
  return lines;
}
