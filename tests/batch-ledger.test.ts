/**
 * The host takes each of a runner's event batches once: over IPC in order, and again from stderr
 * when a snippet's process.exit wrote there the batches the channel had not finished writing.
 */

import { describe, expect, test } from "bun:test";
import { createBatchLedger } from "../src/supervisor/batch-ledger.ts";

describe("the batch ledger", () => {
  test("IPC alone: every batch is taken, in order", () => {
    const ledger = createBatchLedger();
    expect([1, 2, 3].map((seq) => ledger.take(seq, "ipc"))).toEqual([true, true, true]);
  });

  test("stderr after IPC: the batches IPC delivered are not taken again, the rest are", () => {
    const ledger = createBatchLedger();
    ledger.take(1, "ipc");
    ledger.take(2, "ipc");
    expect([2, 3, 4].map((seq) => ledger.take(seq, "stderr"))).toEqual([false, true, true]);
  });

  test("stderr before IPC: a batch IPC still delivers afterwards is not taken twice, and a later one is", () => {
    const ledger = createBatchLedger();
    ledger.take(1, "ipc");
    expect(ledger.take(2, "stderr")).toBe(true);
    expect(ledger.take(3, "stderr")).toBe(true);
    expect(ledger.take(2, "ipc")).toBe(false);
    expect(ledger.take(3, "ipc")).toBe(false);
    expect(ledger.take(4, "ipc")).toBe(true);
    expect(ledger.take(3, "stderr")).toBe(false);
  });

  test("the same batch twice from stderr is taken once", () => {
    const ledger = createBatchLedger();
    expect([5, 5].map((seq) => ledger.take(seq, "stderr"))).toEqual([true, false]);
  });
});
