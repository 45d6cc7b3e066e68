/**
 * The desktop app's process tree, as one thing to start and end. The launcher is started in a
 * session and process group of its own: it and everything under it (Electrobun's Bun, WebKit's
 * processes, accessibility helpers that re-parent to init) share that group, so ending the group
 * ends the app, however its parts react to signals. A signal to one process does not: the
 * launcher forwards SIGTERM to the app but SIGINT only arms a 10 s timer, and nothing above the
 * launcher forwards anything (electrobun 1.18.1).
 */

import type { Subprocess } from "bun";

export interface AppProcess {
  /** Each line the app prints, stdout and stderr merged, as it prints it. */
  readonly lines: AsyncIterable<string>;
  /** Settles with the launcher's exit code (128 + signal number when a signal ended it). */
  readonly exited: Promise<number>;
  /** Asks the app to quit as its own Quit would (SIGTERM to the launcher, which passes it on). */
  terminate(): void;
  /** Ends every process of the app's group at once. Safe to call more than once, or after it ended. */
  kill(): void;
}

export interface SpawnAppOptions {
  command: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A queue of lines fed by two streams and read by one consumer. */
function createLineQueue() {
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let open = 2;
  async function pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for await (const chunk of stream) {
        pending += decoder.decode(chunk, { stream: true });
        const parts = pending.split("\n");
        pending = parts.pop() ?? "";
        lines.push(...parts);
        wake?.();
      }
    } finally {
      if (pending) lines.push(pending);
      open--;
      wake?.();
    }
  }
  async function* read(): AsyncGenerator<string> {
    while (true) {
      const line = lines.shift();
      if (line !== undefined) {
        yield line;
        continue;
      }
      if (open === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  return { pump, read };
}

export function spawnApp(options: SpawnAppOptions): AppProcess {
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(options.command, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    // setsid: a group of its own, which `kill` can end whole and a terminal's Ctrl+C does not reach.
    detached: true,
  });
  const queue = createLineQueue();
  void queue.pump(child.stdout);
  void queue.pump(child.stderr);
  const signal = (target: number, name: NodeJS.Signals) => {
    try {
      process.kill(target, name);
    } catch {
      // ESRCH: the process or group is gone already, which is what was wanted.
    }
  };
  return {
    lines: queue.read(),
    exited: child.exited,
    terminate: () => signal(child.pid, "SIGTERM"),
    kill: () => {
      // Windows has no process groups to signal: taskkill ends the launcher's tree.
      if (process.platform === "win32")
        Bun.spawnSync(["taskkill", "/T", "/F", "/PID", String(child.pid)], { stdio: ["ignore", "ignore", "ignore"] });
      else signal(-child.pid, "SIGKILL");
    },
  };
}
