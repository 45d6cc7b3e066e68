/**
 * `npm run trace` on framework apps from their docs: the command prints both sides, the client
 * leaving early, the cleanup, and a leak with its line, as it does for a plain handler.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { ofKind, only } from "./support/timeline.ts";

const cli = join(import.meta.dir, "..", "src", "cli", "trace-cli.ts");
const frameworks = join(import.meta.dir, "fixtures", "frameworks");
const traceTimeoutMs = 20_000;

/** Runs `trace <fixture> --json …` and returns its exit code and events. */
async function trace(fixture: string, ...args: string[]): Promise<{ code: number; events: TimelineEvent[] }> {
  const child = Bun.spawn([process.execPath, cli, join(frameworks, fixture), "--json", ...args], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  const events = stdout
    .trim()
    .split("\n")
    .map((line) => {
      const value: unknown = JSON.parse(line);
      const looksRight =
        value !== null && typeof value === "object" && ["t", "lane", "side", "kind"].every((key) => key in value);
      if (!looksRight) throw new Error(`not a timeline event: ${line}`);
      return value as TimelineEvent;
    });
  return { code, events };
}

/** Kinds of one lane in time order, for the sides given. */
function sequence(events: readonly TimelineEvent[], kinds: readonly string[]): string[] {
  return events.filter((e) => e.lane === 1 && kinds.includes(e.kind)).map((e) => `${e.side} ${e.kind}`);
}

describe("trace of a Hono app", () => {
  test(
    "streamSSE with an early disconnect: writes and events on both sides, then abort, cancel and onAbort's cleanup",
    async () => {
      const { code, events } = await trace("hono.ts", "--path", "/sse", "--disconnect-after", "400");
      expect(code).toBe(0);
      expect(only(events, "loaded").form).toBe("default-app");
      const writes = ofKind(events, "write", 1);
      const received = ofKind(events, "sse", 1);
      expect(writes.length).toBeGreaterThanOrEqual(2);
      expect(received.map((e) => e.data)).toEqual(writes.slice(0, received.length).map((_, i) => `tick ${i}`));
      expect(sequence(events, ["disconnect", "abort", "cancel", "cleanup"])).toEqual([
        "client disconnect",
        "server abort",
        "server cancel",
        "server cleanup",
      ]);
      expect(only(events, "cleanup").via).toBe("stream-cancel");
    },
    traceTimeoutMs,
  );
});

describe("trace of an Express app", () => {
  test(
    "SSE with an early disconnect: res.write on the server, events on the client, then req.on('close') as the cleanup",
    async () => {
      const { code, events } = await trace("express.ts", "--path", "/events", "--disconnect-after", "400");
      expect(code).toBe(0);
      expect(only(events, "loaded").form).toBe("node-http");
      const writes = ofKind(events, "write", 1);
      expect(writes.map((w) => w.via)).toEqual(writes.map(() => "res-write"));
      const received = ofKind(events, "sse", 1);
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(received.map((e) => e.data)).toEqual(received.map((_, i) => JSON.stringify({ count: i + 1 })));
      expect(sequence(events, ["disconnect", "abort", "cancel", "cleanup"])).toEqual([
        "client disconnect",
        "server abort",
        "server cancel",
        "server cleanup",
      ]);
      expect(only(events, "cleanup").via).toBe("close-listener");
    },
    traceTimeoutMs,
  );

  test(
    "an interval that outlives the client is printed as a leak with its line",
    async () => {
      const { events } = await trace(
        "express.ts",
        "--path",
        "/leak",
        "--disconnect-after",
        "130",
        "--cleanup-grace",
        "500",
      );
      expect(ofKind(events, "leak").map(({ what, line }) => ({ what, line }))).toEqual([
        { what: "stream", line: 28 },
        { what: "interval", line: 27 },
      ]);
    },
    traceTimeoutMs,
  );
});
