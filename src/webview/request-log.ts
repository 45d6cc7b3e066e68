/**
 * One row per lane: the request its client made, what came back and how it ended, read from the
 * timeline's events as they arrive. The Requests tab lists the rows; the timeline frames the
 * latest run of them.
 *
 * Pure: no DOM. `append` costs O(new events).
 */

import { type ClientKind, formatByteSize, type TimelineEvent } from "../contract/index.ts";
import { formatDuration } from "./timeline/index.ts";

/**
 * How a lane's request ended, as its two sides tell it (the end story already gave the client's
 * reset the server side's cause). `complete`: the server ended the body. `client-left`: the client
 * closed it (Disconnect, or its delay). `idle-timeout`: Bun closed a quiet stream. `runner-lost`:
 * the runner serving it went away. `server-stopped`: the server was stopped with it open (`serve`
 * ended by Ctrl+C). `error`: the connection failed, or the handler threw.
 * `dropped`: the lane's own setting cut it, as a broken network would. `closed`: a WebSocket's
 * close.
 */
export const requestEndings = [
  "complete",
  "client-left",
  "idle-timeout",
  "runner-lost",
  "server-stopped",
  "error",
  "dropped",
  "closed",
] as const;
export type RequestEnding = (typeof requestEndings)[number];

/** One lane's request, as the Requests tab shows it and the timeline frames it. */
export interface RequestRow {
  readonly lane: number;
  /** The lane's client, once its `open` is known; undefined for a lane only its server side told of. */
  readonly client: ClientKind | undefined;
  readonly method: string;
  /** The path and query on the snippet's server, or the whole URL of another server. */
  readonly path: string;
  /** A client from outside the playground (curl, a browser tab), by the address the server saw. */
  readonly outside: string | undefined;
  /** The response's status, once its head arrived. */
  readonly status: number | undefined;
  /** From the request being sent to the response head arriving, when it has. */
  readonly firstByteMs: number | undefined;
  /** The lane's first event (host clock, ms). */
  readonly start: number;
  /** The lane's latest event (host clock, ms): a cleanup or leak after the client left moves it. */
  readonly end: number;
  /** When the client's connection ended; undefined while it is open (or reconnecting). */
  readonly endedAt: number | undefined;
  /** Body bytes the client received, as they came off the wire (WebSocket: message bytes). */
  readonly bytes: number;
  /** Connections the client made: 1, then one more per reconnect. */
  readonly attempts: number;
  /** How it ended; undefined while it has not. */
  readonly ending: RequestEnding | undefined;
  /** The error or close that ended it, or the server side's sentence for its cause. */
  readonly endingDetail: string | undefined;
  /** Timers and streams the server reported still running after the request ended. */
  readonly leaks: number;
  /** Both sides are done: the client's connection ended and every request the server saw on the lane ended. */
  readonly settled: boolean;
}

export interface RequestLog {
  /** One row per lane, in lane order. */
  readonly rows: readonly RequestRow[];
  /** Bumped by every `append` that changed a row, and by `clear`. */
  readonly revision: number;
  /** Reads a batch of events (in any order across lanes). */
  append(events: readonly TimelineEvent[]): void;
  /** Forgets every row. */
  clear(): void;
}

/** What a lane's server side told: its requests still open, how many it saw, and an error thrown mid-stream. */
interface ServerSide {
  open: Set<number>;
  seen: number;
  error: string | undefined;
}

/** A row while it is being built: the fields the events fill in. */
type Building = { -readonly [K in keyof RequestRow]: RequestRow[K] };

/** The path a client's URL asked for: its path and query on the snippet's server, or the URL of another. */
function pathOf(url: string, external: boolean | undefined): string {
  if (external) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    // A URL the client could not have opened is shown as it was given.
    return url;
  }
}

export function createRequestLog(): RequestLog {
  const byLane = new Map<number, Building>();
  /** Per lane, what the server side told that the row does not show itself. */
  const serverSides = new Map<number, ServerSide>();
  let rows: RequestRow[] = [];
  let revision = 0;

  function rowOf(event: TimelineEvent): Building {
    let row = byLane.get(event.lane);
    if (row !== undefined) return row;
    row = {
      lane: event.lane,
      client: undefined,
      method: "",
      path: "",
      outside: undefined,
      status: undefined,
      firstByteMs: undefined,
      start: event.t,
      end: event.t,
      endedAt: undefined,
      bytes: 0,
      attempts: 0,
      ending: undefined,
      endingDetail: undefined,
      leaks: 0,
      settled: false,
    };
    byLane.set(event.lane, row);
    serverSides.set(event.lane, { open: new Set(), seen: 0, error: undefined });
    rows = [...byLane.values()].sort((a, b) => a.lane - b.lane);
    return row;
  }

  /** A lane of a client from outside the playground: its server side is all that tells how it went. */
  const outsideOnly = (row: Building) => row.outside !== undefined;

  function endWith(row: Building, t: number, ending: RequestEnding, detail: string | undefined): void {
    row.endedAt = t;
    row.ending = ending;
    row.endingDetail = detail;
  }

  /** The lane is open again (a reconnect, or an outside client's next request on its connection). */
  function reopen(row: Building): void {
    row.endedAt = undefined;
    row.ending = undefined;
    row.endingDetail = undefined;
  }

  function take(event: TimelineEvent): void {
    // Lane 0 is the runner's own: loads, restarts, what no request printed.
    if (event.lane <= 0) return;
    const row = rowOf(event);
    if (event.t < row.start) row.start = event.t;
    if (event.t > row.end) row.end = event.t;
    const server = serverSides.get(event.lane)!;
    const { open } = server;
    if (event.side === "server") {
      switch (event.kind) {
        case "request":
          open.add(event.requestId);
          server.seen++;
          if (row.method === "") row.method = event.method;
          if (row.path === "") row.path = event.path;
          if (event.from !== undefined) row.outside = event.from;
          // Another request on an outside client's connection: the lane is open again.
          if (outsideOnly(row)) reopen(row);
          break;
        case "response":
          if (outsideOnly(row)) row.status = event.status;
          break;
        case "end":
          open.delete(event.requestId);
          if (outsideOnly(row)) endWith(row, event.t, "complete", undefined);
          break;
        case "abort":
          open.delete(event.requestId);
          if (outsideOnly(row)) endWith(row, event.t, event.cause ?? "client-left", event.detail);
          break;
        case "ws-close":
          open.delete(event.requestId);
          if (outsideOnly(row))
            endWith(row, event.t, "closed", `${event.code}${event.reason ? ` ${event.reason}` : ""}`);
          break;
        case "leak":
          row.leaks++;
          break;
        case "error":
          // Thrown mid-stream: the client only saw its connection fail, the server knows why.
          if (event.during === "body") server.error = event.message;
          break;
        default:
          break;
      }
    } else if (event.side === "client") {
      switch (event.kind) {
        case "open":
          row.client = event.client;
          row.method = event.method;
          row.path = pathOf(event.url, event.external);
          if (event.outside !== undefined) row.outside = event.outside;
          row.attempts = Math.max(row.attempts, event.attempt);
          // A reconnect opens the lane again: it has not ended after all.
          if (row.endedAt !== undefined && row.endedAt <= event.t) reopen(row);
          break;
        case "headers":
          row.status = event.status;
          row.firstByteMs ??= event.ttfbMs;
          break;
        case "chunk":
          row.bytes += event.bytes;
          break;
        case "ws-message":
          row.bytes += event.bytes;
          break;
        case "folded":
          if (event.of === "chunk" || event.of === "ws-message") row.bytes += event.bytes;
          break;
        case "ws-open":
          row.status ??= 101;
          break;
        case "disconnect":
          endWith(row, event.t, endingOf(event), event.causeDetail ?? server.error ?? event.message);
          break;
        case "ws-close":
          endWith(row, event.t, "closed", `${event.code}${event.reason ? ` ${event.reason}` : ""}`);
          break;
        case "ws-error":
          // A socket that never opened ends with its error; one that did, with its close.
          if (row.status === undefined) endWith(row, event.t, "error", event.message);
          break;
        default:
          break;
      }
    }
    // An outside client's own side is what the server saw of it: its requests ending ends it.
    const clientDone = row.endedAt !== undefined || (row.outside !== undefined && server.seen > 0);
    row.settled = clientDone && open.size === 0;
  }

  return {
    get rows(): readonly RequestRow[] {
      return rows;
    },
    get revision(): number {
      return revision;
    },
    append(events) {
      if (events.length === 0) return;
      for (const event of events) take(event);
      revision++;
    },
    clear() {
      byLane.clear();
      serverSides.clear();
      rows = [];
      revision++;
    },
  };
}

/** The ending a client's disconnect tells. */
function endingOf(event: Extract<TimelineEvent, { kind: "disconnect" }>): RequestEnding {
  if (event.cause === "idle-timeout") return "idle-timeout";
  if (event.cause === "runner-lost") return "runner-lost";
  if (event.cause === "server-stopped") return "server-stopped";
  switch (event.by) {
    case "server":
      return "complete";
    case "client":
      return "client-left";
    case "drop":
      return "dropped";
    case "error":
      return "error";
    default: {
      const _never: never = event.by;
      return _never;
    }
  }
}

// --- as people read it ---------------------------------------------------------------------------

/** `+212 ms`, `+1.2 s`: how long after its request something came. */
export function formatAfter(ms: number): string {
  return `+${formatDuration(Math.max(0, ms))}`;
}

/** The words for an ending, in the list and its tooltip. */
export function describeEnding(row: RequestRow): { text: string; tone: "ok" | "warn" | "error" | "live" } {
  const { ending, endingDetail: detail } = row;
  switch (ending) {
    case undefined:
      return { text: row.attempts > 1 ? `open (attempt ${row.attempts})` : "open", tone: "live" };
    case "complete":
      return { text: "complete", tone: row.status !== undefined && row.status >= 400 ? "error" : "ok" };
    case "client-left":
      return { text: "client left", tone: "ok" };
    case "idle-timeout":
      return { text: "idle timeout", tone: "warn" };
    case "runner-lost":
      return { text: "runner lost", tone: "error" };
    case "server-stopped":
      return { text: "server stopped", tone: "warn" };
    case "error":
      return { text: detail ? `error: ${detail}` : "error", tone: "error" };
    case "dropped":
      return { text: "dropped", tone: "warn" };
    case "closed":
      return { text: `closed ${detail ?? ""}`.trim(), tone: detail?.startsWith("1000") ? "ok" : "warn" };
    default: {
      const _never: never = ending;
      return _never;
    }
  }
}

/** The list's cells for one row, as text; `now` gives a live request's duration so far. */
export interface RequestCells {
  lane: string;
  status: string;
  request: string;
  firstByte: string;
  duration: string;
  received: string;
  ending: string;
  tone: "ok" | "warn" | "error" | "live";
  /** The ending's whole sentence, and the leaks, for the tooltip. */
  title: string;
}

export function requestCells(row: RequestRow, now: number | undefined): RequestCells {
  const { text, tone } = describeEnding(row);
  const until = row.endedAt ?? now ?? row.end;
  const leaks = row.leaks > 0 ? ` · ${row.leaks} leak${row.leaks === 1 ? "" : "s"}` : "";
  return {
    lane: `#${row.lane}`,
    status: row.status === undefined ? "—" : String(row.status),
    request: `${row.method || "?"} ${row.path || "?"}`,
    firstByte: row.firstByteMs === undefined ? "—" : formatAfter(row.firstByteMs),
    duration: formatDuration(Math.max(0, until - row.start)),
    // An outside client's reading is its own: the server's side cannot say what it received.
    received: row.outside === undefined ? formatByteSize(row.bytes) : "—",
    ending: `${text}${leaks}`,
    tone: row.leaks > 0 && tone !== "live" ? "error" : tone,
    title: [row.endingDetail, row.outside ? `outside client from ${row.outside}` : undefined]
      .filter((part) => part !== undefined)
      .join("\n"),
  };
}
