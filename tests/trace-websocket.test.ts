/**
 * `npm run trace -- … --client websocket`: the command's own words (--send, --send-every,
 * --protocol) reach the client, and both sides of the socket print on one clock.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseTraceArgs } from "../src/shared/trace-options.ts";
import { fixture } from "./support/timeline.ts";

const cli = join(import.meta.dir, "..", "src", "cli", "trace-cli.ts");

async function trace(...args: string[]) {
  const child = Bun.spawn([process.execPath, cli, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}

/** The kind and detail columns of the readable timeline, for one lane's side. */
function lines(stdout: string, side: string): string[] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => /^\s+\d+\.\d{3}\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null && match[2] === side && match[1] === "1")
    .map((match) => `${match![3]} ${match![4]}`);
}

describe("trace --client websocket", () => {
  test("the upgrade example from Bun's Server API page, with a /chat client, prints both sides of the socket", async () => {
    const { stdout, code } = await trace(
      fixture("documented/bun-upgrade-chat.ts"),
      "--path",
      "/chat",
      "--client",
      "websocket",
      "--send",
      "hello",
      "--duration",
      "800",
    );
    expect(code).toBe(0);
    expect(lines(stdout, "server")).toEqual([
      "request GET /chat → v1",
      "response 101 Switching Protocols: upgraded to websocket",
      'ws-open opened, served by v1, ws.data {"user":"John Doe"}',
      'ws-message 5 B text "hello" → v1',
      "ws-close code 1000",
    ]);
    expect(lines(stdout, "client").map((line) => line.replace(/:\d+\//, ":PORT/"))).toEqual([
      "open websocket GET ws://127.0.0.1:PORT/chat",
      "ws-open protocol none",
      'ws-send 5 B text "hello"',
      "ws-close code 1000, clean, by the client",
    ]);
    expect(lines(stdout, "runner")).toEqual([
      "log log (line 6): Client connected",
      "log log (line 9): Client sent message hello",
      "log log (line 12): Client disconnected",
    ]);
  }, 20_000);

  test("--send repeats, --send-every paces the messages round and round, and --protocol is offered", async () => {
    const { stdout, code } = await trace(
      fixture("websocket/bun-guide-echo.ts"),
      "--client",
      "websocket",
      "--send",
      "a",
      "--send",
      "b",
      "--send-every",
      "100",
      "--protocol",
      "chat",
      "--duration",
      "450",
      "--json",
    );
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; side: string; text?: string; protocol?: string; t: number });
    const sent = events.filter((e) => e.kind === "ws-send" && e.side === "client");
    // At 0, 100, 200, 300 and 400 ms after the socket opened: five on a quiet machine.
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.map((e) => e.text)).toEqual(sent.map((_, i) => (i % 2 === 0 ? "a" : "b")));
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.t - sent[i - 1]!.t).toBeGreaterThan(60);
    expect(events.filter((e) => e.kind === "ws-message" && e.side === "client").map((e) => e.text)).toEqual(
      sent.map((e) => `You said: ${e.text}`),
    );
    expect(events.find((e) => e.kind === "ws-open" && e.side === "client")?.protocol).toBe("chat");
  }, 20_000);

  test("the websocket options belong to --client websocket, and --send-every needs a number above 0", () => {
    expect(parseTraceArgs(["x.ts", "--send", "hi"])).toEqual({
      ok: false,
      message: "--send is for --client websocket",
    });
    expect(parseTraceArgs(["x.ts", "--client", "websocket", "--send-every", "0"])).toEqual({
      ok: false,
      message: "--send-every takes a number of ms above 0",
    });
    const parsed = parseTraceArgs([
      "x.ts",
      "--client",
      "websocket",
      "--send",
      "a",
      "--send",
      "b c",
      "--protocol",
      "chat",
    ]);
    expect(
      parsed.ok && { send: parsed.args.send, protocols: parsed.args.protocols, sendEveryMs: parsed.args.sendEveryMs },
    ).toEqual({ send: ["a", "b c"], protocols: ["chat"], sendEveryMs: undefined });
  });
});
