/** Runners for tests: each test starts its own, and an afterEach stops it whether the test passed or not. */

import { afterEach } from "bun:test";
import { createRunner, type Runner, type RunnerOptions } from "../../src/supervisor/supervisor.ts";
import { createEventLog } from "./event-log.ts";

/**
 * Registers an afterEach that stops every runner the file's tests started, and returns the function
 * that starts one. Call it once, at the top of a test file.
 */
export function runnerPerTest() {
  const started: Runner[] = [];
  afterEach(async () => {
    for (const runner of started.splice(0)) await runner.stop();
  });
  /** Starts a runner with `options`; its events go to the returned `log`. */
  return async function startRunner(options: Omit<RunnerOptions, "onEvent"> = {}) {
    const log = createEventLog();
    const runner = createRunner({ ...options, onEvent: log.push });
    started.push(runner);
    await runner.start();
    return { runner, log };
  };
}
