/**
 * A command started as a terminal starts one: in a process group of its own, so that Ctrl+C
 * (SIGINT to the whole group) reaches everything it runs, and with a marker in its environment
 * by which every process it started can be found afterwards. Its output is kept as lines, each
 * with the time it arrived.
 */

import { spawn } from "node:child_process";
import { processesWith, waitFor } from "./desktop-session.ts";

export interface OutputLine {
  text: string;
  /** `performance.now()` when this process read it. */
  at: number;
}

export interface Command {
  readonly pid: number;
  readonly stdout: OutputLine[];
  readonly stderr: OutputLine[];
  /** The exit code (128 + the signal's number for a signal). */
  readonly exited: Promise<number>;
  /** Waits for a line of stdout or stderr that `match` accepts, and returns it. */
  line(stream: "stdout" | "stderr", match: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Ctrl+C: SIGINT to the command's process group. */
  interrupt(): void;
  /** The processes it started that are still running. */
  running(): { pid: number; command: string }[];
  /** Kills whatever is left of it (for a test that failed half-way). */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CommandOptions {
  cwd?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
}

function collect(stream: NodeJS.ReadableStream, into: OutputLine[]): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    const at = performance.now();
    for (const text of parts) into.push({ text, at });
  });
  stream.on("end", () => {
    if (pending) into.push({ text: pending, at: performance.now() });
  });
}

export function startCommand(command: string, args: readonly string[], options: CommandOptions = {}): Command {
  const mark = crypto.randomUUID();
  const marker = `STREAM_PLAYGROUND_COMMAND_MARK=${mark}`;
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, STREAM_PLAYGROUND_COMMAND_MARK: mark },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stdout: OutputLine[] = [];
  const stderr: OutputLine[] = [];
  collect(child.stdout!, stdout);
  collect(child.stderr!, stderr);
  const exited = new Promise<number>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + 2)));
  });
  const pid = child.pid!;
  return {
    pid,
    stdout,
    stderr,
    exited,
    async line(stream, match, timeoutMs = 20_000) {
      const lines = stream === "stdout" ? stdout : stderr;
      return waitFor(
        `a line on ${stream} (${stream === "stdout" ? "stderr" : "stdout"} so far: ${(stream === "stdout" ? stderr : stdout).map((l) => l.text).join(" | ")})`,
        () => lines.find((line) => match(line.text))?.text,
        timeoutMs,
      );
    },
    interrupt() {
      process.kill(-pid, "SIGINT");
    },
    running: () => processesWith(marker),
    async [Symbol.asyncDispose]() {
      for (const { pid: left } of processesWith(marker)) {
        try {
          process.kill(left, "SIGKILL");
        } catch {
          // It ended meanwhile.
        }
      }
      await Promise.race([exited, Bun.sleep(2_000)]);
    },
  };
}

export { freePort } from "./free-port.ts";
