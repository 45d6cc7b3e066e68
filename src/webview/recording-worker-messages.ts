/**
 * What the page and the recording worker say to each other (`recording-worker.ts`), and how a
 * batch of events crosses between them.
 *
 * A batch goes as rows, not as objects: one flat array holding, for each event, the number of its
 * shape (its field names, in order) and then its values in that order. The shapes a batch uses for
 * the first time come with it. A recording repeats a handful of shapes a million times, so the page
 * takes no field name, only values: opening a 900,000-event recording, it spends about half what
 * `JSON.parse` of the same events as objects costs it, and the worker writes less.
 */

import type { RecordingHeader, TimelineEvent } from "../contract/index.ts";

/** The page asks for one file to be read: the file itself, or text the host read for it. */
export interface RecordingWorkerRequest {
  source: Blob | string;
}

/** A batch of events as rows (see above). */
export interface EventRows {
  /** Shapes first used in this batch, numbered on from those of earlier batches. */
  shapes: string[][];
  rows: unknown[];
}

/**
 * The worker's answers, in order: the header (when the file has one), events in batches with how
 * far it has read (`done` of `total`, bytes for a file and characters for text), then `done`, or
 * `failed` at the first problem. A batch holds the checked events: only the fields the contract
 * names, never the file's own text.
 */
export type RecordingWorkerMessage =
  | { type: "header"; header: RecordingHeader }
  | ({ type: "events"; done: number; total: number } & EventRows)
  | { type: "done" }
  | { type: "failed"; problem: string };

export interface EventRowsEncoder {
  /** The batch as rows, naming the shapes the decoder has not been given yet. */
  encode(events: readonly TimelineEvent[]): EventRows;
}

export interface EventRowsDecoder {
  /** The batch's events, as objects with their fields in the order they were written. */
  decode(batch: EventRows): TimelineEvent[];
}

/** True when `record`'s own fields are `keys`, in that order. Allocates nothing. */
function hasKeys(record: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in record) if (keys[i++] !== key) return false;
  return i === keys.length;
}

/** The worker's side: one encoder per file read, as its shape numbers count from the file's start. */
export function createEventRowsEncoder(): EventRowsEncoder {
  const shapeIds = new Map<string, number>();
  /** The shape each kind had last: almost every event has its kind's, checked without naming its keys. */
  const lastOfKind = new Map<string, { id: number; keys: string[] }>();
  return {
    encode(events) {
      const shapes: string[][] = [];
      const rows: unknown[] = [];
      for (const event of events) {
        const record = event as unknown as Record<string, unknown>;
        let shape = lastOfKind.get(event.kind);
        if (shape === undefined || !hasKeys(record, shape.keys)) {
          const keys = Object.keys(record);
          const signature = keys.join(",");
          let id = shapeIds.get(signature);
          if (id === undefined) {
            id = shapeIds.size;
            shapeIds.set(signature, id);
            shapes.push(keys);
          }
          shape = { id, keys };
          lastOfKind.set(event.kind, shape);
        }
        rows.push(shape.id);
        for (const key of shape.keys) rows.push(record[key]);
      }
      return { shapes, rows };
    },
  };
}

/** The page's side: one decoder per file read. A batch that breaks the form throws. */
export function createEventRowsDecoder(): EventRowsDecoder {
  /**
   * Each shape's field names, and an object with those fields to copy: a copy gets its fields in
   * the object itself, as `JSON.parse` would give it, where fields added one by one to `{}` past
   * the first few go into a second allocation.
   */
  const known: { keys: string[]; model: object }[] = [];
  return {
    decode({ shapes, rows }) {
      for (const keys of shapes) {
        // Set on a plain object, `__proto__` would replace its prototype instead of adding a field.
        if (keys.includes("__proto__")) throw new Error("a recording batch names a field __proto__");
        known.push({ keys, model: JSON.parse(JSON.stringify(Object.fromEntries(keys.map((key) => [key, 0])))) });
      }
      const events: TimelineEvent[] = [];
      let at = 0;
      while (at < rows.length) {
        const shape = known[rows[at++] as number];
        if (shape === undefined || at + shape.keys.length > rows.length)
          throw new Error(`a recording batch's row at ${at - 1} names no known shape or is cut short`);
        const event: Record<string, unknown> = { ...shape.model };
        for (const key of shape.keys) event[key] = rows[at++];
        events.push(event as unknown as TimelineEvent);
      }
      return events;
    },
  };
}
