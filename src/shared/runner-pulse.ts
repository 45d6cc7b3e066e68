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
 * unlinked in the same breath, so it has no name for anyone to find and none to leave behind when
 * either process is killed. The runner gets the open file itself, as one more stdio descriptor
 * (`pulseDescriptor`), and its number in the environment.
 */

import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The environment variable giving the runner its pulse file's descriptor; the runner removes it before any snippet runs. */
export const runnerPulseVariable = "PLAYGROUND_RUNNER_PULSE";

/** The runner's descriptor for its pulse file: the entry after stdin, stdout and stderr in its `stdio`. */
export const pulseDescriptor = 3;

/** The runner's side. */
export interface PulseWriter {
  /** Counts one more heartbeat in the file. */
  beat(): void;
}

/** The host's side, one per runner process. */
export interface PulseReader {
  /** The open file, to hand to the runner as its stdio entry `pulseDescriptor`; `undefined` once closed. */
  readonly fd: number | undefined;
  /** The count the runner wrote last; `undefined` when the file holds none (yet, or any more). */
  read(): number | undefined;
  /** Closes the host's copy of the file; the runner's copy is the runner's. */
  close(): void;
}

const countBytes = 4;

/**
 * Opens the pulse file the host gave this process, from the descriptor number in `value` (the
 * runner's `runnerPulseVariable`). Without one (a test's own runner), or with a descriptor that is
 * not a regular file (an environment inherited from elsewhere), beats go nowhere and the heartbeat
 * goes over IPC alone.
 */
export function openPulseWriter(value: string | undefined): PulseWriter {
  let fd: number | undefined = value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  try {
    if (fd !== undefined && !fstatSync(fd).isFile()) fd = undefined;
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

/** Creates a new pulse file for one runner process, open and already without a name. */
export function createPulseReader(): PulseReader {
  const path = join(tmpdir(), `stream-playground-pulse-${process.pid}-${crypto.randomUUID()}`);
  // "wx+": created here or not at all, so the name can never be one planted beforehand; read and written.
  let fd: number | undefined = openSync(path, "wx+", 0o600);
  try {
    unlinkSync(path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const bytes = Buffer.alloc(countBytes);
  return {
    get fd() {
      return fd;
    },
    read() {
      if (fd === undefined) return undefined;
      try {
        return readSync(fd, bytes, 0, countBytes, 0) === countBytes ? bytes.readUInt32LE(0) : undefined;
      } catch {
        return undefined;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
