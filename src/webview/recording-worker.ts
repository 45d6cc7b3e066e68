/**
 * Reads a recording off the page's thread: the file is decoded and parsed here a piece at a time,
 * and its events go to the page in batches as they are read, so the page stays responsive while a
 * million-event file opens and shows it filling in. Built apart from the page's script and served
 * as `/recording-worker.js`.
 */

import { createRecordingReader, errorMessage, type TimelineEvent } from "../contract/index.ts";
import {
  createEventRowsEncoder,
  type RecordingWorkerMessage,
  type RecordingWorkerRequest,
} from "./recording-worker-messages.ts";

/** Events per message: few enough that the page takes each batch well within a frame's budget. */
const batchEvents = 4_000;

const scope = self as unknown as {
  onmessage: ((message: MessageEvent<RecordingWorkerRequest>) => void) | null;
  postMessage(message: RecordingWorkerMessage): void;
};

async function read(request: RecordingWorkerRequest): Promise<void> {
  const reader = createRecordingReader();
  const total = typeof request.source === "string" ? request.source.length : request.source.size;
  let done = 0;
  let headerSent = false;
  let batch: TimelineEvent[] = [];
  const encoder = createEventRowsEncoder();

  const send = (final: boolean) => {
    if (batch.length === 0 && !final) return;
    scope.postMessage({ type: "events", ...encoder.encode(batch), done, total });
    batch = [];
  };
  /** Takes what a piece gave; false once the file is refused. */
  const take = (read: ReturnType<typeof reader.push>): boolean => {
    if (!read.ok) {
      scope.postMessage({ type: "failed", problem: read.problem });
      return false;
    }
    if (read.header && !headerSent) {
      headerSent = true;
      scope.postMessage({ type: "header", header: read.header });
    }
    for (const event of read.events) {
      batch.push(event);
      if (batch.length >= batchEvents) send(false);
    }
    return true;
  };

  if (typeof request.source === "string") {
    // Text the host read (the desktop app's dialog): parsed in slices, a line at a time across them.
    const slice = 1 << 20;
    for (let at = 0; at < request.source.length; at += slice) {
      done = Math.min(at + slice, request.source.length);
      if (!take(reader.push(request.source.slice(at, at + slice)))) return;
    }
  } else {
    const decoder = new TextDecoder();
    for await (const bytes of request.source.stream() as unknown as AsyncIterable<Uint8Array>) {
      done += bytes.byteLength;
      if (!take(reader.push(decoder.decode(bytes, { stream: true })))) return;
    }
    if (!take(reader.push(decoder.decode()))) return;
  }
  if (!take(reader.end())) return;
  send(true);
  scope.postMessage({ type: "done" });
}

scope.onmessage = (message) => {
  read(message.data).catch((error: unknown) =>
    scope.postMessage({ type: "failed", problem: `it could not be read: ${errorMessage(error)}` }),
  );
};
