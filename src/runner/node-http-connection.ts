/**
 * One request to a snippet's `node:http` server over a connection that lives in the runner's
 * memory: the request goes in as HTTP/1.1 bytes on a stream the server takes as a socket (its
 * `connection` event), and what the server writes back is parsed as the HTTP/1.1 response it is.
 * Nothing crosses the kernel twice: the bytes the server writes reach the runner's `Bun.serve`
 * response as they are, with backpressure (the server's writes wait while the client is slow).
 *
 * The socket says where the request came from (the client's address and port, as `Bun.serve`
 * saw them) and where it arrived (the runner's server), so `req.socket.remoteAddress`, Express's
 * `req.ip` and Fastify's request log name the client as they would under plain Bun.
 */

import type http from "node:http";
import { Duplex } from "node:stream";
import { HTTPParser } from "http-parser-js";
import { isHopByHop } from "../shared/index.ts";
import { NativeReadableStream, NativeResponse } from "./native-globals.ts";

/** How many bytes of the snippet's answer wait in the response before its server's writes are held. */
const responseBufferBytes = 1 << 20;

/** An address as `net.Socket` reports it. */
export interface SocketAddress {
  address: string;
  family: "IPv4" | "IPv6";
  port: number;
}

export interface NodeHttpExchangeOptions {
  /** The snippet's server, listening or not: it is handed the connection as if it had accepted it. */
  server: http.Server;
  request: Request;
  /** The request target to send: the path and query. */
  target: string;
  /** The request's headers as the server should see them (hop-by-hop ones are dropped here). */
  headers: Headers;
  /** Who sent the request, as the runner's server saw them; undefined when it cannot say. */
  remote: SocketAddress | undefined;
  /** Where it arrived: the runner's server. */
  local: SocketAddress;
  /**
   * Runs the connection's own work (handing it to the server, feeding it the request) outside the
   * request's context: only the snippet's handler runs inside it, as with a socket the server accepted.
   */
  outside: <R>(fn: () => R) => R;
}

/**
 * Sends `request` to the snippet's server and resolves with its answer once the head is parsed;
 * the body streams on. A client that leaves ends the connection as a client closing its own does:
 * what the server writes after is taken and dropped, and it sees the end of its input, so it tells
 * the same story it tells under plain Bun (`aborted`, then `close`).
 */
export function exchange(options: NodeHttpExchangeOptions): Promise<Response> {
  const { request, server, outside } = options;
  const { promise, resolve, reject } = Promise.withResolvers<Response>();
  const noBody = request.method === "HEAD";
  let body: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** The server's write waiting for the client to take more. */
  let held: (() => void) | undefined;
  let answered = false;
  let complete = false;
  let left = false;

  /** Resolves the wait of a request body larger than the socket's buffer. */
  let requestWanted: (() => void) | undefined;

  const release = () => {
    const callback = held;
    held = undefined;
    callback?.();
  };

  const parser = new HTTPParser(HTTPParser.RESPONSE);
  parser[HTTPParser.kOnHeadersComplete] = ({ statusCode, statusMessage, headers }) => {
    // An interim answer (100 Continue, 103 Early Hints) comes before the real one; Bun.serve sends none of them on.
    if (statusCode >= 100 && statusCode < 200) return 1;
    const relayed = new Headers();
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!isHopByHop(headers[i]!)) relayed.append(headers[i]!, headers[i + 1]!);
    }
    const empty = noBody || statusCode === 204 || statusCode === 304;
    const stream = empty
      ? null
      : new NativeReadableStream<Uint8Array>(
          {
            start(controller) {
              body = controller;
            },
            pull: release,
            cancel: leave,
          },
          { highWaterMark: responseBufferBytes, size: (chunk) => chunk?.byteLength ?? 0 },
        );
    answered = true;
    resolve(new NativeResponse(stream, { status: statusCode, statusText: statusMessage, headers: relayed }));
    // A body-less answer has no body on the wire to read, whatever its headers say.
    return empty ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
    if (!left) body?.enqueue(chunk.subarray(offset, offset + length));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (!answered) return; // an interim answer's end: the real one follows
    complete = true;
    if (!left) body?.close();
    // One request per connection: the client is done with it, as a client without keep-alive would be.
    socket.push(null);
  };

  /** The server's side ended or broke: whatever it had not finished answering ends with it. */
  const serverGone = (error: Error | null) => {
    if (complete || left) return;
    // A body that runs to the end of the connection is complete when the server ends it.
    if (error === null) parser.finish();
    if (complete) return;
    const problem = error ?? new Error("the snippet's server closed the connection before it finished answering");
    if (!answered) reject(problem);
    else body?.error(problem);
    complete = true;
  };

  const socket = new Duplex({
    read() {
      requestWanted?.();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (left || complete) {
        callback();
        return;
      }
      const parsed = parser.execute(chunk);
      if (parsed instanceof Error) {
        serverGone(new Error(`the snippet's server wrote what is not an HTTP/1.1 response: ${parsed.message}`));
        callback();
        return;
      }
      if (body !== undefined && (body.desiredSize ?? 1) <= 0) held = callback;
      else callback();
    },
    final(callback) {
      serverGone(null);
      callback();
    },
    destroy(error, callback) {
      serverGone(error);
      release();
      callback(null);
    },
  });
  Object.assign(socket, socketFields(socket, options.remote, options.local));

  function leave(): void {
    if (left || complete) return;
    left = true;
    release();
    if (!answered) reject(new Error("the client left before the snippet's server answered"));
    socket.push(null);
  }

  if (request.signal.aborted) leave();
  else request.signal.addEventListener("abort", leave, { once: true });

  const send = async (bytes: Uint8Array | string): Promise<void> => {
    if (left || socket.push(bytes)) return;
    const { promise: wanted, resolve: wake } = Promise.withResolvers<void>();
    requestWanted = wake;
    await wanted;
    requestWanted = undefined;
  };

  outside(() => {
    server.emit("connection", socket);
    // A body without a length (a stream the client sent) goes in chunked, as a client would send it.
    const chunked = request.body !== null && !options.headers.has("content-length");
    const head = requestHead(request.method, options.target, options.headers, chunked);
    if (request.body === null) {
      socket.push(head);
      return;
    }
    (async () => {
      await send(head);
      for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
        if (left) return;
        if (chunk.byteLength === 0) continue;
        await send(chunked ? Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, crlf]) : chunk);
      }
      if (chunked) await send("0\r\n\r\n");
    })().catch((error: unknown) => socket.destroy(error instanceof Error ? error : new Error(String(error))));
  });

  return promise;
}

const crlf = Buffer.from("\r\n");

/** The request line and headers; `chunked` frames the body in chunks. */
function requestHead(method: string, target: string, headers: Headers, chunked: boolean): string {
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of headers) if (!isHopByHop(name)) head += `${name}: ${value}\r\n`;
  if (chunked) head += "transfer-encoding: chunked\r\n";
  return `${head}\r\n`;
}

/** What code reads off `req.socket` besides the stream: its two ends, and the calls a server makes on a socket. */
function socketFields(socket: Duplex, remote: SocketAddress | undefined, local: SocketAddress) {
  const self = () => socket;
  return {
    remoteAddress: remote?.address,
    remoteFamily: remote?.family,
    remotePort: remote?.port,
    localAddress: local.address,
    localFamily: local.family,
    localPort: local.port,
    encrypted: false,
    address: () => ({ ...local }),
    setTimeout: self,
    setNoDelay: self,
    setKeepAlive: self,
    ref: self,
    unref: self,
  };
}
