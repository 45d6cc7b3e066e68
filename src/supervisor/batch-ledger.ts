/**
 * Which of one runner's event batches the host has taken. Batches come over IPC in order; a
 * runner that ends writes the ones the channel had not finished writing again on stderr, which the
 * host may read before or after what IPC still delivers. Each batch is taken once.
 */

export interface BatchLedger {
  /** True the first time batch `seq` arrives, by either way. */
  take(seq: number, via: "ipc" | "stderr"): boolean;
}

export function createBatchLedger(): BatchLedger {
  /** The last batch IPC delivered: every one before it came over IPC or from stderr first. */
  let ipcUpTo = 0;
  /** Batches stderr delivered that IPC has not (yet) delivered too. */
  const fromStderr = new Set<number>();
  return {
    take(seq, via) {
      if (via === "ipc") {
        ipcUpTo = Math.max(ipcUpTo, seq);
        return !fromStderr.delete(seq);
      }
      if (seq <= ipcUpTo || fromStderr.has(seq)) return false;
      fromStderr.add(seq);
      return true;
    },
  };
}
