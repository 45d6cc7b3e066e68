/**
 * `timestamp-error-median`: a handler writes every 50 ms; on the traced timeline, how far is the
 * gap between consecutive client `chunk` events from 50 ms (median over the gaps)? The same for
 * the server's `write` events is printed beside it: the part of the error the handler's own
 * timer causes, before any network or recording.
 */

import { join } from "node:path";
import type { TimelineEvent } from "../src/runner/protocol.ts";
import { traceSnippet } from "../src/runner/trace.ts";
import { createFigure } from "./figure.ts";
import { everyMs, ticks } from "./fixtures/ticker.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const repetitions = 3;
const tickerPath = join(import.meta.dir, "fixtures", "ticker.ts");

/** |gap − everyMs| for each pair of consecutive times. */
function gapErrors(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => Math.abs(t - times[i]! - everyMs));
}

function timesOf(events: readonly TimelineEvent[], kind: "chunk" | "write"): number[] {
  const times = events.filter((event) => event.kind === kind).map((event) => event.t);
  // Fewer than one event per tick means reads were merged or events folded: the gaps would not be the writes'.
  if (times.length !== ticks) throw new Error(`expected ${ticks} ${kind} events, got ${times.length}`);
  return times;
}

export async function measureTimestampError(): Promise<Figure[]> {
  const client: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    // The ticker ends after 2 s by itself; the duration only stops a trace that hangs.
    const { load, events } = await traceSnippet({ snippetPath: tickerPath, durationMs: 20_000 });
    if (load.kind !== "loaded") throw new Error(`the ticker did not load: ${load.message}`);
    client.push(median(gapErrors(timesOf(events, "chunk"))));
    server.push(median(gapErrors(timesOf(events, "write"))));
  }
  return [
    createFigure({
      name: "timestamp-error-median",
      value: median(client),
      unit: "ms",
      goal: { op: "<=", limit: 1 },
      anchor: { label: "server write gaps", value: median(server), unit: "ms", samples: server },
      samples: client,
      note: `${ticks} writes ${everyMs} ms apart, ${repetitions} traces; median of each trace's median`,
    }),
  ];
}
