/** Helpers for asserting on timelines: trace inline snippet sources and pick events apart. */

import { join } from "node:path";
import type { TimelineEvent } from "../../src/contract/index.ts";
import { traceSnippet, type TraceOptions, type TraceResult } from "../../src/supervisor/trace.ts";

/** Inline snippets are traced as if they lived here, so imports resolve from the project. */
export const inlineSnippetPath = join(import.meta.dir, "..", "fixtures", "snippets", "inline.ts");

export const fixture = (name: string) => join(import.meta.dir, "..", "fixtures", "snippets", name);

/** Traces `source` (a snippet written inline in a test). */
export function traceSource(
  source: string,
  options: Omit<TraceOptions, "snippetPath" | "source"> = {},
): Promise<TraceResult> {
  return traceSnippet({ snippetPath: inlineSnippetPath, source, ...options });
}

export type EventOfKind<K extends TimelineEvent["kind"]> = Extract<TimelineEvent, { kind: K }>;

/** Every event of one kind, typed. */
export function ofKind<K extends TimelineEvent["kind"]>(
  events: readonly TimelineEvent[],
  kind: K,
  lane?: number,
): EventOfKind<K>[] {
  return events.filter((e): e is EventOfKind<K> => e.kind === kind && (lane === undefined || e.lane === lane));
}

/** The one event of a kind; fails the test if there is not exactly one. */
export function only<K extends TimelineEvent["kind"]>(
  events: readonly TimelineEvent[],
  kind: K,
  lane?: number,
): EventOfKind<K> {
  const found = ofKind(events, kind, lane);
  if (found.length !== 1)
    throw new Error(`expected one ${kind} event, found ${found.length}: ${JSON.stringify(found).slice(0, 500)}`);
  return found[0]!;
}

/** The kinds on one side (and lane), in order. */
export function kindsOf(events: readonly TimelineEvent[], side: TimelineEvent["side"], lane?: number): string[] {
  return events.filter((e) => e.side === side && (lane === undefined || e.lane === lane)).map((e) => e.kind);
}

/** What the clients on a lane received, concatenated. */
export function receivedText(events: readonly TimelineEvent[], lane = 1): string {
  return ofKind(events, "chunk", lane)
    .map((e) => e.text)
    .join("");
}
