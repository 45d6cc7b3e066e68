/**
 * Reads a file the user named, as a file and only so far. A FIFO named `x.ts` would block an
 * ordinary open for as long as nobody writes to it (and every file request after it), and a `.ts`
 * link to `/dev/zero` has no size to check but never ends: the file is opened without waiting,
 * must be a regular file once opened (links followed), and is read up to its limit and no further.
 */

import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { FilesError } from "./files-error.ts";

export interface BoundedReadOptions {
  /** The most bytes the file may have. */
  maxBytes: number;
  /** What the file is, for the messages: "a snippet", "a recording". */
  what: string;
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "");

/** The file's text, or a `FilesError` saying why not (`not-a-file`, `too-large`); system errors are passed on. */
export async function readRegularFile(path: string, { maxBytes, what }: BoundedReadOptions): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new FilesError("not-a-file", `${path} is a folder, not a file.`);
    if (!info.isFile()) {
      const kind = info.isFIFO() ? "a pipe" : info.isSocket() ? "a socket" : "a device";
      throw new FilesError("not-a-file", `${path} is ${kind}, not a file: the playground opens only regular files.`);
    }
    const tooLarge = (size: string) =>
      new FilesError("too-large", `${path} is ${size} MB; ${what} can be at most ${megabytes(maxBytes)} MB.`);
    if (info.size > maxBytes) throw tooLarge(megabytes(info.size));
    // One byte more than allowed tells a file that grew since it was measured.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(`over ${megabytes(maxBytes)}`);
    return buffer.toString("utf8", 0, length);
  } finally {
    await handle.close();
  }
}
