/**
 * The snippet's console output becomes `log` events with the time it was printed and, when it was
 * printed while serving a request, that request's lane and id. A flood of logs is folded.
 */

import { format } from "node:util";
import { createFloodGate, readableText } from "../shared/index.ts";
import type { LogLevel, RunnerProducedEvent } from "../contract/index.ts";
import { requestStorage } from "./request-tracker.ts";
import { callerLine } from "./snippet-paths.ts";

const levels = ["log", "info", "warn", "error", "debug"] as const satisfies readonly LogLevel[];

export function installConsoleCapture(now: () => number, emit: (event: RunnerProducedEvent) => void): void {
  const gate = createFloodGate({ burst: 500, perSecond: 1_000, foldWindowMs: 500 });
  for (const level of levels) {
    console[level] = (...args: unknown[]) => {
      const t = now();
      const text = format(...args);
      const admitted = gate.admit(t, text.length, (fold) =>
        emit({
          t: fold.until,
          lane: 0,
          side: "runner",
          kind: "folded",
          of: "log",
          count: fold.count,
          bytes: fold.bytes,
          since: fold.since,
        }),
      );
      if (!admitted) return;
      const ctx = requestStorage.getStore();
      emit({
        t,
        lane: ctx?.lane ?? 0,
        side: "runner",
        kind: "log",
        level,
        // A logged error's stack as under plain Bun: the snippet's file, none of the playground's frames.
        text: readableText(text),
        requestId: ctx?.requestId,
        line: callerLine(),
      });
    };
  }
  console.trace = (...args: unknown[]) =>
    console.log(format(...args), `\n${(new Error().stack ?? "").split("\n").slice(2).join("\n")}`);
}
