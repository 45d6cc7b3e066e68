/**
 * Keeps a process that reads large streams from holding on to what it has read.
 *
 * Reading a body through `fetch` leaves a freed buffer behind per chunk, and the collector returns
 * them at its own pace: a bare Bun 1.4 process reading 1 GiB in 64 KiB chunks peaks 35–45 MB above
 * where it started, growing with the size of the stream (+5 MB for 1 MiB, +17 MB for 64 MiB). A
 * full collection whenever the process has grown by `growthBytes` since the last one holds the
 * same read to ~+22 MB at about the same speed. The resident size is looked at once per
 * `checkEveryBytes` read (a ~10 µs read of the process's status), so a moderate stream costs
 * nothing. Collections are spaced by at least `minIntervalMs` and by `spacing` times as long as
 * the last one took, so they cost at most a tenth of the process's time: ~1 ms for a small heap,
 * ~35 ms for a host that keeps 300,000 events of 1 KiB.
 */

export interface ReadMemoryGuardOptions {
  /** The process's resident memory, in bytes. */
  residentBytes: () => number;
  /** A full, synchronous collection. */
  collect: () => void;
  now: () => number;
  checkEveryBytes: number;
  growthBytes: number;
  minIntervalMs: number;
  /** The pause after a collection, as a multiple of how long it took. */
  spacing: number;
}

export interface ReadMemoryGuard {
  /** `bytes` more were read by some client of this process. */
  read(bytes: number): void;
  /** Collections run so far. */
  readonly collections: number;
}

const MiB = 1024 ** 2;

export const defaultReadMemoryGuard: ReadMemoryGuardOptions = {
  residentBytes: () => process.memoryUsage.rss(),
  collect: () => Bun.gc(true),
  now: () => performance.now(),
  checkEveryBytes: 8 * MiB,
  growthBytes: 12 * MiB,
  minIntervalMs: 20,
  spacing: 10,
};

export function createReadMemoryGuard(options: ReadMemoryGuardOptions = defaultReadMemoryGuard): ReadMemoryGuard {
  let unchecked = 0;
  /** The resident size after the last collection (or when reading began), the lowest seen since. */
  let level: number | undefined;
  /** No collection before this time. */
  let quietUntil = -Infinity;
  let collections = 0;

  function check(): void {
    const resident = options.residentBytes();
    if (level === undefined || resident < level) {
      level = resident;
      return;
    }
    if (resident - level < options.growthBytes) return;
    const started = options.now();
    if (started < quietUntil) return;
    collections++;
    options.collect();
    const ended = options.now();
    quietUntil = ended + Math.max(options.minIntervalMs, (ended - started) * options.spacing);
    // What the collection could not give back is the process's new level: events it keeps, say.
    level = options.residentBytes();
  }

  return {
    read(bytes: number): void {
      unchecked += bytes;
      if (unchecked < options.checkEveryBytes) return;
      unchecked = 0;
      check();
    },
    get collections(): number {
      return collections;
    },
  };
}
