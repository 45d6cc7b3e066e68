/**
 * The in-memory connection the runner serves a snippet's `node:http` server through, against the
 * same server reached over TCP by `fetch` as the oracle: what one gets, the other must get.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exchange, type SocketAddress } from "../src/runner/node-http-connection.ts";

const MiB = 1024 * 1024;
const local: SocketAddress = { address: "127.0.0.1", family: "IPv4", port: 4321 };
const remote: SocketAddress = { address: "127.0.0.1", family: "IPv4", port: 50123 };

/** What a server saw of each request, by its `x-id`. */
const seen = new Map<string, string[]>();
/** Settled when the request with that `x-id` reaches a point a test waits for (named per route below). */
const reached = new Map<string, PromiseWithResolvers<void>>();
const reach = (id: string) => {
  const found = reached.get(id) ?? Promise.withResolvers<void>();
  reached.set(id, found);
  return found;
};

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  const id = String(req.headers["x-id"]);
  const log: string[] = [];
  seen.set(id, log);
  switch (url.pathname) {
    case "/chunked":
      res.writeHead(200, { "content-type": "text/plain", "x-custom": "yes" });
      res.write("one ");
      res.write("two ");
      res.end("three");
      return;
    case "/sized":
      res.setHeader("content-length", "5");
      res.end("hello");
      return;
    case "/empty":
      res.writeHead(Number(url.searchParams.get("status")));
      res.end();
      return;
    case "/hints":
      res.writeEarlyHints({ link: "</style.css>; rel=preload; as=style" });
      res.end("after hints");
      return;
    case "/echo": {
      const hash = createHash("sha256");
      let bytes = 0;
      req.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      req.on("end", () => res.end(`${bytes} ${hash.digest("hex")} ${req.headers["transfer-encoding"] ?? "sized"}`));
      return;
    }
    case "/socket":
      res.end(`${req.socket.remoteAddress} ${req.socket.remotePort} ${req.socket.localPort}`);
      return;
    case "/bulk": {
      const total = Number(url.searchParams.get("mib")) * MiB;
      const chunk = Buffer.alloc(64 * 1024, 97);
      let written = 0;
      res.writeHead(200, { "content-type": "application/octet-stream" });
      // Reached when a write is held back for the first time, or else when every byte was written.
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          log[0] = String(written);
          if (!res.write(chunk)) {
            reach(id).resolve();
            res.once("drain", pump);
            return;
          }
        }
        reach(id).resolve();
        res.end();
      };
      pump();
      return;
    }
    case "/forever": {
      req.on("aborted", () => log.push("aborted"));
      // Reached once the request is closed, the last of what a leaving client makes it see.
      req.on("close", () => {
        log.push("req close");
        reach(id).resolve();
      });
      res.on("close", () => log.push("res close"));
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => res.write("tick\n"), 5);
      res.on("close", () => clearInterval(timer));
      return;
    }
    case "/vanish":
      req.socket.destroy();
      return;
  }
  res.writeHead(404).end();
}

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function viaConnection(path: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(`${base}${path}`, init);
  return exchange({
    server,
    request,
    target: path,
    headers: new Headers(request.headers),
    remote,
    local,
    outside: (fn) => fn(),
  });
}

/** Status, headers (but those about the connection and the date) and body, as one value to compare. */
async function answer(response: Response) {
  const headers = [...response.headers]
    .filter(([name]) => !["date", "connection", "keep-alive", "transfer-encoding"].includes(name))
    .sort(([a], [b]) => a.localeCompare(b));
  return { status: response.status, statusText: response.statusText, headers, body: await response.text() };
}

describe("an answer through the connection is the one the server gives over TCP", () => {
  for (const [name, path, init] of [
    ["a chunked body", "/chunked", {}],
    ["a body of a given length", "/sized", {}],
    ["a HEAD request: the head only", "/sized", { method: "HEAD" }],
    ["204 No Content", "/empty?status=204", {}],
    ["304 Not Modified", "/empty?status=304", {}],
    ["a 404", "/nowhere", {}],
    ["early hints, then the answer", "/hints", {}],
  ] as [string, string, RequestInit][]) {
    test(name, async () => {
      expect(await answer(await viaConnection(path, init))).toEqual(await answer(await fetch(`${base}${path}`, init)));
    });
  }
});

describe("request bodies", () => {
  const body = new Uint8Array(300_000).map((_, i) => i % 251);

  test("a body with a length arrives whole, framed by its length", async () => {
    const init = { method: "POST", body, headers: { "content-length": String(body.byteLength) } };
    const through = await (await viaConnection("/echo", init)).text();
    expect(through).toBe(await (await fetch(`${base}/echo`, init)).text());
    expect(through).toStartWith("300000 ");
    expect(through).toEndWith(" sized");
  });

  test("a streamed body without a length arrives whole, chunked", async () => {
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < body.byteLength; at += 70_000) controller.enqueue(body.subarray(at, at + 70_000));
          controller.close();
        },
      });
    const through = await (await viaConnection("/echo", { method: "POST", body: stream() })).text();
    const [bytes, hash, framing] = through.split(" ");
    expect(bytes).toBe("300000");
    expect(hash).toBe(createHash("sha256").update(body).digest("hex"));
    expect(framing).toBe("chunked");
  });
});

test("the socket names the client and the server the request came between", async () => {
  expect(await (await viaConnection("/socket")).text()).toBe(`${remote.address} ${remote.port} ${local.port}`);
});

test("a client that does not read holds the server's writes back, and gets every byte once it does", async () => {
  const response = await viaConnection("/bulk?mib=32", { headers: { "x-id": "bulk" } });
  await reach("bulk").promise;
  const writtenWhileIdle = Number(seen.get("bulk")?.[0]);
  expect(writtenWhileIdle).toBeGreaterThan(0);
  expect(writtenWhileIdle).toBeLessThan(4 * MiB);
  expect((await response.arrayBuffer()).byteLength).toBe(32 * MiB);
});

test("a client that leaves ends the connection: the server sees aborted, then close, and its writes go nowhere", async () => {
  const leaving = new AbortController();
  const response = await viaConnection("/forever", { signal: leaving.signal, headers: { "x-id": "forever" } });
  const reader = response.body!.getReader();
  await reader.read();
  leaving.abort();
  await reach("forever").promise;
  const log = seen.get("forever")!;
  expect(log.slice(0, 1)).toEqual(["aborted"]);
  expect(log).toContain("res close");
  expect(log).toContain("req close");
});

test("a server that drops the connection without answering is an error that says so", async () => {
  await expect(viaConnection("/vanish")).rejects.toThrow("closed the connection before it finished answering");
});
