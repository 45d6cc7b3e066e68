import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";

const root = join(import.meta.dir, "..");
let child: Subprocess<"ignore", "pipe", "pipe"> | undefined;

// npm runs the host in a child of its own: ending npm alone would leave the host and its runner
// behind, so the test starts npm as a process group and ends the whole group.
afterEach(async () => {
  if (child) process.kill(-child.pid, "SIGTERM");
  await child?.exited;
  child = undefined;
});

/** Reads stdout until a line matches, returning every line read so far. */
async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string[]> {
  const lines: string[] = [];
  let pending = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
    if (parts.some((line) => pattern.test(line))) return lines;
  }
  throw new Error(`the output ended without a line matching ${pattern}: ${lines.join("\n")}`);
}

describe("npm start on a machine that cannot open the desktop app", () => {
  test("says why in one line, falls back to browser mode, and the printed URL serves the page", async () => {
    // No display and no CI flag: the reason must come from the machine, not from being told.
    const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, CI: _ci, ...env } = process.env;
    child = Bun.spawn(["npm", "start", "--silent", "--", "--no-open"], { cwd: root, env: { ...env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const lines = (await readUntil(child.stdout, /^Stream Playground: http:\/\/127\.0\.0\.1:\d+\/\?token=/)).filter((line) => !line.startsWith("npm warn"));
    expect(lines[0]).toBe("Desktop app not started: there is no display (DISPLAY and WAYLAND_DISPLAY are unset); serving the playground in the browser instead.");
    const url = lines.at(-1)!.slice("Stream Playground: ".length);
    // As a browser does: the launch URL sets the session cookie and redirects to the page.
    const launch = await fetch(url, { redirect: "manual" });
    expect(launch.status).toBe(303);
    const cookie = launch.headers.get("set-cookie")!.split(";")[0]!;
    const page = await fetch(new URL(launch.headers.get("location")!, url), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Stream Playground</title>");
  }, 30_000);
});
