/**
 * The timeline's data, derived incrementally from the events: rows (lane 0's runner row, then a
 * server row above a client row per lane), one mark per event, write → chunk links, WebSocket
 * messages linked to their other side, per-request abort → cancel → cleanup/leak spans, and which
 * requests a newer version had replaced.
 *
 * Pure: no DOM. `append` costs O(new events) amortized when events come roughly in time order;
 * late events are merged into place.
 */

import type { TimelineEvent } from "../../contract/index.ts";
import { createLaneLinks, type LaneLinks } from "./byte-links.ts";
import { markRoleOf, markSizeOf, markStart, roleIds } from "./mark-look.ts";
import { firstAtOrAfter } from "./mark-search.ts";
import { Mark, mergeIncoming, Request, Row, rowLabel, sideOrder, Span } from "./timeline-rows.ts";
import type { RowSide, TimelineLink, TimelineMark, TimelineRow, TimelineSpan } from "./timeline-types.ts";

interface Lane {
  links: LaneLinks<Mark>;
  /**
   * WebSocket messages, paired as bytes are but one unit per message (the nth sent is the nth
   * received, in order on one connection): server `ws-send` → client `ws-message`, and client
   * `ws-send` → server `ws-message` (linked from the server's mark, where links are drawn from).
   */
  toClient: LaneLinks<Mark>;
  toServer: LaneLinks<Mark>;
  requests: Map<number, Request>;
}

const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;

export interface TimelineModel {
  /** Host-clock time of the axis's zero. */
  readonly timelineStart: number;
  /** Rows from top to bottom. Replaced (not mutated) by `clear`; read it again after changes. */
  readonly rows: readonly TimelineRow[];
  /** How many events were appended since the last `clear`. */
  readonly eventCount: number;
  /** Earliest event time (or folded span start); `Infinity` when empty. */
  readonly firstT: number;
  /** Latest event time; `-Infinity` when empty. */
  readonly lastT: number;
  /** Bumped by every `append` and `clear`. */
  readonly revision: number;
  /** Bumped when rows are added or removed. */
  readonly layoutRevision: number;
  /** Adds a batch of events (roughly in time order; late ones are merged into place). */
  append(events: readonly TimelineEvent[]): void;
  /** Forgets everything; the axis's zero becomes `start`. */
  clear(start: number): void;
  /**
   * The mark drawn for an event that was appended: the same object, or an equal one (same lane,
   * side, kind and time), as an event that went through JSON would be.
   */
  markOf(event: TimelineEvent): TimelineMark | undefined;
  /** Every write → chunk link (and WebSocket message link), of one lane or of all, in time order per lane. */
  links(laneNumber?: number): TimelineLink[];
  /** Every span, of one lane or of all. */
  spans(laneNumber?: number): TimelineSpan[];
  /**
   * When requests served by `version` became stale: the time the first newer version loaded,
   * or `undefined` while none has.
   */
  staleFrom(version: number): number | undefined;
  /** The version that served this mark's request, when a newer one had loaded by the mark's time. */
  staleVersion(mark: TimelineMark): number | undefined;
  /** Calls `listener` after every `append` and `clear`; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export function createTimelineModel(initialStart = 0): TimelineModel {
  let timelineStart = initialStart;
  let rows: Row[] = [];
  let rowByKey = new Map<number, Row>();
  let lanes = new Map<number, Lane>();
  let loads: { t: number; version: number }[] = [];
  let staleFromCache = new Map<number, number | undefined>();
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
    rows.forEach((r, index) => {
      r.index = index;
    });
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
      found = {
        links: createLaneLinks<Mark>(onLink),
        toClient: createLaneLinks<Mark>(onLink),
        toServer: createLaneLinks<Mark>(onLink),
        requests: new Map(),
      };
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
      const { links, toClient, toServer } = lane(event.lane);
      // Upstream writes are not the wire's bytes: the client's chunks are matched with the wire's alone.
      if (event.side === "server" && event.of === "write" && !event.upstream) {
        const requestId = event.requestId ?? links.lastRequestId;
        if (requestId !== undefined) links.addServerBytes(requestId, event.t, event.bytes, undefined);
      } else if (event.side === "client" && event.of === "chunk") {
        links.addClientBytes(event.t, event.bytes, undefined);
      } else if (event.side === "server" && (event.of === "ws-send" || event.of === "ws-message")) {
        const messages = event.of === "ws-send" ? toClient : toServer;
        const requestId = event.requestId ?? messages.lastRequestId;
        if (requestId !== undefined) messages.addServerBytes(requestId, event.t, event.count, undefined);
      } else if (event.side === "client" && (event.of === "ws-message" || event.of === "ws-send")) {
        (event.of === "ws-message" ? toClient : toServer).addClientBytes(event.t, event.count, undefined);
      }
      if (event.side === "client") mark.connection = links.connectionAt(event.t);
      return;
    }
    if (event.side === "server") {
      const found = request(event, into);
      const { links, toClient, toServer } = lane(event.lane);
      switch (event.kind) {
        case "request":
          links.addRequest(event.requestId);
          toClient.addRequest(event.requestId);
          toServer.addRequest(event.requestId);
          break;
        case "ws-open":
          found.websocket = true;
          break;
        case "ws-send":
          toClient.addServerBytes(event.requestId, event.t, 1, mark);
          break;
        case "ws-message":
          toServer.addServerBytes(event.requestId, event.t, 1, mark);
          break;
        case "ws-drain":
        case "ws-close":
        case "ws-publish":
          break;
        case "write":
          if (!event.upstream && !event.unsent) links.addServerBytes(event.requestId, event.t, event.bytes, mark);
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
          return;
        }
      }
      return;
    }
    if (event.side === "client") {
      const { links, toClient, toServer } = lane(event.lane);
      if (event.kind === "open") {
        // Another server's side is not recorded: its row says so instead of staying blank.
        if (event.external)
          row(event.lane, "server").note = `server side not visible: ${event.url} is not the playground's server`;
        // A client the playground does not drive: all it knows of its side is what the server saw.
        if (event.outside !== undefined) {
          row(event.lane, "client").note =
            `outside client from ${event.outside}: its side is what the server saw of its socket`;
          for (const side of ["server", "client"] as const)
            row(event.lane, side).label = rowLabel(event.lane, side, true);
        }
        mark.connection = links.addOpen(event.t);
        toClient.addOpen(event.t);
        toServer.addOpen(event.t);
      } else {
        if (event.kind === "chunk") links.addClientBytes(event.t, event.bytes, mark);
        else if (event.kind === "ws-message") toClient.addClientBytes(event.t, 1, mark);
        else if (event.kind === "ws-send") toServer.addClientBytes(event.t, 1, mark);
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
    get timelineStart(): number {
      return timelineStart;
    },
    get rows(): readonly TimelineRow[] {
      return rows;
    },
    get eventCount(): number {
      return eventCount;
    },
    get firstT(): number {
      return firstT;
    },
    get lastT(): number {
      return lastT;
    },
    get revision(): number {
      return revision;
    },
    get layoutRevision(): number {
      return layoutRevision;
    },

    append(events: readonly TimelineEvent[]): void {
      if (events.length === 0) return;
      const touched = new Set<Row>();
      const touchedLanes = new Set<number>();
      // Consecutive events often share a row and a lane: the sets are asked only when one changes.
      let lastRow: Row | undefined;
      let lastLane: number | undefined;
      for (const event of events) {
        const into = rowFor(event);
        const roleId = roleIds[markRoleOf(event)];
        const start = markStart(event);
        const ownRequestId = "requestId" in event ? event.requestId : undefined;
        const mark = new Mark(event, roleId, into, ownRequestId);
        derive(event, mark, into);
        into.stage(mark, event.t, start, roleId, markSizeOf(event));
        into.roleCounts[roleId]!++;
        if (into !== lastRow) {
          touched.add(into);
          lastRow = into;
        }
        if (event.lane !== lastLane) {
          touchedLanes.add(event.lane);
          lastLane = event.lane;
        }
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
        if (found === undefined) continue;
        found.toClient.settle();
        found.toServer.settle();
        if (!found.links.settle()) continue;
        // Opens arrived late: client events may belong to another connection than first thought.
        const clientRow = rowByKey.get(number * 3 + sideOrder.client);
        if (clientRow === undefined) continue;
        for (const mark of clientRow.marks) mark.connection = found.links.connectionAt(mark.t);
      }
      revision++;
      for (const listener of listeners) listener();
    },

    clear(start: number): void {
      timelineStart = start;
      rows = [];
      rowByKey = new Map();
      lanes = new Map();
      loads = [];
      staleFromCache = new Map();
      eventCount = 0;
      firstT = Infinity;
      lastT = -Infinity;
      row(0, "runner");
      revision++;
      layoutRevision++;
      for (const listener of listeners) listener();
    },

    markOf(event: TimelineEvent): TimelineMark | undefined {
      // Found by time in its row rather than kept in a map from events: filling a map of a million
      // events took about a quarter of the model's time opening a recording, for a lookup made on a click.
      const into = rowByKey.get(
        event.lane * 3 + sideOrder[event.side === "runner" && event.lane > 0 ? "server" : event.side],
      );
      if (into === undefined) return undefined;
      let equal: Mark | undefined;
      for (let i = firstAtOrAfter(into, event.t); i < into.marks.length && into.marks[i]!.t === event.t; i++) {
        const mark = into.marks[i]!;
        if (mark.event === event) return mark;
        if (equal === undefined && mark.kind === event.kind) equal = mark;
      }
      return equal;
    },

    links(laneNumber?: number): TimelineLink[] {
      const found: TimelineLink[] = [];
      for (const r of rows) {
        if (r.side !== "server" || (laneNumber !== undefined && r.lane !== laneNumber)) continue;
        for (const write of r.marks) if (write.link !== undefined) found.push({ write, chunk: write.link });
      }
      return found;
    },

    spans(laneNumber?: number): TimelineSpan[] {
      return rows.filter((r) => laneNumber === undefined || r.lane === laneNumber).flatMap((r) => r.spans);
    },

    staleFrom,

    staleVersion(mark: TimelineMark): number | undefined {
      if (mark.requestId === undefined) return undefined;
      const found = lanes.get(mark.row.lane)?.requests.get(mark.requestId);
      if (found === undefined || found.websocket) return undefined;
      const from = staleFrom(found.version);
      return from !== undefined && mark.t >= from ? found.version : undefined;
    },

    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
