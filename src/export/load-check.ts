/**
 * Loads a snippet the way the playground does, in a runner of its own: the export refuses what
 * does not load there, and checks that the file it wrote loads too.
 */

import type { LoadedEvent, LoadErrorEvent } from "../contract/index.ts";
import { createRunner } from "../supervisor/index.ts";

/** A runner kept for one export, started on its first load. */
export interface LoadCheck {
  /** Loads `source` as the snippet at `path`; the result is what the playground would report. */
  load(source: string, path: string): Promise<LoadedEvent | LoadErrorEvent>;
  /** Stops the runner, if a load started it. */
  close(): Promise<void>;
}

export function createLoadCheck(): LoadCheck {
  // The runner's own events (logs of the snippet's top-level code) are not the export's business.
  const runner = createRunner({ onEvent: () => {} });
  let started: Promise<void> | undefined;
  return {
    async load(source: string, path: string): Promise<LoadedEvent | LoadErrorEvent> {
      started ??= runner.start();
      await started;
      return runner.load(source, path);
    },
    async close(): Promise<void> {
      if (started) await runner.stop();
    },
  };
}
