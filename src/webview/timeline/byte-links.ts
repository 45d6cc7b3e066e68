/**
 * Which client chunk each server write arrived in, for one lane.
 *
 * The nth server request of a lane (by requestId) pairs with the nth client connection (`open`, by
 * time). Within a pair both sides count bytes: a write covering bytes [a, b) arrived in the chunk
 * whose cumulative range contains byte b − 1. Folded writes and chunks advance the counts without
 * links of their own.
 *
 * In-order events link incrementally, O(1) amortized each. Anything out of order (a request id
 * below the last, an open or a chunk earlier than the last, a write earlier than the request's
 * last) marks the lane for a rebuild, which `settle()` does once per batch.
 */

/** What the links are drawn between; the lane writes `link` and `linkCount` on it. */
export interface LinkEnd<M> {
  link: M | undefined;
  linkCount: number;
}

/**
 * One side's byte items (writes or chunks) in time order, as columns: a lane of a long recording
 * has hundreds of thousands, and numbers kept in arrays are stored as they are, where an object
 * per item (with its times boxed) would be three for the collector to walk.
 */
class ByteItems<M> {
  readonly ts: number[] = [];
  readonly bytes: number[] = [];
  /** Cumulative byte offset after each item, within its stream. */
  readonly ends: number[] = [];
  /** `undefined` for folded items: they advance the offsets but have no link. */
  readonly marks: (M | undefined)[] = [];

  get length(): number {
    return this.ts.length;
  }
  /** The offset after the last item: the bytes covered so far. */
  get end(): number {
    return this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1]!;
  }
  get lastT(): number | undefined {
    return this.ts.length === 0 ? undefined : this.ts[this.ts.length - 1];
  }
  push(t: number, bytes: number, mark: M | undefined): void {
    this.ends.push(this.end + bytes);
    this.ts.push(t);
    this.bytes.push(bytes);
    this.marks.push(mark);
  }
  /** Each item, for the rare rebuild after something arrived out of order. */
  entries(): { t: number; bytes: number; mark: M | undefined }[] {
    return this.ts.map((t, i) => ({ t, bytes: this.bytes[i]!, mark: this.marks[i] }));
  }
}

/** The items in time order (ties keep their order), their offsets counted again. */
function sortedItems<M>(entries: { t: number; bytes: number; mark: M | undefined }[]): ByteItems<M> {
  const items = new ByteItems<M>();
  for (const entry of entries.sort((a, b) => a.t - b.t)) items.push(entry.t, entry.bytes, entry.mark);
  return items;
}

interface ServerStream<M> {
  requestId: number;
  items: ByteItems<M>;
  /** Items before this index are linked (or can never be). */
  linked: number;
  pair: Connection<M> | undefined;
}

/** One client connection (an `open`), and the request it was paired with. */
export interface Connection<M> {
  readonly openT: number;
  /** The request the nth open was paired with, once both exist. */
  requestId: number | undefined;
  items: ByteItems<M>;
  /** The chunk the next write's search starts from. */
  cursor: number;
  pair: ServerStream<M> | undefined;
}

const lastOf = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

export interface LaneLinks<M extends LinkEnd<M>> {
  /** A server `request` event. */
  addRequest(requestId: number): void;
  /** A server `write` (with its mark) or a folded run of writes (without). */
  addServerBytes(requestId: number, t: number, bytes: number, mark: M | undefined): void;
  /** A client `open`; returns its connection. */
  addOpen(t: number): Connection<M>;
  /** A client `chunk` (with its mark) or a folded run of chunks (without). */
  addClientBytes(t: number, bytes: number, mark: M | undefined): void;
  /** The connection a client event at `t` belongs to: the last open at or before it. */
  connectionAt(t: number): Connection<M> | undefined;
  /** The request with the highest id so far, for folded writes that name none. */
  readonly lastRequestId: number | undefined;
  /** Rebuilds the lane's links if something arrived out of order; true when it did. */
  settle(): boolean;
}

export function createLaneLinks<M extends LinkEnd<M>>(onLink: (write: M, chunk: M) => void): LaneLinks<M> {
  const requestIds: number[] = [];
  const seenRequests = new Set<number>();
  let highestRequestId: number | undefined;
  const servers = new Map<number, ServerStream<M>>();
  let connections: Connection<M>[] = [];
  /** Client bytes that arrived before any open on the lane. */
  let orphans = new ByteItems<M>();
  let dirty = false;

  function serverStream(requestId: number): ServerStream<M> {
    let stream = servers.get(requestId);
    if (stream === undefined) {
      stream = { requestId, items: new ByteItems<M>(), linked: 0, pair: undefined };
      servers.set(requestId, stream);
    }
    return stream;
  }

  function advance(server: ServerStream<M>, connection: Connection<M>): void {
    const writes = server.items;
    const chunks = connection.items;
    const covered = chunks.end;
    let i = server.linked;
    let j = connection.cursor;
    while (i < writes.length) {
      if (writes.bytes[i]! > 0) {
        const lastByte = writes.ends[i]! - 1;
        if (lastByte >= covered) break;
        while (chunks.ends[j]! <= lastByte) j++;
        const write = writes.marks[i];
        const chunk = chunks.marks[j];
        if (write !== undefined && chunk !== undefined) {
          write.link = chunk;
          chunk.linkCount++;
          onLink(write, chunk);
        }
      }
      i++;
    }
    server.linked = i;
    connection.cursor = j;
  }

  function pair(index: number): void {
    const requestId = requestIds[index];
    const connection = connections[index];
    if (requestId === undefined || connection === undefined) return;
    const server = serverStream(requestId);
    server.pair = connection;
    connection.pair = server;
    connection.requestId = requestId;
    advance(server, connection);
  }

  function rebuild(): void {
    dirty = false;
    const clientItems = [orphans, ...connections.map((c) => c.items)]
      .flatMap((items) => items.entries())
      .sort((a, b) => a.t - b.t);
    for (const item of clientItems) if (item.mark !== undefined) item.mark.linkCount = 0;
    for (const server of servers.values()) {
      for (const mark of server.items.marks) if (mark !== undefined) mark.link = undefined;
      server.items = sortedItems(server.items.entries());
      server.linked = 0;
      server.pair = undefined;
    }
    requestIds.sort((a, b) => a - b);
    connections = connections.sort((a, b) => a.openT - b.openT);
    orphans = new ByteItems<M>();
    for (const connection of connections) {
      connection.items = new ByteItems<M>();
      connection.cursor = 0;
      connection.pair = undefined;
      connection.requestId = undefined;
    }
    let c = -1;
    for (const item of clientItems) {
      while (c + 1 < connections.length && connections[c + 1]!.openT <= item.t) c++;
      (connections[c]?.items ?? orphans).push(item.t, item.bytes, item.mark);
    }
    for (let index = 0; index < Math.min(requestIds.length, connections.length); index++) pair(index);
  }

  return {
    addRequest(requestId: number): void {
      if (seenRequests.has(requestId)) return;
      seenRequests.add(requestId);
      if (highestRequestId !== undefined && requestId < highestRequestId) dirty = true;
      else highestRequestId = requestId;
      requestIds.push(requestId);
      serverStream(requestId);
      if (!dirty) pair(requestIds.length - 1);
    },

    addServerBytes(requestId: number, t: number, bytes: number, mark: M | undefined): void {
      const server = serverStream(requestId);
      const lastT = server.items.lastT;
      if (lastT !== undefined && t < lastT) dirty = true;
      server.items.push(t, bytes, mark);
      if (!dirty && server.pair !== undefined) advance(server, server.pair);
    },

    addOpen(t: number): Connection<M> {
      const last = lastOf(connections);
      if (last !== undefined && t < last.openT) dirty = true;
      if (orphans.ts.some((orphanT) => orphanT >= t)) dirty = true;
      const connection: Connection<M> = {
        openT: t,
        requestId: undefined,
        items: new ByteItems<M>(),
        cursor: 0,
        pair: undefined,
      };
      connections.push(connection);
      if (!dirty) pair(connections.length - 1);
      return connection;
    },

    addClientBytes(t: number, bytes: number, mark: M | undefined): void {
      const connection = lastOf(connections);
      if (connection === undefined) {
        orphans.push(t, bytes, mark);
        return;
      }
      const lastT = connection.items.lastT;
      if (t < connection.openT || (lastT !== undefined && t < lastT)) dirty = true;
      connection.items.push(t, bytes, mark);
      if (!dirty && connection.pair !== undefined) advance(connection.pair, connection);
    },

    connectionAt(t: number): Connection<M> | undefined {
      let lo = 0;
      let hi = connections.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (connections[mid]!.openT <= t) lo = mid + 1;
        else hi = mid;
      }
      return connections[lo - 1];
    },

    get lastRequestId(): number | undefined {
      return highestRequestId;
    },

    settle(): boolean {
      if (!dirty) return false;
      rebuild();
      return true;
    },
  };
}
