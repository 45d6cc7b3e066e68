import { describe, expect, test } from "bun:test";
import { parseHostMessage, parseRunnerMessage } from "../src/runner/messages.ts";

describe("messages between host and runner", () => {
  test("well-formed messages pass", () => {
    expect(parseHostMessage({ id: 1, payload: { type: "settle", timeoutMs: 10 } })).toEqual({ id: 1, payload: { type: "settle", timeoutMs: 10 } });
    expect(parseRunnerMessage({ id: 2, replyId: 1, payload: { type: "settled", open: 0 } })).toEqual({ id: 2, replyId: 1, payload: { type: "settled", open: 0 } });
  });

  test.each([
    ["not an object", "hello"],
    ["no id", { payload: { type: "ack" } }],
    ["an unknown type", { id: 1, payload: { type: "format-disk" } }],
    ["a prototype member as type", { id: 1, payload: { type: "toString" } }],
    ["a missing field", { id: 1, payload: { type: "load", version: 1, source: "x" } }],
    ["a wrong field type", { id: 1, payload: { type: "clock-set", offsetMs: "3" } }],
  ])("%s is rejected", (_name, value) => {
    expect(parseHostMessage(value)).toBeUndefined();
  });

  test("runner messages with prototype members as type are rejected", () => {
    expect(parseRunnerMessage({ id: 1, payload: { type: "constructor" } })).toBeUndefined();
  });
});
