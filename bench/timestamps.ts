/**
 * The timeline's timestamps, on a handler that writes a line every 50 ms, each line carrying the
 * time it was written (epoch ms, a clock every process on this machine shares to ~1 µs):
 * - `timestamp-error-median`: how far the gap between consecutive client `chunk` events is from
 *   50 ms (median over the gaps), against the same for the server's own `write` events: the part
 *   the handler's timer causes, before any network or recording.
 * - `timestamp-delay-median`: how long after a line was written its `chunk` event is stamped (the
 *   network and the recording), against a bare `fetch` reading the same handler from a bare
 *   `Bun.serve` in the same run (the network alone). The `write` events' own delay is a part.
 * Each traced run is paired with a bare one, in turn.
 */

import { join } from "node:path";
import type { TimelineEvent } from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { announcedPort } from "./child-output.ts";
import { createFigure } from "./figure.ts";
import { everyMs, ticks } from "./fixtures/ticker.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const repetitions = 3;
const fixtures = join(import.meta.dir, "fixtures");
const tickerPath = join(fixtures, "ticker.ts");

/** |gap − everyMs| for each pair of consecutive times. */
function gapErrors(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => Math.abs(t - times[i]! - everyMs));
}

/** The write times (epoch ms) of the ticks in `text`: every `tick N <epoch>` line. */
function writtenAt(text: string): number[] {
  return [...text.matchAll(/tick \d+ ([\d.]+)\n/g)].map((match) => Number(match[1]));
}

/** How long after each tick was written `stampedAt` (epoch ms) is. */
function delays(text: string, stampedAt: number): number[] {
  return writtenAt(text).map((at) => stampedAt - at);
}

function eventsOf(events: readonly TimelineEvent[], kind: "chunk" | "write") {
  if (events.some((event) => event.kind === "folded"))
    throw new Error(`flood control folded events of a ${ticks}-write stream`);
  const found = events.flatMap((event) => (event.kind === kind ? [event] : []));
  if (found.length < 2) throw new Error(`expected ${ticks} ${kind} events, got ${found.length}`);
  return found;
}

/** One bare read of the ticker: the gaps between reads and each tick's delay, on this process's clock. */
async function readPlain(url: string): Promise<{ gaps: number[]; delays: number[] }> {
  const response = await fetch(url);
  if (!response.body) throw new Error(`${url} answered without a body`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const times: number[] = [];
  const found: number[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const at = performance.timeOrigin + performance.now();
    times.push(at);
    found.push(...delays(decoder.decode(read.value, { stream: true }), at));
  }
  return { gaps: gapErrors(times), delays: found };
}

export async function measureTimestampError(): Promise<Figure[]> {
  const plainServer = Bun.spawn([process.execPath, join(fixtures, "plain-ticker-fixture.ts")], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    const plainUrl = `http://127.0.0.1:${await announcedPort(plainServer.stdout, 10_000)}/`;
    const client: number[] = [];
    const server: number[] = [];
    const chunkDelay: number[] = [];
    const writeDelay: number[] = [];
    const plainDelay: number[] = [];
    const plainGaps: number[] = [];
    // A read that carries two writes means a stall of a tick or more: the ticker catching up, or a busy client.
    let mergedReads = 0;
    for (let i = 0; i < repetitions; i++) {
      // The ticker ends after 2 s by itself; the duration only stops a trace that hangs.
      // As recorded, on this process's clock (the result's are rebased to the trace's start); `timeOrigin` puts them on
      // the epoch.
      const events: TimelineEvent[] = [];
      const { load } = await traceSnippet({
        snippetPath: tickerPath,
        durationMs: 20_000,
        onEvent: (event) => events.push(event),
      });
      if (load.kind !== "loaded") throw new Error(`the ticker did not load: ${load.message}`);
      const chunks = eventsOf(events, "chunk");
      const writes = eventsOf(events, "write");
      // Merged reads stay in: the figure is about what the client's timeline shows.
      mergedReads += ticks - chunks.length;
      client.push(median(gapErrors(chunks.map((event) => event.t))));
      server.push(median(gapErrors(writes.map((event) => event.t))));
      chunkDelay.push(median(chunks.flatMap((event) => delays(event.text, performance.timeOrigin + event.t))));
      writeDelay.push(median(writes.flatMap((event) => delays(event.text, performance.timeOrigin + event.t))));
      const plain = await readPlain(plainUrl);
      plainDelay.push(median(plain.delays));
      plainGaps.push(median(plain.gaps));
    }
    const traces = `${ticks} writes ${everyMs} ms apart, ${repetitions} traces each beside a bare read; median of each one's median`;
    const merged =
      mergedReads > 0 ? [`${mergedReads} fewer client reads than writes (a stall merged writes into one read)`] : [];
    return [
      createFigure({
        name: "timestamp-error-median",
        value: median(client),
        unit: "ms",
        goal: { op: "<=", limit: 0.1, of: "anchor-plus" },
        anchor: { label: "server write gaps", value: median(server), unit: "ms", samples: server },
        samples: client,
        note: [traces, `a bare fetch's read gaps: ${median(plainGaps).toFixed(3)} ms`, ...merged].join("; "),
      }),
      createFigure({
        name: "timestamp-delay-median",
        value: median(chunkDelay),
        unit: "ms",
        goal: { op: "<=", limit: 0.1, of: "anchor-plus" },
        anchor: {
          label: "a bare fetch from a bare Bun.serve: write → read",
          value: median(plainDelay),
          unit: "ms",
          samples: plainDelay,
        },
        samples: chunkDelay,
        parts: { write: median(writeDelay) },
        note: `write → the chunk event's time on the client side; "write" is write → the write event's own time on the server side; ${traces}`,
      }),
    ];
  } finally {
    plainServer.kill();
    await plainServer.exited;
  }
}
