import { describe, expect, test } from "bun:test";
import type { ClientRequest } from "../src/contract/index.ts";
import { tryRequestFor } from "../src/webview/export-menu.ts";

const controls = (request: Pick<ClientRequest, "path"> & Partial<ClientRequest>): ClientRequest => ({
  client: "stream",
  method: "GET",
  headers: {},
  clients: 1,
  ...request,
});

describe("the exported file's curl line, from the page", () => {
  const lesson = { path: "/v1/chat/completions", method: "POST", body: '{"prompt":"hi"}' };

  test("asks for what the client controls are set to when they name a path of the snippet's", () => {
    expect(tryRequestFor(controls({ path: "/events" }), lesson)).toEqual({ path: "/events", websocket: false });
    expect(
      tryRequestFor(controls({ path: "/chat", method: "POST", headers: { "x-key": "1" }, body: "{}" }), undefined),
    ).toEqual({ path: "/chat", method: "POST", headers: { "x-key": "1" }, body: "{}", websocket: false });
    // Tried as the controls' client makes it: a WebSocket client only for a websocket lane.
    expect(tryRequestFor(controls({ path: "/chat", client: "websocket" }), lesson)).toEqual({
      path: "/chat",
      websocket: true,
    });
  });

  test("falls back to the lesson's request for the default path, a whole URL or controls that make no sense", () => {
    expect(tryRequestFor(controls({ path: "/" }), lesson)).toEqual(lesson);
    expect(tryRequestFor(controls({ path: "http://localhost:8080/api" }), lesson)).toEqual(lesson);
    expect(tryRequestFor(undefined, lesson)).toEqual(lesson);
    expect(tryRequestFor(controls({ path: "/" }), undefined)).toBeUndefined();
  });
});
