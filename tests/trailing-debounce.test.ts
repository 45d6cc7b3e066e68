import { describe, expect, test } from "bun:test";
import { createTrailingDebounce } from "../src/contract/trailing-debounce.ts";

describe("trailing debounce", () => {
  test("a burst of calls runs the function once, after the last call", async () => {
    const ran: number[] = [];
    const { promise, resolve } = Promise.withResolvers<void>();
    const debounce = createTrailingDebounce(() => {
      ran.push(performance.now());
      resolve();
    }, 40);
    let lastCall = 0;
    for (let i = 0; i < 5; i++) {
      debounce.call();
      lastCall = performance.now();
      await Bun.sleep(10);
    }
    await promise;
    expect(ran).toHaveLength(1);
    // It waited for the pause after the last call, not the first (a throttle would have run earlier).
    expect(ran[0]! - lastCall).toBeGreaterThanOrEqual(39);
  });

  test("cancel drops a pending run", async () => {
    let runs = 0;
    const debounce = createTrailingDebounce(() => runs++, 5);
    debounce.call();
    expect(debounce.pending).toBe(true);
    debounce.cancel();
    expect(debounce.pending).toBe(false);
    await Bun.sleep(20);
    expect(runs).toBe(0);
  });
});
