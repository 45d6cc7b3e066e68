/**
 * What a protocol lens costs a lane's client side:
 * - `lens-overhead-plain-ratio`: an event stream that is no LLM protocol (JSON ticks), read as a
 *   lane's client reads it with every event handed to a lens reader, against the same with every
 *   event handed to a function that does nothing, in the same run (the median of interleaved
 *   pairs). A lens gives up on such a stream after its first payloads: the goal is no measurable
 *   cost.
 * - `lens-overhead-llm-ratio`: an OpenAI-style stream of chat chunks, the same way, where the lens
 *   parses and assembles every chunk: printed for information.
 */

import { createSseRecorder } from "../src/clients/index.ts";
import type { TimelineEvent } from "../src/contract/index.ts";
import { createLensReader } from "../src/lenses/index.ts";
import { createFigure } from "./figure.ts";
import { runPairs } from "./pairs.ts";
import { median } from "./stats.ts";
import type { Figure } from "./types.ts";

const events = 100_000;
const chunkBytes = 16 * 1024;
const pairs = 15;

function stream(payload: (i: number) => string): Uint8Array[] {
  let text = "";
  for (let i = 0; i < events; i++) text += `data: ${payload(i)}\n\n`;
  text += "data: [DONE]\n\n";
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  return chunks;
}

const plain = stream((i) => JSON.stringify({ n: i, at: 1_760_000_000_000 + i, level: "info" }));
const llm = stream((i) =>
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: { content: ` token${i}` }, finish_reason: null }],
  }),
);

/** Passes over the stream per measurement: long enough that a stray pause of the machine is a small part of one. */
const passes = 3;

/**
 * Reads `chunks` as a lane's client does, `passes` times, in ms: the SSE recorder turns the bytes
 * into events and hands each to `consume`, as the client hands its events on.
 */
function read(chunks: readonly Uint8Array[], consumer: () => (event: TimelineEvent) => void): number {
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    const consume = consumer();
    let count = 0;
    const emit = (event: TimelineEvent) => {
      count++;
      consume(event);
    };
    emit({ t: 0, lane: 1, side: "client", kind: "open", client: "stream", method: "GET", url: "/", attempt: 1 });
    emit({
      t: 0,
      lane: 1,
      side: "client",
      kind: "headers",
      status: 200,
      headers: { "content-type": "text/event-stream" },
      ttfbMs: 0,
    });
    const recorder = createSseRecorder({
      lane: 1,
      now: () => performance.now(),
      emit,
      floodGate: { burst: 1e12, perSecond: 1e12, foldWindowMs: 1000 },
    });
    for (const chunk of chunks) recorder.feed(chunk);
    recorder.reset();
    emit({ t: 0, lane: 1, side: "client", kind: "disconnect", by: "server", bytes: 0, chunks: chunks.length });
    if (count < events) throw new Error(`the recorder read ${count} events of ${events}`);
  }
  return performance.now() - started;
}

/** What the anchor hands each event to: nothing but a call, as the lens's `push` is one. */
const nobody = () => (_event: TimelineEvent) => {};
/** A lane's lens reader, which reads its reading once the stream ends. */
const lensReader = () => {
  const reader = createLensReader();
  return (event: TimelineEvent) => {
    reader.push(event);
    if (event.kind === "disconnect") reader.reading();
  };
};

async function ratioOf(chunks: readonly Uint8Array[]) {
  // A warm-up of each side, so neither pays for the first compile.
  read(chunks, nobody);
  read(chunks, lensReader);
  const runs = await runPairs({
    pairs,
    anchor: async () => read(chunks, nobody),
    measured: async () => read(chunks, lensReader),
    between: () => Bun.gc(true),
  });
  return {
    ratio: median(runs.ratios),
    anchorMs: median(runs.anchor) / passes,
    lensMs: median(runs.measured) / passes,
    runs,
  };
}

export async function measureLensCost(): Promise<Figure[]> {
  const plainRun = await ratioOf(plain);
  const llmRun = await ratioOf(llm);
  const anchor = (run: typeof plainRun, label: string) => ({
    label: `the SSE recorder alone, ${events.toLocaleString("en")} ${label}`,
    value: run.anchorMs,
    unit: "ms",
  });
  return [
    createFigure({
      name: "lens-overhead-plain-ratio",
      value: plainRun.ratio,
      unit: "x",
      goal: { op: "<=", limit: 1.05 },
      anchor: anchor(plainRun, "JSON ticks"),
      samples: plainRun.runs.ratios,
      note: `with a lens reader taking every event: ${plainRun.lensMs.toFixed(1)} ms (median of ${pairs} pairs)`,
    }),
    createFigure({
      name: "lens-overhead-llm-ratio",
      value: llmRun.ratio,
      unit: "x",
      anchor: anchor(llmRun, "chat chunks"),
      samples: llmRun.runs.ratios,
      note: `with the OpenAI lens parsing and assembling every chunk: ${llmRun.lensMs.toFixed(1)} ms (median of ${pairs} pairs)`,
    }),
  ];
}
