/**
 * What the server side shows adds up, for every snippet the suite has (fixtures and lessons): each
 * request's writes add up to its `end`, nothing is written after it or after a cancel, and a body the server ended
 * reached the client whole, byte for byte (the client counts the bytes as they came off the wire).
 */

import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";

const root = join(import.meta.dir, "..");
const folders = [
  "tests/fixtures/snippets",
  "tests/fixtures/snippets/documented",
  "tests/fixtures/snippets/websocket",
  "tests/fixtures/frameworks",
  "tests/fixtures/wire",
  "tests/fixtures/endings",
  "tests/fixtures/error-prints",
  "assets/examples",
];
/** Files in those folders that are not snippets. */
const notSnippets = new Set(["tests/fixtures/frameworks/oracle-fixture.ts"]);
/** Where a snippet streams, where it is not `/`. */
const paths: Record<string, string> = {
  "tests/fixtures/snippets/documented/bun-sse-routes.ts": "/events",
  "tests/fixtures/snippets/documented/bun-sse-readable-stream.ts": "/events",
  "tests/fixtures/wire/h3-event-stream.ts": "/sse",
  "tests/fixtures/frameworks/node-http.ts": "/stream",
  "tests/fixtures/frameworks/h3.ts": "/stream",
  "tests/fixtures/frameworks/itty-router.ts": "/stream",
};

const snippets = folders.flatMap((folder) =>
  readdirSync(join(root, folder))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `${folder}/${name}`)
    .filter((file) => !notSnippets.has(file)),
);

/** Every way `events` does not add up, as sentences; none when the server's and client's sides agree. */
export function wireTotalProblems(events: readonly TimelineEvent[]): string[] {
  const problems: string[] = [];
  const requests = new Map<
    number,
    { lane: number; writes: number; bytes: number; end?: { writes: number; bytes: number }; cancelled?: boolean }
  >();
  for (const event of events) {
    // The handler's writes upstream of a transform, and a generator's yield after the client left,
    // are not the wire's (`WriteEvent.upstream`, `WriteEvent.unsent`).
    if (event.side !== "server" || ("upstream" in event && event.upstream) || ("unsent" in event && event.unsent))
      continue;
    if (event.kind === "request") requests.set(event.requestId, { lane: event.lane, writes: 0, bytes: 0 });
    const request = "requestId" in event && event.requestId !== undefined ? requests.get(event.requestId) : undefined;
    if (!request) continue;
    const written =
      event.kind === "write"
        ? { writes: 1, bytes: event.bytes }
        : event.kind === "folded" && event.of === "write"
          ? { writes: event.count, bytes: event.bytes }
          : undefined;
    if (written) {
      if (request.end) problems.push(`request ${event.requestId}: a write after its end`);
      if (request.cancelled) problems.push(`request ${event.requestId}: a write after its cancel`);
      request.writes += written.writes;
      request.bytes += written.bytes;
    }
    if (event.kind === "cancel") request.cancelled = true;
    if (event.kind === "end") {
      if (request.end) problems.push(`request ${event.requestId}: a second end`);
      request.end = { writes: event.writes, bytes: event.bytes };
      if (event.writes !== request.writes || event.bytes !== request.bytes)
        problems.push(
          `request ${event.requestId}: end says ${event.writes} writes, ${event.bytes} B; the writes add up to ${request.writes}, ${request.bytes} B`,
        );
    }
  }
  for (const event of events) {
    if (event.kind !== "disconnect") continue;
    const onLane = [...requests.values()].filter((request) => request.lane === event.lane);
    if (onLane.length !== 1) continue;
    const [request] = onLane;
    if (!request) continue;
    if (event.by === "server" && request.end && event.bytes !== request.end.bytes)
      problems.push(
        `lane ${event.lane}: the server wrote ${request.end.bytes} B, the client received ${event.bytes} B`,
      );
    if (event.bytes > request.bytes)
      problems.push(
        `lane ${event.lane}: the client received ${event.bytes} B, more than the ${request.bytes} B written`,
      );
  }
  return problems;
}

describe("the server's totals are the client's", () => {
  test("over every snippet of the suite", async () => {
    const results: Record<string, string[]> = {};
    // Three at a time: each trace is a runner of its own.
    for (let i = 0; i < snippets.length; i += 3) {
      await Promise.all(
        snippets.slice(i, i + 3).map(async (file) => {
          const { events } = await traceSnippet({
            snippetPath: join(root, file),
            path: paths[file] ?? "/",
            durationMs: 1_500,
            cleanupGraceMs: 300,
          });
          results[file] = wireTotalProblems(events);
        }),
      );
    }
    expect(results).toEqual(Object.fromEntries(snippets.map((file) => [file, []])));
  }, 240_000);

  test("the check itself: a write after the end or the cancel, an end that does not add up and a short client are named", () => {
    const server = { side: "server", lane: 1, requestId: 1, version: 1 } as const;
    const events: TimelineEvent[] = [
      { ...server, t: 0, kind: "request", method: "GET", path: "/" },
      { ...server, t: 1, kind: "write", bytes: 3, text: "abc", via: "enqueue" },
      { ...server, t: 2, kind: "end", writes: 2, bytes: 3 },
      { ...server, t: 3, kind: "write", bytes: 2, text: "de", via: "enqueue" },
      { t: 4, lane: 1, side: "client", kind: "disconnect", by: "server", bytes: 2, chunks: 1 },
      { ...server, t: 5, lane: 2, requestId: 2, kind: "request", method: "GET", path: "/" },
      { ...server, t: 6, lane: 2, requestId: 2, kind: "cancel", reason: "the client went away" },
      { ...server, t: 7, lane: 2, requestId: 2, kind: "write", bytes: 1, text: "f", via: "yield", unsent: true },
      { ...server, t: 8, lane: 2, requestId: 2, kind: "write", bytes: 1, text: "g", via: "yield" },
    ];
    expect(wireTotalProblems(events)).toEqual([
      "request 1: end says 2 writes, 3 B; the writes add up to 1, 3 B",
      "request 1: a write after its end",
      "request 2: a write after its cancel",
      "lane 1: the server wrote 3 B, the client received 2 B",
    ]);
  });
});
