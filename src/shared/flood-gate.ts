/**
 * Flood control for one stream's events: a token bucket that admits events one by one while a
 * stream is moderate, and past that folds them into counts for a fixed window, so a handler that
 * writes a million chunks produces a few thousand events, not a million.
 */

export interface FloodGateOptions {
  /** Events admitted in a burst before folding starts. */
  burst: number;
  /** Events admitted per second once the burst is spent. */
  perSecond: number;
  /** How long one folding window lasts, in ms. */
  foldWindowMs: number;
}

/** What was folded during one window. */
export interface Fold {
  count: number;
  bytes: number;
  /** Time of the first folded event. */
  since: number;
  /** Time of the last folded event. */
  until: number;
}

/**
 * A stream's first 1,000 events one by one, then up to 1,000 a second, so a stream of one event a
 * millisecond is recorded whole; past that, counts. Each event carries up to 1 KiB of text, and the
 * burst is most of what a flood costs the host: with bursts of 2,000 and 4,000 a second after them,
 * a 1 GiB stream took the host's memory ~60 MB past what reading it costs; with these, ~15 MB
 * (`memory-1gib-peak-mb`).
 */
export const defaultFloodGate: FloodGateOptions = { burst: 1_000, perSecond: 1_000, foldWindowMs: 250 };

/** One stream's flood control: which events are recorded one by one, and what was folded. */
export interface FloodGate {
  /**
   * Whether an event at `now` of `bytes` bytes should be recorded on its own. When it should not,
   * it has been counted into the current fold. `onFoldClosed` receives a fold that ended before
   * this event, so it lands in the timeline before the event itself.
   */
  admit(now: number, bytes: number, onFoldClosed: (fold: Fold) => void): boolean;
  /** Whether an event at `now` would be folded: the stream is inside a folding window. */
  folding(now: number): boolean;
  /**
   * Counts an event of `bytes` bytes into the current fold without a time, as long as the stream
   * is folding and the last timed event (`admit`) was fewer than `untimedRun` events ago; answers
   * false otherwise, and the caller reads the clock and calls `admit`. Under a flood this spares a
   * clock read per event: every event and byte is still counted, and the fold's end is read at
   * least once every `untimedRun` events.
   */
  count(bytes: number): boolean;
  /**
   * How many events `count` would take now, one after another: 0 unless the stream is folding.
   * A caller that keeps a tally of its own asks this first, then counts that many at most with
   * `countMany`, before anything else reaches the gate.
   */
  room(): number;
  /** Counts `events` events of `bytes` bytes in all, as as many calls to `count` would (see `room`). */
  countMany(events: number, bytes: number): void;
  /** Ends folding now (the stream ended): returns what was still being folded. */
  flush(): Fold | undefined;
}

/**
 * Events counted into a fold between two timed ones. A 1 KiB write takes about half a microsecond
 * on the 2-core machine, so a fold's last time is at most some 15 µs stale, against its 250 ms window.
 */
export const untimedRun = 32;

export function createFloodGate(options: FloodGateOptions = defaultFloodGate): FloodGate {
  let tokens = options.burst;
  /** Events counted without a time since the last `admit`. */
  let untimed = 0;
  let refilledAt = 0;
  let foldUntil = -Infinity;
  let fold: Fold | undefined;
  /** The time of the last timed event. */
  let lastAt = 0;

  /** Closes the current fold, if any, and returns it for the caller to record. */
  function takeFold(): Fold | undefined {
    const done = fold;
    fold = undefined;
    return done;
  }

  return {
    admit(now: number, bytes: number, onFoldClosed: (fold: Fold) => void): boolean {
      untimed = 0;
      lastAt = now;
      if (now < foldUntil) {
        if (fold) {
          fold.count++;
          fold.bytes += bytes;
          fold.until = now;
        } else {
          fold = { count: 1, bytes, since: now, until: now };
        }
        return false;
      }
      if (fold) onFoldClosed(takeFold()!);
      if (refilledAt === 0) refilledAt = now;
      tokens = Math.min(options.burst, tokens + ((now - refilledAt) / 1000) * options.perSecond);
      refilledAt = now;
      if (tokens >= 1) {
        tokens--;
        return true;
      }
      foldUntil = now + options.foldWindowMs;
      fold = { count: 1, bytes, since: now, until: now };
      return false;
    },
    folding(now: number): boolean {
      return now < foldUntil;
    },
    count(bytes: number): boolean {
      if (fold === undefined || untimed >= untimedRun) return false;
      untimed++;
      fold.count++;
      fold.bytes += bytes;
      return true;
    },
    room(): number {
      return fold === undefined ? 0 : Math.max(0, untimedRun - untimed);
    },
    countMany(events: number, bytes: number): void {
      // A fold closed since `room` was asked (it should not be): the events start one at the last time read.
      fold ??= { count: 0, bytes: 0, since: lastAt, until: lastAt };
      untimed += events;
      fold.count += events;
      fold.bytes += bytes;
    },
    flush: takeFold,
  };
}
