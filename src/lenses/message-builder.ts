/**
 * The message a protocol's lens assembles, built one delta at a time, and the frames it reads: an
 * SSE event's data, a JSON line, or a whole JSON body. Each protocol's file says what its frames
 * mean; this file keeps what they add up to and works out the timing.
 */

import { errorMessage, type JsonValue } from "../contract/index.ts";
import type {
  DeltaChannel,
  LensDelta,
  LensProtocol,
  LensReading,
  LensRpcMessage,
  LensRule,
  LensTiming,
  LensToolCall,
  LensViolation,
} from "./lens-types.ts";

/** One payload off the wire, as a lens reads it. */
export interface LensFrame {
  t: number;
  /** The SSE event type (`message` when the block named none); absent for JSON lines and bodies. */
  event?: string | undefined;
  /** The SSE event's id, when the block had one. */
  id?: string | undefined;
  /** The payload as text. */
  data: string;
  /** The payload parsed, where the client already did (a JSON line). */
  value?: JsonValue | undefined;
  /** Why the payload is not JSON, where the client already knows. */
  error?: string | undefined;
}

export type Parsed = { ok: true; value: JsonValue } | { ok: false; error: string };

/** The frame's payload as JSON, or the parser's message. */
export function parseFrame(frame: LensFrame): Parsed {
  if (frame.value !== undefined) return { ok: true, value: frame.value };
  if (frame.error !== undefined) return { ok: false, error: frame.error };
  try {
    return { ok: true, value: JSON.parse(frame.data) as JsonValue };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

/** A JSON object's fields, or undefined for anything else. */
export function objectOf(value: unknown): Record<string, JsonValue> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, JsonValue>)
    : undefined;
}

export const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A short, one-line quote of a payload for a violation's message. */
export function quote(text: string, max = 60): string {
  const line = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(line.length > max ? `${line.slice(0, max)}…` : line);
}

/** What a protocol's lens does with the frames of one stream. */
export interface ProtocolLens {
  frame(frame: LensFrame): void;
  /** The stream ended at `t`: check what must have come by then. */
  end(t: number): void;
}

/** What a lens's message is made of so far; `reading` puts it together (and works out the timing) when asked. */
export interface MessageBuilder {
  text(t: number, text: string): void;
  reasoning(t: number, text: string): void;
  /** Starts a tool call; false when one with this key had started already. */
  startTool(t: number, call: { key: string; name: string; id?: string | undefined }): boolean;
  hasTool(key: string): boolean;
  /** Adds a fragment of a call's arguments. */
  toolArguments(t: number, key: string, fragment: string): void;
  /** Sets a call's whole arguments (a `done` event that repeats them, or arguments given as a value). */
  setToolArguments(key: string, argumentsText: string, value?: JsonValue): void;
  setToolOutput(key: string, output: JsonValue): void;
  violation(t: number, rule: LensRule, message: string): void;
  finish(reason: string): void;
  /** Adds the numeric fields of a usage object (nested objects are left out). */
  usage(usage: JsonValue | undefined): void;
  model(model: string | undefined): void;
  complete(): void;
  readonly isComplete: boolean;
  /** Violations so far, without building a reading. */
  readonly violationCount: number;
  rpc(message: LensRpcMessage): void;
  /** The reading so far. */
  reading(extra: { protocol: LensProtocol; recognisedBy: string; requestT?: number | undefined }): LensReading;
}

/** The numbers a percentile is taken from, sorted. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The fields of a usage object that count output tokens, in each protocol's spelling. */
const outputTokenFields = ["completion_tokens", "output_tokens", "candidatesTokenCount", "eval_count"] as const;

export function timingOf(deltas: readonly LensDelta[], requestT: number | undefined, usage?: Record<string, number>) {
  const timing: LensTiming = { requestT, deltas: deltas.length };
  const firstToken = deltas.find((delta) => delta.channel !== "tool");
  if (requestT !== undefined && firstToken) timing.firstTokenMs = round(firstToken.t - requestT);
  if (deltas.length === 0) return timing;
  const gaps: number[] = [];
  let stall: { t: number; ms: number } | undefined;
  for (let i = 1; i < deltas.length; i++) {
    const gap = deltas[i]!.t - deltas[i - 1]!.t;
    gaps.push(gap);
    if (!stall || gap > stall.ms) stall = { t: deltas[i - 1]!.t, ms: gap };
  }
  const sorted = gaps.toSorted((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  if (p50 !== undefined) timing.gapP50Ms = round(p50);
  if (p95 !== undefined) timing.gapP95Ms = round(p95);
  if (stall) {
    timing.gapMaxMs = round(stall.ms);
    timing.stall = { t: stall.t, ms: round(stall.ms) };
  }
  const streamingMs = deltas.at(-1)!.t - deltas[0]!.t;
  timing.streamingMs = round(streamingMs);
  if (streamingMs > 0) {
    const chars = deltas.reduce((sum, delta) => sum + (delta.channel === "tool" ? 0 : delta.text.length), 0);
    timing.charsPerSecond = Math.round((chars / streamingMs) * 1000 * 10) / 10;
    const tokens = outputTokenFields.map((field) => usage?.[field]).find((count) => count !== undefined);
    if (tokens !== undefined) timing.tokensPerSecond = Math.round((tokens / streamingMs) * 1000 * 10) / 10;
  }
  return timing;
}

/** Parses a complete call's arguments: the value, or the parser's message. */
function settleArguments(call: LensToolCall): void {
  if (call.arguments !== undefined) return;
  const text = call.argumentsText.trim();
  if (text === "") {
    call.arguments = {};
    return;
  }
  try {
    call.arguments = JSON.parse(text) as JsonValue;
    call.argumentsError = undefined;
  } catch (error) {
    call.argumentsError = errorMessage(error);
  }
}

export function createMessageBuilder(): MessageBuilder {
  let text = "";
  let reasoning = "";
  const calls = new Map<string, LensToolCall>();
  const deltas: LensDelta[] = [];
  const violations: LensViolation[] = [];
  const rpc: LensRpcMessage[] = [];
  let finishReason: string | undefined;
  let usage: Record<string, number> | undefined;
  let model: string | undefined;
  let complete = false;

  const add = (t: number, channel: DeltaChannel, piece: string, call?: string) => {
    if (piece === "") return;
    deltas.push(call === undefined ? { t, channel, text: piece } : { t, channel, text: piece, call });
  };

  return {
    text(t, piece) {
      text += piece;
      add(t, "text", piece);
    },
    reasoning(t, piece) {
      reasoning += piece;
      add(t, "reasoning", piece);
    },
    startTool(t, { key, name, id }) {
      if (calls.has(key)) return false;
      calls.set(key, id === undefined ? { key, name, argumentsText: "", t } : { key, id, name, argumentsText: "", t });
      return true;
    },
    hasTool: (key) => calls.has(key),
    toolArguments(t, key, fragment) {
      const call = calls.get(key);
      if (!call) return;
      call.argumentsText += fragment;
      call.arguments = undefined;
      add(t, "tool", fragment, key);
    },
    setToolArguments(key, argumentsText, value) {
      const call = calls.get(key);
      if (!call) return;
      call.argumentsText = argumentsText;
      call.arguments = value;
      call.argumentsError = undefined;
    },
    setToolOutput(key, output) {
      const call = calls.get(key);
      if (call) call.output = output;
    },
    violation(t, rule, message) {
      violations.push({ t, rule, message });
    },
    finish(reason) {
      finishReason = reason;
    },
    usage(value) {
      const fields = objectOf(value);
      if (!fields) return;
      for (const [name, count] of Object.entries(fields)) {
        if (typeof count !== "number") continue;
        usage ??= {};
        usage[name] = count;
      }
    },
    model(name) {
      if (name !== undefined) model = name;
    },
    complete() {
      complete = true;
    },
    get isComplete() {
      return complete;
    },
    get violationCount() {
      return violations.length;
    },
    rpc(message) {
      rpc.push(message);
    },
    reading({ protocol, recognisedBy, requestT }) {
      const toolCalls = [...calls.values()].map((call) => ({ ...call }));
      for (const call of toolCalls) settleArguments(call);
      return {
        protocol,
        recognisedBy,
        text,
        reasoning,
        toolCalls,
        finishReason,
        usage,
        model,
        deltas,
        violations,
        timing: timingOf(deltas, requestT, usage),
        complete,
        ended: false,
        ...(protocol === "mcp" ? { rpc } : {}),
      };
    },
  };
}
