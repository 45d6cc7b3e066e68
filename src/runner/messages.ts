/**
 * Checks for messages that arrive from the other process. What comes over IPC is `unknown` until
 * one of these has looked at it; a message that fails the check is reported, never trusted.
 */

import type { HostMessage, HostPayload, RunnerMessage, RunnerPayload } from "../contract/index.ts";

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => value !== null && typeof value === "object";
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

function envelope(value: unknown): { id: number; replyId: number | undefined; payload: Fields } | undefined {
  if (!isObject(value) || !isNumber(value.id) || !isObject(value.payload) || typeof value.payload.type !== "string") return undefined;
  if (value.replyId !== undefined && !isNumber(value.replyId)) return undefined;
  return { id: value.id, replyId: value.replyId as number | undefined, payload: value.payload };
}

const hostChecks: Record<HostPayload["type"], (p: Fields) => boolean> = {
  load: (p) => isNumber(p.version) && typeof p.source === "string" && typeof p.path === "string",
  "clock-ping": () => true,
  "clock-set": (p) => isNumber(p.offsetMs),
  configure: (p) => isNumber(p.cleanupGraceMs) && isNumber(p.topLevelTimeoutMs),
  settle: (p) => isNumber(p.timeoutMs),
};

const runnerChecks: Record<RunnerPayload["type"], (p: Fields) => boolean> = {
  ready: (p) => isNumber(p.port) && isNumber(p.pid),
  "load-result": (p) => isNumber(p.version) && isObject(p.result) && typeof p.result.ok === "boolean",
  "clock-pong": (p) => isNumber(p.runnerNow),
  ack: () => true,
  settled: (p) => isNumber(p.open),
  // Events are produced by the runner's own instrumentation; each is an object with a kind.
  events: (p) => Array.isArray(p.events) && p.events.every((e) => isObject(e) && typeof e.kind === "string" && isNumber(e.t)),
  heartbeat: (p) => isNumber(p.inFlight),
  exiting: (p) => isNumber(p.code),
};

export function parseHostMessage(value: unknown): HostMessage | undefined {
  const message = envelope(value);
  if (!message) return undefined;
  const type = message.payload.type as HostPayload["type"];
  // Own properties only: "toString" or "constructor" must not find the prototype's functions.
  return Object.hasOwn(hostChecks, type) && hostChecks[type](message.payload) ? (message as unknown as HostMessage) : undefined;
}

export function parseRunnerMessage(value: unknown): RunnerMessage | undefined {
  const message = envelope(value);
  if (!message) return undefined;
  const type = message.payload.type as RunnerPayload["type"];
  return Object.hasOwn(runnerChecks, type) && runnerChecks[type](message.payload) ? (message as unknown as RunnerMessage) : undefined;
}
