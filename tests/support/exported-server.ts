/** Runs an exported server file under Bun or Deno, as its header says, for tests to request. */

import type { Subprocess } from "bun";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ExportTarget } from "../../src/contract/index.ts";

/** The deno binary the `deno` package ships (its own resolver links it from the platform package). */
export function denoBinary(): string {
  const resolved: unknown = (
    createRequire(import.meta.url)("deno/install_api.cjs") as { runInstall(): unknown }
  ).runInstall();
  if (typeof resolved !== "string") throw new Error("the deno package did not give a binary path");
  return resolved;
}

export { freePort } from "./free-port.ts";

/** How long a file may take to listen: Deno compiles it and fetches its npm packages first. */
const listenTimeoutMs = 30_000;

/**
 * Writes `code` to a fresh folder under `scratch`, runs it as the header's run line says (Deno
 * with `permissions`), and resolves once `port` accepts connections. `await using` stops it.
 * Packages resolve from `scratch` upwards, as from the folder a user keeps the file in; Bun does
 * not install what is missing (`--no-install`).
 */
export async function runExported(options: {
  target: ExportTarget;
  code: string;
  port: number;
  scratch: string;
  permissions?: string[];
}) {
  const dir = mkdtempSync(join(options.scratch, `${options.target}-`));
  const file = join(dir, "server.ts");
  await Bun.write(file, options.code);
  const command =
    options.target === "bun"
      ? [process.execPath, "--no-install", file]
      : [denoBinary(), "run", "--allow-net", ...(options.permissions ?? []), file];
  const child: Subprocess<"ignore", "ignore", "pipe"> = Bun.spawn(command, {
    cwd: dir,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(options.scratch, "deno-cache") },
  });
  const stop = async () => {
    child.kill("SIGKILL");
    await child.exited;
  };
  const started = performance.now();
  while (performance.now() - started < listenTimeoutMs) {
    if (child.exitCode !== null) {
      const stderr = await new Response(child.stderr).text();
      throw new Error(`${options.target} exited with ${child.exitCode}: ${stderr}`);
    }
    const open = await Bun.connect({ hostname: "127.0.0.1", port: options.port, socket: { data() {} } }).then(
      (socket) => {
        socket.end();
        return true;
      },
      () => false,
    );
    if (open) return { url: `http://127.0.0.1:${options.port}/`, [Symbol.asyncDispose]: stop };
    await Bun.sleep(25);
  }
  await stop();
  throw new Error(`${options.target} did not listen on ${options.port} within ${listenTimeoutMs} ms`);
}
