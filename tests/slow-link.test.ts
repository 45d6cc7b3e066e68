/**
 * The relay a slow WebSocket client reads through: TLS to a wss:// server, verified, and reading only as its pacer lets
 * it.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createReadPacer } from "../src/clients/read-pacer.ts";
import { openSlowLink } from "../src/clients/slow-link.ts";
import { ofKind, traceSource } from "./support/timeline.ts";

const tlsDir = join(import.meta.dir, "fixtures", "tls");
const cert = await Bun.file(join(tlsDir, "localhost.crt")).text();
const key = await Bun.file(join(tlsDir, "localhost.key")).text();

/** A wss:// echo server with a self-signed certificate for localhost. */
function secureEcho() {
  return Bun.serve({
    port: 0,
    hostname: "localhost",
    tls: { cert, key },
    fetch: (request, server) =>
      server.upgrade(request) ? undefined : new Response("WebSockets only", { status: 400 }),
    websocket: { message: (ws, message) => void ws.send(`echo: ${String(message)}`) },
  });
}

/** Opens a WebSocket through `link` and resolves with what it received, or how it failed. */
function talk(url: string, host: string, send: string): Promise<string> {
  const { promise, resolve } = Promise.withResolvers<string>();
  const socket = new WebSocket(url, { headers: { host } } as unknown as string[]);
  socket.addEventListener("open", () => socket.send(send));
  socket.addEventListener("message", (event: MessageEvent) => {
    resolve(String(event.data));
    socket.close();
  });
  socket.addEventListener("close", (event: CloseEvent) => resolve(`closed ${event.code}`));
  return promise;
}

const pacer = () => createReadPacer({ behaviour: {}, lane: 1, now: () => performance.now(), emit: () => {} });

describe("the slow link", () => {
  test("reaches a wss:// server over TLS, verified against the certificate it trusts, and relays both ways", async () => {
    await using server = secureEcho();
    const link = await openSlowLink({ target: `wss://localhost:${server.port}/feed`, pacer: pacer(), ca: cert });
    try {
      expect(link.url).toBe(`ws://127.0.0.1:${new URL(link.url).port}/feed`);
      expect(link.host).toBe(`localhost:${server.port}`);
      expect(await talk(link.url, link.host, "hi")).toBe("echo: hi");
    } finally {
      link.close();
    }
  });

  test("a server whose certificate it does not trust is not reached", async () => {
    await using server = secureEcho();
    const link = await openSlowLink({ target: `wss://localhost:${server.port}/`, pacer: pacer() });
    try {
      expect(await talk(link.url, link.host, "hi")).toBe("closed 1006");
    } finally {
      link.close();
    }
  });

  test("while its pacer is paused nothing reaches the client; resumed, it all does", async () => {
    await using server = secureEcho();
    const paced = pacer();
    const link = await openSlowLink({ target: `wss://localhost:${server.port}/`, pacer: paced, ca: cert });
    try {
      const socket = new WebSocket(link.url, { headers: { host: link.host } } as unknown as string[]);
      const received: string[] = [];
      const opened = Promise.withResolvers<void>();
      socket.addEventListener("open", () => opened.resolve());
      const first = Promise.withResolvers<void>();
      socket.addEventListener("message", (event: MessageEvent) => {
        received.push(String(event.data));
        first.resolve();
      });
      await opened.promise;
      paced.pause();
      socket.send("while paused");
      // The echo is on its way and the paused link holds it: this waits a while to see that nothing
      // comes (under load it may just not have come yet, which cannot make the test fail wrongly).
      await Bun.sleep(200);
      expect(received).toEqual([]);
      paced.resume();
      await first.promise;
      expect(received).toEqual(["echo: while paused"]);
      socket.close();
    } finally {
      link.close();
      paced.close();
    }
  });
});

describe("a WebSocket client that drops", () => {
  test("after the message that reaches its limit, it ends without a closing handshake, and the server sees 1006", async () => {
    const { events } = await traceSource(
      `export default {
  fetch(req: Request, server: { upgrade(req: Request): boolean }) { if (server.upgrade(req)) return; return new Response("no", { status: 400 }); },
  websocket: { open(ws: { send(data: string): number }) { for (let i = 1; i <= 5; i++) ws.send("message " + i); }, message() {} },
};`,
      { client: "websocket", slow: { dropAfterBytes: 20 }, durationMs: 2_000 },
    );
    const client = events
      .filter((event) => event.side === "client" && event.kind.startsWith("ws-"))
      .map(({ t: _t, lane: _lane, side: _side, ...rest }) => rest);
    expect(client).toEqual([
      { kind: "ws-open", protocol: "", extensions: "" },
      { kind: "ws-message", bytes: 9, binary: false, text: "message 1" },
      { kind: "ws-message", bytes: 9, binary: false, text: "message 2" },
      { kind: "ws-message", bytes: 9, binary: false, text: "message 3" },
      { kind: "ws-error", message: "dropped after 27 B of messages, by the lane's setting" },
      // The client dropped it, by the lane's setting.
      { kind: "ws-close", code: 1006, reason: "", wasClean: false, by: "client" },
    ]);
    expect(ofKind(events, "ws-close").find((event) => event.side === "server")?.code).toBe(1006);
  }, 20_000);
});
