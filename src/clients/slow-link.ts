/**
 * A slow link for a WebSocket client: Bun's `WebSocket` reads its socket as fast as data comes and
 * cannot be told to stop, so a slow WebSocket client connects through this relay instead. It
 * passes everything the client sends straight on, and reads the server's side only as the pacer
 * lets it: the server's socket fills, and Bun's `ws.send` starts returning −1 (then `drain`), as
 * it would for a client on a slow network.
 *
 * The relay listens on 127.0.0.1 for one lane. The client connects to it with the target's own
 * `Host`, so the server sees the request it would have seen; a `wss:` target is reached over TLS.
 */

import type net from "node:net";
import type { ReadPacer } from "./read-pacer.ts";

export interface SlowLink {
  /** Where the client connects instead: the relay's address, with the target's path and query. */
  url: string;
  /** The `Host` header the client sends, the target's. */
  host: string;
  /** Ends the relay and every connection through it. */
  close(): void;
}

export interface SlowLinkOptions {
  /** The server's URL (`ws:`, `wss:`, `http:` or `https:`). */
  target: string;
  pacer: ReadPacer;
  /** Certificates to trust for a TLS target, beside the system's (tests use their own). */
  ca?: string | undefined;
}

function defaultPort(protocol: string): number {
  return protocol === "wss:" || protocol === "https:" ? 443 : 80;
}

export async function openSlowLink(options: SlowLinkOptions): Promise<SlowLink> {
  // Loaded for the first slow link rather than at every host start, where they took ~8 ms.
  const net = process.getBuiltinModule("node:net");
  const tls = process.getBuiltinModule("node:tls");
  const target = new URL(options.target);
  const secure = target.protocol === "wss:" || target.protocol === "https:";
  const port = target.port === "" ? defaultPort(target.protocol) : Number(target.port);
  // `URL.hostname` keeps an IPv6 address's brackets; sockets want it bare.
  const hostname = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const sockets = new Set<net.Socket>();
  const { pacer } = options;

  const server = net.createServer((client) => {
    const upstream = secure
      ? tls.connect({
          host: hostname,
          port,
          servername: net.isIP(hostname) ? undefined : hostname,
          ca: options.ca === undefined ? undefined : [...tls.rootCertificates, options.ca],
        })
      : net.connect({ host: hostname, port });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    /** What the server sent, handed to the client in order, slice by slice. */
    let forwarding = Promise.resolve();

    async function forward(data: Buffer): Promise<void> {
      let rest = data;
      while (rest.byteLength > 0 && !client.destroyed) {
        const size = await pacer.take(rest.byteLength);
        if (size === 0) return;
        client.write(rest.subarray(0, size));
        rest = rest.subarray(size);
      }
      await pacer.ready();
    }

    upstream.on("data", (data: Buffer) => {
      // Nothing more is read from the server until this has gone on to the client.
      upstream.pause();
      forwarding = forwarding
        .then(() => forward(data))
        .then(
          () => {
            if (!upstream.destroyed) upstream.resume();
          },
          (error: unknown) => {
            client.destroy(error instanceof Error ? error : new Error(String(error)));
          },
        );
    });
    upstream.on("end", () => void forwarding.then(() => client.end()));
    upstream.on("error", () => client.destroy());
    upstream.on("close", () => void forwarding.then(() => client.destroy()));
    client.on("error", () => upstream.destroy());
    client.on("close", () => {
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    });
  });

  const { promise: listening, resolve, reject } = Promise.withResolvers<void>();
  server.once("error", reject);
  server.listen(0, "127.0.0.1", () => resolve());
  await listening;
  const address = server.address() as net.AddressInfo;
  const local = new URL(target.href);
  local.protocol = secure ? (target.protocol === "wss:" ? "ws:" : "http:") : target.protocol;
  local.hostname = "127.0.0.1";
  local.port = String(address.port);
  return {
    url: local.href,
    host: target.host,
    close(): void {
      server.close();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
