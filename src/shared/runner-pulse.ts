/**
 * The runner's pulse: a count the runner writes to a small file with every heartbeat, and the
 * host reads from it synchronously, on its watchdog's timer.
 *
 * The heartbeat also goes over IPC, and any IPC message shows the runner's loop turning. But a
 * host busy with a flood of its own can leave the channel unread for most of a second while its
 * timers still run (measured: a `websocket` client in the host reading 100,000 echoes, the runner
 * sending a heartbeat every 100 ms, the host receiving nothing for 823 ms). Judged by IPC alone, a
 * runner whose messages wait unread looks like one whose loop is blocked, and is restarted in the
 * middle of serving. The pulse reaches the host without its event loop.
 *
 * The file is the host's: created fresh (never one that exists), readable by this user only, and
 * unlinked once the runner has opened it, so nothing is left behind and only the two processes
 * hold it.
 */

import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The environment variable naming the pulse file to the runner, which removes it before any snippet runs. */
export const runnerPulseVariable = "PLAYGROUND_RUNNER_PULSE";

/** The runner's side. */
export interface PulseWriter {
  /** Counts one more heartbeat in the file. */
  beat(): void;
}

/** The host's side, one per runner process. */
export interface PulseReader {
  /** The file's path, for the runner's environment. */
  readonly path: string;
  /** The count the runner wrote last; `undefined` when the file holds none (yet, or any more). */
  read(): number | undefined;
  /** Removes the file's name; the runner and this reader keep their open files. */
  unlink(): void;
  /** Closes the file (and removes its name, if still there). */
  close(): void;
}

const countBytes = 4;

/**
 * Opens the pulse file the host named. Without one (a test's own runner), or one that cannot be
 * opened, beats go nowhere and the heartbeat goes over IPC alone.
 */
export function openPulseWriter(path: string | undefined): PulseWriter {
  let fd: number | undefined;
  try {
    if (path !== undefined && path !== "") fd = openSync(path, "r+");
  } catch {
    fd = undefined;
  }
  const bytes = Buffer.alloc(countBytes);
  let count = 0;
  return {
    beat() {
      if (fd === undefined) return;
      count = (count + 1) >>> 0;
      bytes.writeUInt32LE(count, 0);
      try {
        writeSync(fd, bytes, 0, countBytes, 0);
      } catch {
        // The file was closed under the runner (a snippet closing descriptors it does not own):
        // the heartbeat still goes over IPC, as it did before the pulse.
        fd = undefined;
      }
    },
  };
}

/** Creates a new, empty pulse file for one runner process. */
export function createPulseReader(): PulseReader {
  const path = join(tmpdir(), `stream-playground-pulse-${process.pid}-${crypto.randomUUID()}`);
  // "wx+": created here or not at all, so the name can never be one planted beforehand; read and written.
  let fd: number | undefined = openSync(path, "wx+", 0o600);
  const bytes = Buffer.alloc(countBytes);
  let linked = true;
  const unlink = () => {
    if (!linked) return;
    linked = false;
    try {
      unlinkSync(path);
    } catch {
      // Already gone: the name is what this removes, and it is not there.
    }
  };
  return {
    path,
    read() {
      if (fd === undefined) return undefined;
      try {
        return readSync(fd, bytes, 0, countBytes, 0) === countBytes ? bytes.readUInt32LE(0) : undefined;
      } catch {
        return undefined;
      }
    },
    unlink,
    close() {
      unlink();
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
