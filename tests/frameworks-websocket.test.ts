/**
 * Frameworks' WebSockets, as their docs write them: Hono's `upgradeWebSocket` with its `websocket`
 * exported beside `fetch`, and Elysia's `.ws()` route. Each is traced on both sides and answers a
 * client as the same app under plain Bun does.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { startOracle } from "./support/oracle.ts";
import { kindsOf, ofKind } from "./support/timeline.ts";
import { bareSession } from "./support/websocket-clients.ts";

const frameworks = join(import.meta.dir, "fixtures", "frameworks");

describe.each([
  ["Hono's upgradeWebSocket", "hono-ws.ts", "default-object", ["hello from hono", "hono heard: hi"]],
  ["Elysia's .ws()", "elysia-ws.ts", "library-serve", ["hello from elysia", "elysia heard: hi"]],
] as const)("%s", (_name, file, form, expected) => {
  test("is traced on both sides and answers as under plain Bun", async () => {
    const path = join(frameworks, file);
    const { load, events } = await traceSnippet({
      snippetPath: path,
      path: "/ws",
      client: "websocket",
      send: ["hi"],
      durationMs: 1_000,
    });
    expect(load).toMatchObject({ kind: "loaded", form });
    await using oracle = await startOracle(path);
    const plain = await bareSession(new URL("/ws", oracle.url).href, ["hi"], 2, { code: 1000, reason: "" });
    const received = ofKind(events, "ws-message")
      .filter((e) => e.side === "client")
      .map((e) => e.text);
    expect({ traced: received, plain: plain.messages }).toEqual({ traced: [...expected], plain: [...expected] });
    expect(kindsOf(events, "server", 1)).toEqual([
      "request",
      "response",
      "ws-open",
      "ws-send",
      "ws-message",
      "ws-send",
      "ws-close",
    ]);
    expect(ofKind(events, "error")).toEqual([]);
  }, 30_000);
});
