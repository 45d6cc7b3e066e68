/**
 * `timestamp-error-median`: a handler writes every 50 ms; on the traced timeline, how far is the
 * gap between consecutive client `chunk` events from 50 ms (median over the gaps)? The same for
 * the server's `write` events is printed beside it: the part of the error the handler's own
 * timer causes, before any network or recording.
 */

import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
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
  if (events.some((event) => event.kind === "folded")) throw new Error(`flood control folded events of a ${ticks}-write stream`);
  const times = events.filter((event) => event.kind === kind).map((event) => event.t);
  if (times.length < 2) throw new Error(`expected ${ticks} ${kind} events, got ${times.length}`);
  return times;
}

export async function measureTimestampError(): Promise<Figure[]> {
  const client: number[] = [];
  const server: number[] = [];
  // A read that carries two writes means a stall of a tick or more: the ticker catching up, or a busy client.
  let mergedReads = 0;
  for (let i = 0; i < repetitions; i++) {
    // The ticker ends after 2 s by itself; the duration only stops a trace that hangs.
    const { load, events } = await traceSnippet({ snippetPath: tickerPath, durationMs: 20_000 });
    if (load.kind !== "loaded") throw new Error(`the ticker did not load: ${load.message}`);
    // Merged reads stay in: the figure is about what the client's timeline shows.
    const chunks = timesOf(events, "chunk");
    mergedReads += ticks - chunks.length;
    client.push(median(gapErrors(chunks)));
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
      note: [
        `${ticks} writes ${everyMs} ms apart, ${repetitions} traces; median of each trace's median`,
        ...(mergedReads > 0 ? [`${mergedReads} fewer client reads than writes (a stall merged writes into one read)`] : []),
      ].join("; "),
    }),
  ];
}
