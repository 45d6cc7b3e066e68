/**
 * The streaming surprises the runner can see on its side of a request, each told once per snippet
 * version and line as a `pitfall` event with its cure: a quiet stream closed by the idle timeout, an
 * event stream sent compressed, SSE data going on over lines without `data:`, and writes after the
 * client left. Only what actually happened is said: a pitfall is never a guess from the source.
 */

import type { PitfallEvent, PitfallKind } from "../contract/index.ts";
import { idleLimitBelowSweep, idleSweepSeconds } from "./request-tracker.ts";

/** What the watch knows of a request: the tracker's context, by reference. */
export interface PitfallRequest {
  readonly requestId: number;
  readonly lane: number;
  readonly version: number;
}

export interface StreamPitfalls {
  /** The response's head: remembers whether it is an event stream, and says so if it is compressed. */
  response(request: PitfallRequest, headers: Record<string, string>): void;
  /**
   * A write of the body (a string or bytes; anything else is not read), by the snippet line that
   * made it. Answers whether the watch still reads the text of this request's writes: once it does
   * not, a write without a line tells it nothing.
   */
  write(request: PitfallRequest, chunk: unknown, line: number | undefined): boolean;
  /** Bun's idle timeout closed the request after `quietMs` without a write. */
  idleTimeout(request: PitfallRequest, quietMs: number, limitSeconds: number): void;
  /**
   * The snippet wrote to the stream after its request was closed; `ended` says what closed it, in
   * the timeline's words (`the client left`, `the server was stopped`).
   */
  writeAfterClose(request: PitfallRequest, line: number | undefined, ended: string): void;
}

export interface StreamPitfallsOptions {
  now: () => number;
  emit: (event: PitfallEvent) => void;
  /** The first line of version `version`'s source that matches `pattern`, to point at when no write names one. */
  sourceLine?: ((version: number, pattern: RegExp) => number | undefined) | undefined;
}

/** The field names an SSE line may start with; any other name is one the browser ignores. */
const sseFields = new Set(["data", "event", "id", "retry"]);
/** Where in a snippet a compressed response is asked for: its header, else the compressor, else a word for it. */
const compressionSources = [
  /content-encoding/i,
  /CompressionStream|compress\(|zlib|createGzip|gzipSync/,
  /gzip|deflate|brotli|zstd/i,
];
/** A value pretty-printed (`JSON.stringify(value, null, 2)`), else the first line that writes `data:`. */
const prettySource = /stringify\([^()]*(\([^()]*\))?[^()]*,[^,()]+,/;
const dataSource = /data:/;
/** The stream a quiet connection belongs to, when no write named a line. */
const streamSources = [/text\/event-stream/, /new\s+Response\s*\(/];
/** A line's text is looked at up to this long: a field name is short. */
const maxTail = 256;
/** Bytes of a write that are read for its lines: an event's fields come first. */
const maxReadBytes = 4096;
const decoder = new TextDecoder();

function textOf(chunk: unknown): string | undefined {
  if (typeof chunk === "string") return chunk;
  if (chunk instanceof Uint8Array) return decoder.decode(chunk.subarray(0, maxReadBytes));
  if (chunk instanceof ArrayBuffer)
    return decoder.decode(new Uint8Array(chunk, 0, Math.min(chunk.byteLength, maxReadBytes)));
  return undefined;
}

interface Stream {
  /** The response is `text/event-stream`. */
  sse: boolean;
  /** The block being written has had a `data:` line. */
  inData: boolean;
  /** The end of the last write after its last line end: the start of a line still being written. */
  tail: string;
  /** The line of the last write, for pointing at where a quiet stream last spoke. */
  lastLine: number | undefined;
  /** Its multi-line data was told: its lines are read no more. */
  toldLines?: boolean;
}

export function createStreamPitfalls(options: StreamPitfallsOptions): StreamPitfalls {
  const { now, emit } = options;
  const streams = new WeakMap<PitfallRequest, Stream>();
  /** `kind:version:line` already told: once is enough. */
  const told = new Set<string>();

  function tell(request: PitfallRequest, pitfall: PitfallKind, line: number | undefined, message: string): void {
    const key = `${pitfall}:${request.version}:${line ?? "-"}`;
    if (told.has(key)) return;
    told.add(key);
    emit({
      t: now(),
      lane: request.lane,
      side: "runner",
      kind: "pitfall",
      pitfall,
      message,
      requestId: request.requestId,
      version: request.version,
      ...(line === undefined ? {} : { line }),
    });
  }

  return {
    response(request, headers) {
      const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      const sse = type === "text/event-stream";
      streams.set(request, { sse, inData: false, tail: "", lastLine: undefined });
      const encoding = headers["content-encoding"];
      if (sse && encoding !== undefined && encoding !== "identity")
        tell(
          request,
          "compressed-event-stream",
          compressionSources
            .map((pattern) => options.sourceLine?.(request.version, pattern))
            .find((at) => at !== undefined),
          `this event stream is sent with Content-Encoding: ${encoding}: the compressor holds events back until it has enough to pack, so they reach the client late and in clumps. Send text/event-stream uncompressed (compress other routes only), and send Cache-Control: no-transform so proxies leave it alone too.`,
        );
    },

    write(request, chunk, line) {
      const stream = streams.get(request);
      if (!stream) return false;
      if (line !== undefined) stream.lastLine = line;
      if (!stream.sse || stream.toldLines) return false;
      const text = textOf(chunk);
      if (text === undefined) return true;
      const lines = (stream.tail + text).split(/\r\n|\r|\n/);
      stream.tail = lines.pop()!.slice(0, maxTail);
      for (const field of lines) {
        if (field === "") {
          stream.inData = false;
          continue;
        }
        if (field.startsWith(":")) continue;
        const colon = field.indexOf(":");
        const name = colon === -1 ? field : field.slice(0, colon);
        if (name === "data") stream.inData = true;
        else if (!sseFields.has(name) && stream.inData) {
          tell(
            request,
            "multi-line-data",
            line ??
              options.sourceLine?.(request.version, prettySource) ??
              options.sourceLine?.(request.version, dataSource),
            `the data goes on over lines that do not start with "data:" (${JSON.stringify(field.slice(0, 40))}): the browser takes each for an unknown field and drops it, so the event's data is cut. Write "data: " before every line of it, or send the value on one line (JSON.stringify without indentation).`,
          );
          stream.toldLines = true;
          return false;
        }
      }
      return true;
    },

    idleTimeout(request, quietMs, limitSeconds) {
      const closed = `the stream was quiet for ${(quietMs / 1000).toFixed(1)} s and Bun closed it (its idle timeout is ${limitSeconds} s`;
      const cures = `(": ping\\n\\n", which clients ignore), or lift Bun's limit for this request with server.timeout(req, 0).`;
      const line =
        streams.get(request)?.lastLine ??
        streamSources.map((pattern) => options.sourceLine?.(request.version, pattern)).find((at) => at !== undefined);
      tell(
        request,
        "idle-timeout",
        line,
        idleLimitBelowSweep(limitSeconds)
          ? `${closed}: at ${idleSweepSeconds} s or less Bun's next idle sweep, every ${idleSweepSeconds} s, ends a stream whatever it writes). Raise the limit above ${idleSweepSeconds} s and send a comment more often than that ${cures}`
          : `${closed}; proxies and load balancers close quiet connections at 30 to 100 s). Send a comment every few seconds ${cures}`,
      );
    },

    writeAfterClose(request, line, ended) {
      tell(
        request,
        "write-after-close",
        line,
        `the stream is written after ${ended} (on a ReadableStream, enqueue() throws ERR_INVALID_STATE: the controller is closed). Stop the writing when the client goes: clear its timer in the stream's cancel(), or listen for req.signal's abort.`,
      );
    },
  };
}
