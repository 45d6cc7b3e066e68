/**
 * The objects the model is made of: marks, rows (with typed columns mirroring their marks),
 * requests and their spans. They implement the read-only types of `timeline-types.ts`; only the
 * model changes them.
 */

import type { TimelineEvent } from "../../contract/index.ts";
import type { Connection } from "./byte-links.ts";
import { markLabelOf, markRoles, markSizeOf, markStart } from "./mark-look.ts";
import { firstAfter } from "./mark-search.ts";
import type {
  MarkRole,
  RowSide,
  SpanOutcome,
  TimelineMark,
  TimelineRequest,
  TimelineRow,
  TimelineSpan,
} from "./timeline-types.ts";

/**
 * One event's mark. It keeps only what cannot be read from its event: a recording has a million
 * marks, and every field held apart (a time or a size is a number the engine boxes on its own) is
 * that many more objects for the collector to walk while the recording opens. Even its time is
 * read from the event; its row's columns hold the times, starts, roles and sizes the drawing and
 * the searches scan.
 */
export class Mark implements TimelineMark {
  link: Mark | undefined = undefined;
  linkCount = 0;
  /** For client events: the connection (open) they belong to. */
  connection: Connection<Mark> | undefined = undefined;
  constructor(
    readonly event: TimelineEvent,
    /** Its role's position in `markRoles`: a small number is held as it is, a role's name by reference. */
    readonly roleId: number,
    readonly row: Row,
    private readonly ownRequestId: number | undefined,
  ) {}
  get t(): number {
    return this.event.t;
  }
  get role(): MarkRole {
    return markRoles[this.roleId]!;
  }
  get kind(): TimelineEvent["kind"] {
    return this.event.kind;
  }
  get start(): number {
    return markStart(this.event);
  }
  get size(): number {
    return markSizeOf(this.event);
  }
  /** Written when asked for: only marks drawn with a label, or hovered, need one. */
  get label(): string {
    return markLabelOf(this.event);
  }
  get requestId(): number | undefined {
    return this.ownRequestId ?? this.connection?.requestId;
  }
}

export class Row implements TimelineRow {
  index = 0;
  note: string | undefined = undefined;
  marks: Mark[] = [];
  times = new Float64Array(64);
  starts = new Float64Array(64);
  roleIds = new Uint8Array(64);
  sizes = new Float32Array(64);
  roleCounts = new Int32Array(markRoles.length);
  maxMarkDuration = 0;
  spans: Span[] = [];
  requests: Request[] = [];
  linkReach = 0;
  /**
   * This batch's marks, merged into `marks` at the end of `append`. Their columns are written past
   * the row's last mark as each is made (its event just read): a batch in time order after the
   * row's last mark is then already in place, with nothing gathered apart and copied in.
   */
  incoming: Mark[] = [];
  reorder = false;
  constructor(
    readonly lane: number,
    readonly side: RowSide,
    /** Its name on the timeline; an outside client's lane is renamed when its `open` arrives. */
    public label: string,
  ) {}

  /** Grows the columns to hold `count` marks. */
  private reserve(count: number): void {
    if (count > this.times.length) {
      const capacity = Math.max(count, this.times.length * 2);
      const grow = <A extends Float64Array | Float32Array | Uint8Array>(old: A, make: (n: number) => A): A => {
        const next = make(capacity);
        next.set(old);
        return next;
      };
      this.times = grow(this.times, (n) => new Float64Array(n));
      this.starts = grow(this.starts, (n) => new Float64Array(n));
      this.roleIds = grow(this.roleIds, (n) => new Uint8Array(n));
      this.sizes = grow(this.sizes, (n) => new Float32Array(n));
    }
  }

  /** Adds a mark to this batch, its columns written after those of the batch's marks before it. */
  stage(mark: Mark, t: number, start: number, roleId: number, size: number): void {
    const at = this.marks.length + this.incoming.length;
    this.reserve(at + 1);
    this.times[at] = t;
    this.starts[at] = start;
    this.roleIds[at] = roleId;
    this.sizes[at] = size;
    this.incoming.push(mark);
  }

  /** Copies marks[from..] into the columns, growing them as needed. */
  syncColumns(from: number): void {
    const count = this.marks.length;
    this.reserve(count);
    for (let i = from; i < count; i++) {
      const mark = this.marks[i]!;
      this.times[i] = mark.t;
      this.starts[i] = mark.start;
      this.roleIds[i] = mark.roleId;
      this.sizes[i] = mark.size;
    }
  }
}

export class Request implements TimelineRequest {
  abort: number | undefined;
  cancel: number | undefined;
  ended: number | undefined;
  cleanup: { t: number; afterMs: number; label: string } | undefined;
  leaks: { t: number; label: string }[] = [];
  span: Span | undefined;
  websocket = false;
  constructor(
    readonly lane: number,
    readonly requestId: number,
    readonly version: number,
    public start: number,
    public end: number,
  ) {}
}

export class Span implements TimelineSpan {
  constructor(private readonly request: Request) {}
  get lane(): number {
    return this.request.lane;
  }
  get requestId(): number {
    return this.request.requestId;
  }
  get abort(): number | undefined {
    return this.request.abort;
  }
  get cancel(): number | undefined {
    return this.request.cancel;
  }
  get start(): number {
    const { abort, cancel, cleanup, ended, leaks } = this.request;
    if (abort !== undefined || cancel !== undefined) return Math.min(abort ?? Infinity, cancel ?? Infinity);
    if (cleanup !== undefined) return cleanup.t - cleanup.afterMs;
    const firstLeak = Math.min(...leaks.map((leak) => leak.t));
    return ended !== undefined && ended <= firstLeak ? ended : firstLeak;
  }
  get end(): number | undefined {
    const { cleanup, leaks } = this.request;
    if (cleanup === undefined && leaks.length === 0) return undefined;
    return Math.max(cleanup?.t ?? -Infinity, ...leaks.map((leak) => leak.t));
  }
  get outcome(): SpanOutcome {
    if (this.request.leaks.length > 0) return "leak";
    return this.request.cleanup === undefined ? "pending" : "cleanup";
  }
  get label(): string {
    const { cleanup, leaks } = this.request;
    if (leaks.length > 0) return leaks.map((leak) => leak.label).join("; ");
    return cleanup?.label ?? "waiting for cleanup";
  }
}

export const sideOrder: Record<RowSide, number> = { runner: 0, server: 1, client: 2 };
const byT = (a: { t: number }, b: { t: number }) => a.t - b.t;

/** A row's name: `client 1 · server`; `outside 3 · client` for a client from outside the playground. */
export function rowLabel(lane: number, side: RowSide, outside = false): string {
  if (lane === 0) return side === "runner" ? "runner" : `no client · ${side}`;
  return `${outside ? "outside" : "client"} ${lane} · ${side}`;
}

/** Merges a batch (arrival order) into a row's sorted marks in O(batch + displaced marks). */
export function mergeIncoming(row: Row): void {
  const batch = row.incoming;
  row.incoming = [];
  const marks = row.marks;
  const from = marks.length;
  const times = row.times;
  let inOrder = true;
  for (let i = from + 1; i < from + batch.length; i++) {
    if (times[i]! < times[i - 1]!) {
      inOrder = false;
      batch.sort(byT); // stable, and near-linear on nearly sorted input
      break;
    }
  }
  const first = batch[0];
  if (first === undefined) return;
  if (from === 0 || times[from - 1]! <= first.t) {
    for (const mark of batch) marks.push(mark);
    // Staged in arrival order, the columns are in place unless the batch had to be sorted.
    if (!inOrder) row.syncColumns(from);
    return;
  }
  // Marks already in the row go before new ones at equal times: they arrived first.
  const at = firstAfter(row, first.t);
  const tail = marks.splice(at);
  let i = 0;
  let j = 0;
  while (i < tail.length || j < batch.length) {
    const a = tail[i];
    const b = batch[j];
    if (b === undefined || (a !== undefined && a.t <= b.t)) {
      marks.push(a!);
      i++;
    } else {
      marks.push(b);
      j++;
    }
  }
  row.syncColumns(at);
}
