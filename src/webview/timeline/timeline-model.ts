/**
 * The timeline's data, derived incrementally from the events: rows (lane 0's runner row, then a
 * server row above a client row per lane), one mark per event, write → chunk links, per-request
 * abort → cancel → cleanup/leak spans, and which requests a newer version had replaced.
 *
 * Pure: no DOM. `append` costs O(new events) amortized when events come roughly in time order;
 * late events are merged into place.
 */

import type { TimelineEvent } from "../../runner/protocol.ts";
import { createLaneLinks, type Connection, type LaneLinks } from "./byte-links.ts";
import { describeEvent, roleIds } from "./mark-describe.ts";
import { firstAfter } from "./mark-search.ts";
import type {
  MarkRole,
  RowSide,
  SpanOutcome,
  TimelineLink,
  TimelineMark,
  TimelineRequest,
  TimelineRow,
  TimelineSpan,
} from "./timeline-types.ts";

class Mark implements TimelineMark {
  link: Mark | undefined = undefined;
  linkCount = 0;
  /** For client events: the connection (open) they belong to. */
  connection: Connection<Mark> | undefined = undefined;
  constructor(
    readonly event: TimelineEvent,
    readonly role: MarkRole,
    readonly t: number,
    readonly start: number,
    readonly row: Row,
    readonly size: number,
    readonly label: string,
    private readonly ownRequestId: number | undefined,
  ) {}
  get kind(): TimelineEvent["kind"] {
    return this.event.kind;
  }
  get requestId(): number | undefined {
    return this.ownRequestId ?? this.connection?.requestId;
  }
}

class Row implements TimelineRow {
  index = 0;
  marks: Mark[] = [];
  times = new Float64Array(64);
  starts = new Float64Array(64);
  roleIds = new Uint8Array(64);
  sizes = new Float32Array(64);
  maxMarkDuration = 0;
  spans: Span[] = [];
  requests: Request[] = [];
  linkReach = 0;
  /** This batch's marks, merged into `marks` at the end of `append`. */
  incoming: Mark[] = [];
  reorder = false;
  constructor(
    readonly lane: number,
    readonly side: RowSide,
    readonly label: string,
  ) {}

  /** Copies marks[from..] into the columns, growing them as needed. */
  syncColumns(from: number): void {
    const count = this.marks.length;
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
    for (let i = from; i < count; i++) {
      const mark = this.marks[i]!;
      this.times[i] = mark.t;
      this.starts[i] = mark.start;
      this.roleIds[i] = roleIds[mark.role];
      this.sizes[i] = mark.size;
    }
  }
}

class Request implements TimelineRequest {
  abort: number | undefined;
  cancel: number | undefined;
  ended: number | undefined;
  cleanup: { t: number; afterMs: number; label: string } | undefined;
  leaks: { t: number; label: string }[] = [];
  span: Span | undefined;
  constructor(
    readonly lane: number,
    readonly requestId: number,
    readonly version: number,
    public start: number,
    public end: number,
  ) {}
}

class Span implements TimelineSpan {
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

interface Lane {
  links: LaneLinks<Mark>;
  requests: Map<number, Request>;
}

const sideOrder: Record<RowSide, number> = { runner: 0, server: 1, client: 2 };
const byT = (a: { t: number }, b: { t: number }) => a.t - b.t;
const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;

function rowLabel(lane: number, side: RowSide): string {
  if (lane === 0) return side === "runner" ? "runner" : `no client · ${side}`;
  return `client ${lane} · ${side}`;
}

/** Merges a batch (arrival order) into a row's sorted marks in O(batch + displaced marks). */
function mergeIncoming(row: Row): void {
  const batch = row.incoming;
  row.incoming = [];
  for (let i = 1; i < batch.length; i++) {
    if (batch[i]!.t < batch[i - 1]!.t) {
      batch.sort(byT); // stable, and near-linear on nearly sorted input
      break;
    }
  }
  const marks = row.marks;
  const first = batch[0];
  if (first === undefined) return;
  const last = marks[marks.length - 1];
  if (last === undefined || last.t <= first.t) {
    const from = marks.length;
    for (const mark of batch) marks.push(mark);
    row.syncColumns(from);
    return;
  }
  // Marks already in the row go before new ones at equal times: they arrived first.
  const from = firstAfter(row, first.t);
  const tail = marks.splice(from);
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
  row.syncColumns(from);
}

export function createTimelineModel(initialStart = 0) {
  let timelineStart = initialStart;
  let rows: Row[] = [];
  let rowByKey = new Map<number, Row>();
  let lanes = new Map<number, Lane>();
  let loads: { t: number; version: number }[] = [];
  let staleFromCache = new Map<number, number | undefined>();
  let markByEvent = new WeakMap<TimelineEvent, Mark>();
  let eventCount = 0;
  let firstT = Infinity;
  let lastT = -Infinity;
  let revision = 0;
  let layoutRevision = 0;
  const listeners = new Set<() => void>();

  function row(lane: number, side: RowSide): Row {
    const key = lane * 3 + sideOrder[side];
    let found = rowByKey.get(key);
    if (found !== undefined) return found;
    found = new Row(lane, side, rowLabel(lane, side));
    rowByKey.set(key, found);
    rows.push(found);
    // Client lanes always show both sub-rows, so writes and chunks line up from the start.
    if (lane > 0 && side !== "runner") row(lane, side === "server" ? "client" : "server");
    rows.sort((a, b) => a.lane - b.lane || sideOrder[a.side] - sideOrder[b.side]);
    rows.forEach((r, index) => (r.index = index));
    layoutRevision++;
    return found;
  }

  function lane(number: number): Lane {
    let found = lanes.get(number);
    if (found === undefined) {
      const onLink = (write: Mark, chunk: Mark) => {
        const reach = Math.abs(chunk.t - write.t);
        if (reach > write.row.linkReach) write.row.linkReach = reach;
      };
      found = { links: createLaneLinks<Mark>(onLink), requests: new Map() };
      lanes.set(number, found);
    }
    return found;
  }

  function rowFor(event: TimelineEvent): Row {
    // Console output while serving a request belongs beside that request's writes.
    if (event.side === "runner") return row(event.lane, event.lane === 0 ? "runner" : "server");
    return row(event.lane, event.side);
  }

  function request(event: TimelineEvent & { requestId: number; version: number }, into: Row): Request {
    const requests = lane(event.lane).requests;
    let found = requests.get(event.requestId);
    if (found === undefined) {
      found = new Request(event.lane, event.requestId, event.version, event.t, event.t);
      requests.set(event.requestId, found);
      into.requests.push(found);
      const previous = into.requests[into.requests.length - 2];
      if (previous !== undefined && previous.start > found.start) into.reorder = true;
    }
    if (event.t < found.start) {
      found.start = event.t;
      into.reorder = true;
    }
    if (event.t > found.end) found.end = event.t;
    return found;
  }

  function touchSpan(found: Request, into: Row): void {
    if (found.span === undefined) {
      found.span = new Span(found);
      into.spans.push(found.span);
    }
    into.reorder = true;
  }

  /** Links, requests, spans and loads: what an event adds beyond its mark. */
  function derive(event: TimelineEvent, mark: Mark, into: Row): void {
    if (event.kind === "folded") {
      const links = lane(event.lane).links;
      if (event.side === "server" && event.of === "write") {
        const requestId = event.requestId ?? links.lastRequestId;
        if (requestId !== undefined) links.addServerBytes(requestId, event.t, event.bytes, undefined);
      } else if (event.side === "client" && event.of === "chunk") {
        links.addClientBytes(event.t, event.bytes, undefined);
      }
      if (event.side === "client") mark.connection = links.connectionAt(event.t);
      return;
    }
    if (event.side === "server") {
      const found = request(event, into);
      const links = lane(event.lane).links;
      switch (event.kind) {
        case "request":
          links.addRequest(event.requestId);
          break;
        case "write":
          links.addServerBytes(event.requestId, event.t, event.bytes, mark);
          break;
        case "end":
          found.ended = event.t;
          break;
        case "abort":
          found.abort = Math.min(found.abort ?? Infinity, event.t);
          touchSpan(found, into);
          break;
        case "cancel":
          found.cancel = Math.min(found.cancel ?? Infinity, event.t);
          touchSpan(found, into);
          break;
        case "cleanup":
          found.cleanup = { t: event.t, afterMs: event.afterMs, label: mark.label };
          touchSpan(found, into);
          break;
        case "leak":
          found.leaks.push({ t: event.t, label: mark.label });
          touchSpan(found, into);
          break;
        case "response":
        case "error":
          break;
        default: {
          const _never: never = event;
          return _never;
        }
      }
      return;
    }
    if (event.side === "client") {
      const links = lane(event.lane).links;
      if (event.kind === "open") mark.connection = links.addOpen(event.t);
      else {
        if (event.kind === "chunk") links.addClientBytes(event.t, event.bytes, mark);
        mark.connection = links.connectionAt(event.t);
      }
      return;
    }
    const loadedVersion = event.kind === "loaded" || event.kind === "restarted" ? event.version : undefined;
    if (loadedVersion !== undefined) {
      loads.push({ t: event.t, version: loadedVersion });
      staleFromCache = new Map();
    }
  }

  function staleFrom(version: number): number | undefined {
    if (staleFromCache.has(version)) return staleFromCache.get(version);
    let from: number | undefined;
    for (const load of loads) if (load.version > version && (from === undefined || load.t < from)) from = load.t;
    staleFromCache.set(version, from);
    return from;
  }

  row(0, "runner");

  return {
    /** Host-clock time of the axis's zero. */
    get timelineStart(): number {
      return timelineStart;
    },
    /** Rows from top to bottom. Replaced (not mutated) by `clear`; read it again after changes. */
    get rows(): readonly TimelineRow[] {
      return rows;
    },
    get eventCount(): number {
      return eventCount;
    },
    /** Earliest event time (or folded span start); `Infinity` when empty. */
    get firstT(): number {
      return firstT;
    },
    /** Latest event time; `-Infinity` when empty. */
    get lastT(): number {
      return lastT;
    },
    /** Bumped by every `append` and `clear`. */
    get revision(): number {
      return revision;
    },
    /** Bumped when rows are added or removed. */
    get layoutRevision(): number {
      return layoutRevision;
    },

    /** Adds a batch of events (roughly in time order; late ones are merged into place). */
    append(events: readonly TimelineEvent[]): void {
      if (events.length === 0) return;
      const touched = new Set<Row>();
      const touchedLanes = new Set<number>();
      for (const event of events) {
        const into = rowFor(event);
        const look = describeEvent(event);
        const start = event.kind === "folded" ? Math.min(event.since, event.t) : event.t;
        const ownRequestId = "requestId" in event ? event.requestId : undefined;
        const mark = new Mark(event, look.role, event.t, start, into, look.size, look.label, ownRequestId);
        derive(event, mark, into);
        into.incoming.push(mark);
        touched.add(into);
        touchedLanes.add(event.lane);
        markByEvent.set(event, mark);
        if (event.t - start > into.maxMarkDuration) into.maxMarkDuration = event.t - start;
        if (start < firstT) firstT = start;
        if (event.t > lastT) lastT = event.t;
      }
      eventCount += events.length;
      for (const into of touched) {
        mergeIncoming(into);
        if (into.reorder) {
          into.reorder = false;
          into.spans.sort(byStart);
          into.requests.sort(byStart);
        }
      }
      for (const number of touchedLanes) {
        const found = lanes.get(number);
        if (found === undefined || !found.links.settle()) continue;
        // Opens arrived late: client events may belong to another connection than first thought.
        const clientRow = rowByKey.get(number * 3 + sideOrder.client);
        if (clientRow === undefined) continue;
        for (const mark of clientRow.marks) mark.connection = found.links.connectionAt(mark.t);
      }
      revision++;
      for (const listener of listeners) listener();
    },

    /** Forgets everything; the axis's zero becomes `start`. */
    clear(start: number): void {
      timelineStart = start;
      rows = [];
      rowByKey = new Map();
      lanes = new Map();
      loads = [];
      staleFromCache = new Map();
      markByEvent = new WeakMap();
      eventCount = 0;
      firstT = Infinity;
      lastT = -Infinity;
      row(0, "runner");
      revision++;
      layoutRevision++;
      for (const listener of listeners) listener();
    },

    /** The mark drawn for an event that was appended. */
    markOf(event: TimelineEvent): TimelineMark | undefined {
      return markByEvent.get(event);
    },

    /** Every write → chunk link, of one lane or of all, in write order per lane. */
    links(laneNumber?: number): TimelineLink[] {
      const found: TimelineLink[] = [];
      for (const r of rows) {
        if (r.side !== "server" || (laneNumber !== undefined && r.lane !== laneNumber)) continue;
        for (const write of r.marks) if (write.link !== undefined) found.push({ write, chunk: write.link });
      }
      return found;
    },

    /** Every span, of one lane or of all. */
    spans(laneNumber?: number): TimelineSpan[] {
      return rows.filter((r) => laneNumber === undefined || r.lane === laneNumber).flatMap((r) => r.spans);
    },

    /**
     * When requests served by `version` became stale: the time the first newer version loaded,
     * or `undefined` while none has.
     */
    staleFrom,

    /** The version that served this mark's request, when a newer one had loaded by the mark's time. */
    staleVersion(mark: TimelineMark): number | undefined {
      if (mark.requestId === undefined) return undefined;
      const found = lanes.get(mark.row.lane)?.requests.get(mark.requestId);
      if (found === undefined) return undefined;
      const from = staleFrom(found.version);
      return from !== undefined && mark.t >= from ? found.version : undefined;
    },

    /** Calls `listener` after every `append` and `clear`; returns the unsubscribe function. */
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type TimelineModel = ReturnType<typeof createTimelineModel>;
