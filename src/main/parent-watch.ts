/**
 * Notices when the process that started this one is gone. `npm start` and `npm run start:web`
 * run under npm and a shell; SIGTERM to npm ends npm (and the shell) without passing the signal
 * on, and this process is re-parented. Whoever ended npm meant the playground too.
 */

export interface ParentWatchOptions {
  /** Called once, when the parent has gone. */
  onGone: () => void;
  /** How often to look; the check is one system call. */
  intervalMs?: number | undefined;
  /** The current parent's pid; `process.ppid` by default (read again on every check). */
  parentPid?: (() => number) | undefined;
  setInterval?: typeof globalThis.setInterval;
  clearInterval?: typeof globalThis.clearInterval;
}

/**
 * The parent this process was started by, read as the process starts: a watch begun later still
 * notices a parent that went away before it began.
 */
const parentAtStart = process.ppid;

/** Starts watching; returns a function that stops it. */
export function watchParent(options: ParentWatchOptions): () => void {
  const parentPid = options.parentPid ?? (() => process.ppid);
  const every = options.setInterval ?? globalThis.setInterval;
  const stopEvery = options.clearInterval ?? globalThis.clearInterval;
  const first = options.parentPid ? parentPid() : parentAtStart;
  const timer = every(() => {
    if (parentPid() === first) return;
    stopEvery(timer);
    options.onGone();
  }, options.intervalMs ?? 250);
  // Watching must not keep the process alive by itself.
  (timer as { unref?: () => void }).unref?.();
  return () => stopEvery(timer);
}
