/**
 * What the page and the recording worker say to each other (`recording-worker.ts`), and how a
 * batch of events crosses between them.
 *
 * A batch goes as rows, not as objects: one flat array holding, for each event, the number of its
 * shape (its field names in order, its kind and its side) and then its other values in that order.
 * The shapes a batch uses for the first time come with it. A recording repeats a handful of shapes
 * a million times, so the page takes neither field names nor a copy of the same few words per event,
 * only values: in a browser, taking 900,000 events this way kept the page's thread busy about a
 * third less than `JSON.parse` of them as objects did.
 */

import type { RecordingHeader, TimelineEvent } from "../contract/index.ts";

/** The page asks for one file to be read: the file itself, or text the host read for it. */
export interface RecordingWorkerRequest {
  source: Blob | string;
}

/**
 * The fields of one shape, with the values its every event has: its kind and its side, so a row
 * holds neither (each is one of a few words, which the page would otherwise take a copy of per event).
 */
export interface EventShape {
  keys: string[];
  kind: TimelineEvent["kind"];
  side: TimelineEvent["side"];
}

/** A batch of events as rows (see above). */
export interface EventRows {
  /** Shapes first used in this batch, numbered on from those of earlier batches. */
  shapes: EventShape[];
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

/** Fields whose value the shape holds. */
const shapeHeld = (key: string) => key === "kind" || key === "side";

/** The worker's side: one encoder per file read, as its shape numbers count from the file's start. */
export function createEventRowsEncoder(): EventRowsEncoder {
  const shapeIds = new Map<string, number>();
  /** Each shape by its number: its fields, and those of them that rows hold. */
  const byId: { id: number; keys: string[]; values: string[] }[] = [];
  /** The shape each side's kind had last: almost every event has it, checked without naming its keys. */
  const lastOf = new Map<string, Map<string, (typeof byId)[number]>>();
  return {
    encode(events) {
      const shapes: EventShape[] = [];
      const rows: unknown[] = [];
      for (const event of events) {
        const record = event as unknown as Record<string, unknown>;
        let ofSide = lastOf.get(event.side);
        if (ofSide === undefined) {
          ofSide = new Map();
          lastOf.set(event.side, ofSide);
        }
        let shape = ofSide.get(event.kind);
        if (shape === undefined || !hasKeys(record, shape.keys)) {
          const keys = Object.keys(record);
          const signature = `${event.side} ${event.kind} ${keys.join(",")}`;
          let id = shapeIds.get(signature);
          if (id === undefined) {
            id = shapeIds.size;
            shapeIds.set(signature, id);
            shapes.push({ keys, kind: event.kind, side: event.side });
            byId.push({ id, keys, values: keys.filter((key) => !shapeHeld(key)) });
          }
          shape = byId[id]!;
          ofSide.set(event.kind, shape);
        }
        rows.push(shape.id);
        for (const key of shape.values) rows.push(record[key]);
      }
      return { shapes, rows };
    },
  };
}

/** The page's side: one decoder per file read. A batch that breaks the form throws. */
export function createEventRowsDecoder(): EventRowsDecoder {
  /**
   * Each shape's fields that rows hold, and an object with all its fields to copy (its kind and
   * side set): a copy gets its fields in the object itself, as `JSON.parse` would give it, where
   * fields added one by one to `{}` past the first few go into a second allocation.
   */
  const known: { values: string[]; slots: number[]; model: object }[] = [];
  /**
   * A message brings a new copy of every string, and a recording repeats many: a write's `via`, an
   * SSE event's type, the text a chunk shares with the write just before it. An event keeps the
   * copy an earlier event of any shape kept in the same field when the two are equal, and the
   * message's copy is left to the collector at once: a 900,000-event recording leaves the page's
   * heap at 152 MB instead of 172 MB.
   */
  const slotOf = new Map<string, number>();
  /** The last string each field name had (by its slot in `slotOf`). */
  const last: unknown[] = [];
  return {
    decode({ shapes, rows }) {
      for (const { keys, kind, side } of shapes) {
        // Set on a plain object, `__proto__` would replace its prototype instead of adding a field.
        if (keys.includes("__proto__")) throw new Error("a recording batch names a field __proto__");
        const model = Object.fromEntries(keys.map((key) => [key, key === "kind" ? kind : key === "side" ? side : 0]));
        const values = keys.filter((key) => !shapeHeld(key));
        const slots = values.map((key) => {
          let slot = slotOf.get(key);
          if (slot === undefined) {
            slot = slotOf.size;
            slotOf.set(key, slot);
            last.push(undefined);
          }
          return slot;
        });
        known.push({ values, slots, model: JSON.parse(JSON.stringify(model)) });
      }
      const events: TimelineEvent[] = [];
      let at = 0;
      while (at < rows.length) {
        const id = rows[at++];
        const shape = known[id as number];
        if (shape === undefined) throw new Error(`a recording batch's row at ${at - 1} names shape ${id}, never given`);
        if (at + shape.values.length > rows.length)
          throw new Error(
            `a recording batch's row at ${at - 1} is cut short: its shape has ${shape.values.length} values`,
          );
        const event: Record<string, unknown> = { ...shape.model };
        const { values, slots } = shape;
        for (let k = 0; k < values.length; k++) {
          let value = rows[at++];
          if (typeof value === "string") {
            const slot = slots[k]!;
            const previous = last[slot];
            if (value === previous) value = previous;
            else last[slot] = value;
          }
          event[values[k]!] = value;
        }
        events.push(event as unknown as TimelineEvent);
      }
      return events;
    },
  };
}
