/**
 * The MCP lens against `@modelcontextprotocol/sdk` on both sides: the SDK's own Streamable HTTP
 * server answers a tool call with a notification and then its result on an event stream; the SDK's
 * Client reads it, and so does a lane's stream client with the lens. They must agree on the tool's
 * text and on a response the client never asked for.
 */

import { afterAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import { openClient } from "../src/clients/index.ts";
import type { TimelineEvent } from "../src/contract/index.ts";
import { type LensReading, readLanes } from "../src/lenses/index.ts";

const transports = new Map<string, WebStandardStreamableHTTPServerTransport>();

function createWeatherServer(): McpServer {
  const server = new McpServer({ name: "weather", version: "1.0.0" }, { capabilities: { logging: {} } });
  server.registerTool(
    "get_weather",
    { description: "The weather in a city", inputSchema: { city: z.string() } },
    async ({ city }, extra) => {
      await extra.sendNotification({
        method: "notifications/message",
        params: { level: "info", data: `looking up ${city}` },
      });
      await Bun.sleep(20);
      return {
        content: [
          { type: "text", text: `Sunny in ${city}, ` },
          { type: "text", text: "21 °C" },
        ],
      };
    },
  );
  return server;
}

const http = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/stray") {
      // Answers an id the client never sent.
      const body = `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 99, result: { content: [] } })}\n\n`;
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    const session = request.headers.get("mcp-session-id");
    let transport = session ? transports.get(session) : undefined;
    if (!transport) {
      transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, transport!),
      });
      await createWeatherServer().connect(transport);
    }
    return transport.handleRequest(request);
  },
});
afterAll(() => http.stop(true));

const callBody = JSON.stringify({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name: "get_weather", arguments: { city: "Paris" } },
});

/** A lane's POST of `body` to `path`, read by the stream client, and its lens reading. */
async function laneReading(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<LensReading | undefined> {
  const events: TimelineEvent[] = [];
  await openClient({
    lane: 1,
    now: () => performance.now(),
    emit: (event) => events.push(event),
    url: `http://127.0.0.1:${http.port}${path}`,
    client: "stream",
    method: "POST",
    body,
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
  }).done;
  return readLanes(events, () => ({ requestBody: body })).get(1);
}

describe("MCP Streamable HTTP, against @modelcontextprotocol/sdk", () => {
  test("a tool call answered on an event stream: the lens's text is the Client's result, with the notification before it", async () => {
    const client = new Client({ name: "oracle", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${http.port}/mcp`));
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: "get_weather", arguments: { city: "Paris" } });
      const clientText = (result.content as { type: string; text: string }[]).map((part) => part.text).join("");
      const reading = await laneReading("/mcp", callBody, {
        "mcp-session-id": transport.sessionId!,
        "mcp-protocol-version": transport.protocolVersion ?? "2025-06-18",
      });
      expect({
        protocol: reading?.protocol,
        text: reading?.text,
        rpc: reading?.rpc?.map(({ type, method, id, answers }) => ({ type, method, id, answers })),
        sessionId: reading?.sessionId,
        complete: reading?.complete,
        violations: reading?.violations,
      }).toEqual({
        protocol: "mcp",
        text: clientText,
        rpc: [
          { type: "notification", method: "notifications/message", id: undefined, answers: undefined },
          { type: "result", method: undefined, id: 7, answers: "tools/call" },
        ],
        sessionId: transport.sessionId!,
        complete: true,
        violations: [],
      });
    } finally {
      await client.close();
    }
  });

  test("a response to an id no request had: the SDK reports an unknown message ID, the lens an unmatched response", async () => {
    // The SDK's protocol layer, fed the same response, reports it through `onerror`.
    const client = new Client({ name: "oracle", version: "1.0.0" });
    const reported: string[] = [];
    client.onerror = (error) => reported.push(error.message);
    const reading = await laneReading("/stray", callBody, {});
    // @ts-expect-error: the protocol's response handler, reached as a transport would reach it.
    client._onresponse({ jsonrpc: "2.0", id: 99, result: { content: [] } });
    expect({ reported, rules: reading?.violations.map((violation) => violation.rule) }).toEqual({
      reported: [expect.stringContaining("unknown message ID")],
      rules: ["unmatched-response", "unanswered-request"],
    });
  });
});
