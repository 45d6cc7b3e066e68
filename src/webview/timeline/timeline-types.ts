/**
 * What the timeline model derives from the events and the view draws: rows, marks, links, spans.
 *
 * Types only. The model creates these objects once per event (or per request) and updates a few
 * fields in place as later events arrive (`link`, `linkCount`, a span's end), so the view can keep
 * references across frames.
 */

import type { Side, TimelineEvent, TimelineKind } from "../../contract/index.ts";

/** Which sub-row of a lane a mark sits in. Lane 0's runner events sit in the `runner` sub-row. */
export type RowSide = Side;

/**
 * How a mark is coloured. Each role has a CSS custom property `--tl-<role>` on the container.
 * `lifecycle`: request, response, end, open, headers, disconnect, reconnect, summary.
 * `abort`: abort and cancel. `load`: loaded and restarted. `error`: errors, load errors,
 * uncaught throws and invalid SSE lines.
 */
export type MarkRole =
  | "write"
  | "chunk"
  | "sse"
  | "error"
  | "leak"
  | "cleanup"
  | "abort"
  | "lifecycle"
  | "folded"
  | "log"
  | "load";

/** One horizontal row of the timeline: lane 0's runner row, or one side of a lane. */
export interface TimelineRow {
  /** Position from the top, 0-based. Changes when a lane with a smaller number appears. */
  readonly index: number;
  /** Client number (1-based), or 0 for the runner and for requests no client made. */
  readonly lane: number;
  /** `server` rows sit above the `client` row of the same lane. */
  readonly side: RowSide;
  /** What the view prints in the gutter, e.g. `client 1 · server`. */
  readonly label: string;
  /**
   * A line written across the row, for a row that stays empty on purpose: `server side not
   * visible` on the server row of a lane whose client targets another server.
   */
  readonly note: string | undefined;
  /** Every mark of the row, sorted by `t` (ties keep arrival order). */
  readonly marks: readonly TimelineMark[];
  /**
   * The marks' `t`, `start`, role (as an index into `markRoles`) and `size`, column by column, so
   * scans over many marks read contiguous memory instead of chasing one object per mark. Entry i
   * describes `marks[i]`; the arrays are longer than `marks`, so read only below `marks.length`.
   */
  readonly times: Float64Array;
  readonly starts: Float64Array;
  readonly roleIds: Uint8Array;
  readonly sizes: Float32Array;
  /** How many marks of each role the row holds, indexed like `markRoles`. */
  readonly roleCounts: Int32Array;
  /** The longest `t - start` of any mark in the row (folded spans), for range queries. */
  readonly maxMarkDuration: number;
  /** Abort → cancel → cleanup/leak spans of the row's requests, sorted by `start`. */
  readonly spans: readonly TimelineSpan[];
  /** The requests whose server events sit in this row, in order of their first event. */
  readonly requests: readonly TimelineRequest[];
  /**
   * The largest `|chunk.t - write.t|` of any link from this row's writes, so a view can find the
   * links that cross its time range from writes just outside it.
   */
  readonly linkReach: number;
}

/** One event, placed. */
export interface TimelineMark {
  readonly event: TimelineEvent;
  readonly kind: TimelineKind;
  readonly role: MarkRole;
  /** The event's time, ms on the host clock. */
  readonly t: number;
  /** Where the mark begins: `since` for folded events, otherwise `t`. */
  readonly start: number;
  readonly row: TimelineRow;
  /**
   * 0..1: how big to draw the mark. Writes, chunks and folded bytes grow with the log of their
   * byte count (1 B → 0.25, 1 MiB → 1); other kinds have a fixed size.
   */
  readonly size: number;
  /** A short label: the SSE event type, `leak: interval, line 4`, `6 B`, `v2 loaded`… */
  readonly label: string;
  /** The request this mark belongs to: its own for server events, the paired one for client events. */
  readonly requestId: number | undefined;
  /**
   * For server writes: the client chunk the write's last byte arrived in. For WebSocket messages,
   * on the server's mark of each: a server `ws-send` links to the client's `ws-message`, a server
   * `ws-message` to the client's `ws-send`.
   */
  readonly link: TimelineMark | undefined;
  /** For client chunks: how many server writes ended in this chunk (1 for a linked WebSocket message). */
  readonly linkCount: number;
}

/** A server write and the client chunk its last byte arrived in. */
export interface TimelineLink {
  readonly write: TimelineMark;
  readonly chunk: TimelineMark;
}

/** How a span ended: cleanup ran, something leaked, or neither has been reported yet. */
export type SpanOutcome = "cleanup" | "leak" | "pending";

/** One request's way out: abort → cancel → cleanup (or → leak), drawn as one bar. */
export interface TimelineSpan {
  readonly lane: number;
  readonly requestId: number;
  /** The abort, or the cancel when there was no abort (or the end, for a leak after a normal end). */
  readonly start: number;
  readonly abort: number | undefined;
  readonly cancel: number | undefined;
  /** The cleanup or the last leak; `undefined` while pending. */
  readonly end: number | undefined;
  readonly outcome: SpanOutcome;
  /** `cleanup after 852 ms`, `leak: interval, line 4`, `waiting for cleanup`. */
  readonly label: string;
}

/** One request as the server saw it. */
export interface TimelineRequest {
  readonly lane: number;
  readonly requestId: number;
  /** The snippet version that served it. */
  readonly version: number;
  /** It became a WebSocket: Bun gives open sockets each new version's handlers, so it is never stale. */
  readonly websocket: boolean;
  /** First and last event times of the request. */
  readonly start: number;
  readonly end: number;
}

/** What a lane's protocol lens marks on its client row: the longest stall between deltas, and each violation. */
export interface LensLaneMarks {
  lane: number;
  /** The longest gap between deltas: when it began (host clock) and how long it lasted. */
  stall?: { t: number; ms: number } | undefined;
  violations: readonly { t: number; rule: string }[];
}
