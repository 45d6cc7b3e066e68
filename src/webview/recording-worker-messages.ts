/** What the page and the recording worker say to each other (`recording-worker.ts`). */

import type { RecordingHeader } from "../contract/index.ts";

/** The page asks for one file to be read: the file itself, or text the host read for it. */
export interface RecordingWorkerRequest {
  source: Blob | string;
}

/**
 * The worker's answers, in order: the header (when the file has one), events in batches with how
 * far it has read (`done` of `total`, bytes for a file and characters for text), then `done`, or
 * `failed` at the first problem. A batch is the checked events' own lines joined as one JSON array:
 * one `JSON.parse` on the page is far cheaper than cloning as many objects across.
 */
export type RecordingWorkerMessage =
  | { type: "header"; header: RecordingHeader }
  | { type: "events"; json: string; count: number; done: number; total: number }
  | { type: "done" }
  | { type: "failed"; problem: string };
