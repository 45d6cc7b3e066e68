/**
 * The load-latency anchor: how long `bun --hot` takes from a changed file being written to the
 * new version answering, on this machine, in this run. A temp `server.ts` serves its version
 * string; each step rewrites it and polls until the new string comes back.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { announcedPort } from "./child-output.ts";
import { pollUntil } from "./poll-until.ts";

/** The server file for one version. `port: 0` is fine: `--hot` reloads the server in place and keeps its port. */
function serverSource(version: number): string {
  return `const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("v${version}") });
console.log(JSON.stringify({ port: server.port }));
`;
}

/** A `bun --hot` server to reload one version at a time; `await using` stops it and removes its file. */
export async function startHotServer() {
  const dir = await mkdtemp(join(tmpdir(), "stream-playground-bench-hot-"));
  const file = join(dir, "server.ts");
  await Bun.write(file, serverSource(0));
  const child = Bun.spawn([process.execPath, "--hot", file], {
    cwd: dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const stop = async () => {
    child.kill();
    await child.exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = `http://127.0.0.1:${await announcedPort(child.stdout, 10_000)}/`;
    let version = 0;
    return {
      /** Writes the next version and resolves with the ms until it answered; throws after `timeoutMs`. */
      async reload(timeoutMs: number): Promise<number> {
        version++;
        const started = performance.now();
        await Bun.write(file, serverSource(version));
        await pollUntil(url, `v${version}`, started + timeoutMs);
        return performance.now() - started;
      },
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
