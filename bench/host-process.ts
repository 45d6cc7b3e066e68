/**
 * The playground as a person starts it, for benchmarks that look at its processes from outside:
 * `npm run start:web` in a process of its own (on the bench's temporary workspace), a page
 * connected to it over its WebSocket, and the memory of the host and its runner as Linux reports it.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openPage } from "../tests/support/page-socket.ts";

const root = join(import.meta.dir, "..");

/** Resident memory of `pid` in MB (VmRSS), or undefined when it cannot be read (not Linux, or gone). */
export function residentMb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    // The process is gone, or this is not Linux: the caller says it could not measure.
    return undefined;
  }
}

/** The direct children of `pid` (Linux). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (listed !== "") children.push(...listed.split(/\s+/).map(Number));
    }
  } catch {
    // Gone, or not Linux: no children to report.
  }
  return children;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    // Gone already.
    return "";
  }
}

/** Whether this machine reports process memory the way these benchmarks read it. */
export const canMeasureMemory = residentMb(process.pid) !== undefined;

/**
 * Samples `read` every `everyMs` until `stop` is called; returns every sample taken. Runs on a
 * timer in this process, which never blocks for long (the work is in the processes measured).
 */
export function sampleEvery(everyMs: number, read: () => number | undefined) {
  const samples: number[] = [];
  const take = () => {
    const value = read();
    if (value !== undefined) samples.push(value);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop(): number[] {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** `npm run start:web` in its own process, with a page connected; `await using` stops it. */
export async function startWebHost() {
  const child = Bun.spawn([process.execPath, join(root, "src/main/start-web.ts"), "--no-open"], {
    cwd: root,
    env: { ...process.env, PORT: "0", CI: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = async () => {
    child.kill("SIGTERM");
    await child.exited;
  };
  try {
    const decoder = new TextDecoder();
    let text = "";
    let launchUrl: string | undefined;
    const reader = child.stdout.getReader();
    while (launchUrl === undefined) {
      const read = await reader.read();
      if (read.done) throw new Error(`start:web ended without printing its URL: ${text}`);
      text += decoder.decode(read.value, { stream: true });
      launchUrl = /^Stream Playground: (\S+)$/m.exec(text)?.[1];
    }
    // Later lines (its "Stopping…") must not fill the pipe.
    void (async () => {
      while (!(await reader.read()).done);
    })();
    const port = Number(new URL(launchUrl).port);
    const page = await openPage({ launchUrl, origin: `http://127.0.0.1:${port}`, port });
    // The session is started (and the runner serving) once the status names the runner's port.
    await page.until(() => page.pushes("status").find((push) => !push.status.runnerUrl.includes(":0/")));
    return {
      pid: child.pid,
      page,
      /** The runner's process (the current one: a restart replaces it). */
      runnerPid(): number | undefined {
        return childPids(child.pid).find((pid) => commandLine(pid).includes("runner-process"));
      },
      async [Symbol.asyncDispose]() {
        page.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type WebHost = Awaited<ReturnType<typeof startWebHost>>;
