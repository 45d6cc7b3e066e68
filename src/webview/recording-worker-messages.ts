/** What the page and the recording worker say to each other (`recording-worker.ts`). */

import type { RecordingHeader } from "../contract/index.ts";

/** The page asks for one file to be read: the file itself, or text the host read for it. */
export interface RecordingWorkerRequest {
  source: Blob | string;
}

/**
 * The worker's answers, in order: the header (when the file has one), events in batches with how
 * far it has read (`done` of `total`, bytes for a file and characters for text), then `done`, or
 * `failed` at the first problem. A batch is the checked events (only the fields the contract names,
 * never the file's own text) written as one JSON array. One `JSON.parse` on the page costs about what
 * taking as many cloned objects does; in the recording-open bench the cloned objects opened no faster
 * and tended to be slower, so the batch stays text.
 */
export type RecordingWorkerMessage =
  | { type: "header"; header: RecordingHeader }
  | { type: "events"; json: string; done: number; total: number }
  | { type: "done" }
  | { type: "failed"; problem: string };
