/**
 * 200 EventSource lanes while the snippet is reloaded 50 times: every lane's events arrive in
 * order with none missing (each reconnect resumes from its Last-Event-ID), every stream keeps the
 * version that opened it, and no lane shows another's events.
 */

import { describe, expect, test } from "bun:test";
import { maxClientsPerConnect, type TimelineEvent } from "../src/contract/index.ts";
import { openPage } from "./support/page-socket.ts";
import { startTestHost } from "./support/test-host.ts";

const lanes = 200;
const reloads = 50;

/** Version `version`: 20 numbered events 50 ms apart from the one after Last-Event-ID, then the stream ends. */
const ticks = (version: number) => `export default (req: Request) => {
  const from = Number(req.headers.get("last-event-id") ?? 0) + 1;
  return new Response(async function* () {
    yield "retry: 100\\n\\n";
    for (let i = from; i < from + 20; i++) {
      yield \`id: \${i}\\ndata: v${version} \${i}\\n\\n\`;
      await Bun.sleep(50);
    }
  }(), { headers: { "content-type": "text/event-stream" } });
};
`;

describe("200 lanes through 50 reloads", () => {
  test("each lane's events arrive in order with none missing, each stream on its own version, none on another lane", async () => {
    await using host = await startTestHost();
    const page = await openPage(host);
    expect((await page.request("load", { source: ticks(1) })).kind).toBe("loaded");
    // Two connects: a page asks for at most maxClientsPerConnect at once.
    for (let i = 0; i < lanes / maxClientsPerConnect; i++)
      await page.request("connect", {
        request: { client: "eventsource", path: "/", method: "GET", headers: {}, clients: maxClientsPerConnect },
      });
    for (let version = 2; version <= reloads + 1; version++) {
      await Bun.sleep(100);
      expect((await page.request("load", { source: ticks(version) })).kind).toBe("loaded");
    }
    await Bun.sleep(500);
    await page.request("disconnect", {});
    await Bun.sleep(500);

    const byLane = new Map<number, TimelineEvent[]>();
    for (const event of page.events)
      if (event.lane > 0) byLane.set(event.lane, [...(byLane.get(event.lane) ?? []), event]);
    expect(byLane.size).toBe(lanes);
    let received = 0;
    let streams = 0;
    const versions = new Set<number>();
    const problems: string[] = [];
    for (const [lane, events] of byLane) {
      let expected = 1;
      let version: number | undefined;
      for (const event of events) {
        if (event.kind === "open") version = undefined;
        if (event.kind !== "sse") continue;
        const [label, number] = event.data.split(" ");
        const seen = Number(label!.slice(1));
        // A stream keeps the version that opened it: a new version only with a new connection.
        if (version === undefined) {
          version = seen;
          streams++;
          versions.add(seen);
        } else if (seen !== version) problems.push(`lane ${lane}: v${seen} inside a v${version} stream`);
        if (Number(number) !== expected) problems.push(`lane ${lane}: event ${number} where ${expected} was due`);
        expected = Number(number) + 1;
        received++;
      }
      if (expected === 1) problems.push(`lane ${lane}: no events`);
    }
    console.log(
      `${lanes} lanes, ${reloads} reloads: ${received} events in ${streams} streams on ${versions.size} versions; ${problems.length} problems`,
    );
    expect(problems.slice(0, 10)).toEqual([]);
    // The lanes reconnected through the reloads, onto later versions.
    expect(versions.size).toBeGreaterThan(3);
  }, 120_000);
});
