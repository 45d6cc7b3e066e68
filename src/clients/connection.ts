/**
 * One request of a client, recorded from `open` to `disconnect`: the response head, every
 * body read, the SSE events in it, and exactly one `disconnect` at the end, however it ends.
 */

import {
  formatByteSize,
  type ChunkEvent,
  type ClientBehaviour,
  type ClientKind,
  type DisconnectBy,
} from "../contract/index.ts";
import { acceptedEncodings, type ContentDecoder, contentEncodingOf, createContentDecoder } from "./content-decoder.ts";
import { chunkEventOf, decodedOf, disconnectEventOf, headersEventOf } from "./read-events.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import type { ReadPacer } from "./read-pacer.ts";
import type { ClientEventSink } from "./types.ts";

/**
 * Gives a chunk's memory back once it was read, rather than when the collector next runs: a body
 * read at full speed otherwise leaves its buffers behind (a bare Bun reader of 1 GiB in 64 KiB
 * chunks peaks ~26 MB up; releasing each, ~12 MB). Only a chunk that is its whole buffer is
 * released; nothing may read the chunk afterwards.
 */
export function releaseChunk(chunk: Uint8Array): void {
  const { buffer } = chunk;
  if (buffer instanceof ArrayBuffer && chunk.byteOffset === 0 && buffer.byteLength === chunk.byteLength)
    buffer.transfer(0);
}

/** What reads a body beside the chunks: SSE events, JSON lines. */
export interface BodyRecorder {
  /** The next bytes of the body, cut anywhere. */
  feed(bytes: Uint8Array): void;
  /** The connection ended; `complete` when the body ended as the server meant it to (not broken or dropped). */
  reset(complete?: boolean): void;
}

export interface ConnectionOptions extends ClientEventSink {
  /** Which client this connection belongs to, for the `open` event. */
  client: ClientKind;
  url: string;
  method: string;
  headers: [string, string][];
  body?: string | undefined;
  /** 1 for the first connection, then one more per reconnect. */
  attempt: number;
  /** Why a response is refused without reading its body, or undefined to read it. */
  refuse?: ((response: Response) => string | undefined) | undefined;
  /** The recorder to parse an accepted response's body with (SSE, JSON lines), or undefined for chunks only. */
  recorderFor: (response: Response) => BodyRecorder | undefined;
  /** Another server than the playground's runner: its side is not recorded (see `OpenEvent.external`). */
  external?: boolean | undefined;
  /**
   * A slow client: its settings (for the `open` event), the pacer its reads wait for, and where it drops the
   * connection.
   */
  slow?: { behaviour: ClientBehaviour; pacer: ReadPacer } | undefined;
}

/** How a connection ended. */
export interface ConnectionEnd {
  by: DisconnectBy;
  /** The response was refused (see `refuse`); its body was not read. */
  refused: boolean;
}

/** An error's message, led by its code (`ECONNREFUSED`) when the message does not already say it. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  // Bun 1.4 appends advice about fetch's `verbose` option, which means nothing to someone reading a timeline.
  const message = error.message.replace(/\s*For more information, pass `verbose: true`.*$/s, "");
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

/** One request of a client, open from `open` until its `disconnect` is recorded. */
export interface Connection {
  /** Settles once the connection is over and its `disconnect` has been emitted. */
  readonly ended: Promise<ConnectionEnd>;
  /** Disconnects now (`by: "client"`); does nothing once the connection has ended. */
  close(): void;
}

export function openConnection(options: ConnectionOptions): Connection {
  const { lane, now, emit } = options;
  const abort = new AbortController();
  const chunkEvents = createGatedEmitter<ChunkEvent>({ of: "chunk", lane, emit, floodGate: options.floodGate });
  let recorder: BodyRecorder | undefined;
  const dropAfterBytes = options.slow?.behaviour.dropAfterBytes;
  const pacer = options.slow?.pacer;
  let bytes = 0;
  let chunks = 0;
  let end: ConnectionEnd | undefined;
  /** For a body with a `Content-Encoding`: its decoder, and the chunks still being decoded. */
  let decoder: ContentDecoder | undefined;
  let decoding: Promise<void> = Promise.resolve();
  /** Settles once the `disconnect` is out (after the chunks still being decoded). */
  let closed: Promise<void> = Promise.resolve();

  /** Records the end, once: whatever ends the connection first is what the timeline shows. */
  function finish(by: DisconnectBy, message?: string, refused = false): ConnectionEnd {
    if (end) return end;
    end = { by, refused };
    const totals = { by, message, bytes, chunks };
    // Stamped once the chunks still being decoded are out: the events read from them come before it.
    const close = () => {
      // Folds first, so every chunk and event the client received is on the timeline before the end.
      chunkEvents.flush();
      recorder?.reset(by === "server");
      decoder?.close();
      emit(disconnectEventOf(now(), lane, totals));
    };
    if (decoder) closed = decoding.then(close);
    else close();
    return end;
  }

  /** One piece of the body, as the client read it (off the wire: still compressed, if it was). */
  function take(value: Uint8Array): void {
    const t = now();
    bytes += value.byteLength;
    chunks++;
    options.readGuard?.read(value.byteLength);
    if (!decoder) {
      chunkEvents.record(t, value.byteLength, () => chunkEventOf(t, lane, value));
      recorder?.feed(value);
      return;
    }
    const { encoding } = decoder;
    decoding = decoding
      .then(() => decoder?.decode(value))
      .then((decoded) => {
        if (!decoded) return;
        chunkEvents.record(t, value.byteLength, () => ({
          ...chunkEventOf(t, lane, value),
          decoded: decodedOf(encoding, decoded),
        }));
        if (decoded.bytes.byteLength > 0) recorder?.feed(decoded.bytes);
      });
  }

  /** Drops the connection as a broken network would, by the lane's `dropAfterBytes`. */
  function drop(): ConnectionEnd {
    const dropped = finish("drop", `dropped after ${formatByteSize(bytes)} of the body, by the lane's setting`);
    abort.abort();
    return dropped;
  }

  async function run(): Promise<ConnectionEnd> {
    const sentAt = now();
    try {
      const offersEncodings = options.headers.some(([name]) => name.toLowerCase() === "accept-encoding");
      const response = await fetch(options.url, {
        method: options.method,
        // Offered as a browser or Bun's own fetch offers them, and read undecoded: the wire is what is shown.
        headers: offersEncodings ? options.headers : [...options.headers, ["accept-encoding", acceptedEncodings]],
        body: options.body,
        signal: abort.signal,
        decompress: false,
      } as RequestInit);
      if (end) return end;
      const t = now();
      emit(headersEventOf(t, lane, response, sentAt));
      const refusal = options.refuse?.(response);
      if (refusal !== undefined) {
        const refused = finish("error", refusal, true);
        abort.abort();
        return refused;
      }
      recorder = options.recorderFor(response);
      const encoding = contentEncodingOf(response.headers.get("content-encoding"));
      if (encoding) decoder = createContentDecoder(encoding);
      if (response.body) {
        const reader = response.body.getReader();
        if (dropAfterBytes === 0) return drop();
        if (pacer && !(await pacer.ready())) return end ?? finish("client");
        for (let read = await reader.read(); !read.done && !end; read = await reader.read()) {
          if (pacer === undefined && dropAfterBytes === undefined) {
            take(read.value);
            // Everything `take` keeps of a chunk is a copy (previews are strings, the recorders
            // decode it); a decoder reads the chunk later, so then it is left to the collector.
            if (!decoder) releaseChunk(read.value);
            continue;
          }
          // A slow client takes what arrived a slice at a time, and asks for more only when it may read again.
          let rest = read.value;
          while (rest.byteLength > 0 && !end) {
            let size = pacer ? await pacer.take(rest.byteLength) : rest.byteLength;
            if (end) break;
            if (size === 0) return finish("client");
            if (dropAfterBytes !== undefined) size = Math.min(size, dropAfterBytes - bytes);
            take(rest.subarray(0, size));
            rest = rest.subarray(size);
            if (dropAfterBytes !== undefined && bytes >= dropAfterBytes) return drop();
          }
          if (pacer && !end && !(await pacer.ready())) return end ?? finish("client");
        }
      }
      return finish("server");
    } catch (error) {
      // After `close()` the abort it caused rejects the pending fetch or read; the end is recorded.
      if (end) return end;
      return finish("error", describeError(error));
    }
  }

  emit({
    t: now(),
    lane,
    side: "client",
    kind: "open",
    client: options.client,
    method: options.method,
    url: options.url,
    attempt: options.attempt,
    ...(options.external ? { external: true } : {}),
    ...(options.slow ? { slow: options.slow.behaviour } : {}),
  });
  pacer?.start();
  const ended = run().then(async (connectionEnd) => {
    await closed;
    return connectionEnd;
  });

  return {
    ended,
    close(): void {
      if (end) return;
      finish("client");
      abort.abort();
    },
  };
}
