/**
 * The writes of one body source (a ReadableStream the snippet or a library built, a generator
 * given to a Response), drawn only if that source turns out to be what the response hands to the
 * socket.
 *
 * Libraries build streams of their own inside a handler: the AI SDK's object streams, h3's
 * TransformStream, the plain-text stream in front of a `CompressionStream`. Their chunks never
 * reach the wire as they are, so they are not the response's writes. A source's writes are held
 * until the handler returns its response: if the response's body is this source, they are
 * recorded then (no earlier than the response head, since no body byte goes out before it) and
 * every later one as it comes; otherwise the response's own body is followed instead
 * (`instrument-body.ts`), and the source's writes are dropped, or, for a stream the snippet built
 * itself (which a transform such as `CompressionStream` then reads), kept as `upstream` writes:
 * what the handler wrote, beside what went on the wire.
 */

import type { WriteVia } from "../contract/index.ts";
import type { RequestContext, RequestTracker, WriteAt } from "./request-tracker.ts";

export interface BodyWrites {
  /** A chunk the source produced (at `at.t`, now when left out). Hot path once on the wire. */
  write(chunk: unknown, via: WriteVia, at?: WriteAt): void;
  /**
   * A chunk written under a flood, counted without a time when the request's flood gate allows
   * (`RequestTracker.countWrite`); false when it was not, and the caller records it with `write`.
   */
  count(chunk: unknown): boolean;
  /** How many chunks `countMany` may count now: 0 unless `count` would take them (`RequestTracker.untimedRoom`). */
  room(): number;
  /** Counts `chunks` chunks of `bytes` bytes in all, after `room` said there was room for them. */
  countMany(chunks: number, bytes: number): void;
  /** A chunk the source produced after the client left, which Bun never took (see `WriteEvent.unsent`). */
  unsent(chunk: unknown, via: WriteVia): void;
  /** The source ended. */
  end(): void;
  /** The source failed (its controller's `error()`, a throwing `start` or `pull`). */
  error(error: unknown): void;
  /** This source is the response's body: what it wrote so far is recorded now, and the rest as it comes. */
  bindToWire(): void;
  /** This source is not the response's body: nothing it writes is a write of the response (see `upstream`). */
  discard(): void;
  /** Whether this source's writes are the response's (once bound). */
  readonly onWire: boolean;
  /** Whether it was bound or discarded already. */
  readonly decided: boolean;
}

type Held =
  | { kind: "write"; chunk: unknown; via: WriteVia; t: number; line: number | undefined }
  | { kind: "end" }
  | { kind: "error"; error: unknown };

export interface BodyWritesOptions {
  tracker: RequestTracker;
  /** The request whose handler built the source. */
  ctx: RequestContext;
  /** Turns an error's stack into what the timeline shows. */
  readable: (stack: string | undefined) => string | undefined;
  /** The snippet built this source itself: if it is not the body, its writes are kept as upstream writes. */
  snippetsOwn?: boolean | undefined;
}

export function createBodyWrites({ tracker, ctx, readable, snippetsOwn }: BodyWritesOptions): BodyWrites {
  let state: "held" | "wire" | "upstream" | "discarded" = "held";
  let held: Held[] = [];
  return {
    write(chunk, via, at) {
      if (state === "wire") tracker.write(ctx, chunk, via, at);
      else if (state === "held") held.push({ kind: "write", chunk, via, t: at?.t ?? tracker.now(), line: at?.line });
      else if (state === "upstream") tracker.upstreamWrite(ctx, chunk, via, at);
    },
    unsent(chunk, via) {
      if (state === "wire") tracker.unsentWrite(ctx, chunk, via);
    },
    count(chunk) {
      return state === "wire" && tracker.countWrite(ctx, chunk);
    },
    room() {
      return state === "wire" ? tracker.untimedRoom(ctx) : 0;
    },
    countMany(chunks, bytes) {
      if (state === "wire") tracker.countWrites(ctx, chunks, bytes);
    },
    end() {
      if (state === "wire") tracker.end(ctx);
      else if (state === "held") held.push({ kind: "end" });
    },
    error(error) {
      if (state === "wire") tracker.error(ctx, error, "body", readable);
      else if (state === "held") held.push({ kind: "error", error });
    },
    bindToWire() {
      if (state !== "held") return;
      state = "wire";
      const now = tracker.now();
      for (const item of held) {
        // The head went out just now: a chunk written before it reaches the socket after it.
        if (item.kind === "write")
          tracker.write(ctx, item.chunk, item.via, { t: Math.max(item.t, now), line: item.line });
        else if (item.kind === "end") tracker.end(ctx);
        else tracker.error(ctx, item.error, "body", readable);
      }
      held = [];
    },
    discard() {
      if (state !== "held") return;
      state = snippetsOwn ? "upstream" : "discarded";
      if (snippetsOwn)
        for (const item of held)
          if (item.kind === "write") tracker.upstreamWrite(ctx, item.chunk, item.via, { t: item.t, line: item.line });
      held = [];
    },
    get onWire() {
      return state === "wire";
    },
    get decided() {
      return state !== "held";
    },
  };
}
