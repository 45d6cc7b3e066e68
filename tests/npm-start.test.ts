import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { processesWith, waitFor } from "./support/desktop-session.ts";
import { collectLines } from "./support/lines.ts";

const root = join(import.meta.dir, "..");
let child: Subprocess<"ignore", "pipe", "pipe"> | undefined;
let marker = "";

afterEach(async () => {
  // Whatever the test left, by marker: npm does not pass signals on, so its child may outlive it.
  for (const { pid } of processesWith(marker)) process.kill(pid, "SIGKILL");
  await child?.exited;
  child = undefined;
});

describe("npm start on a machine that cannot open the desktop app", () => {
  test("says why in one line, falls back to browser mode, the printed URL serves the page, and SIGTERM to npm ends it all", async () => {
    // No display and no CI flag: the reason must come from the machine, not from being told.
    const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, CI: _ci, ...env } = process.env;
    marker = `STREAM_PLAYGROUND_TEST_MARK=${crypto.randomUUID()}`;
    child = Bun.spawn(["npm", "start", "--silent", "--", "--no-open"], {
      cwd: root,
      env: { ...env, PORT: "0", STREAM_PLAYGROUND_TEST_MARK: marker.split("=")[1] },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    void collectLines(child.stdout, output);
    await waitFor(
      "the launch URL",
      () =>
        output.some((line) => /^Stream Playground: http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line)) ? true : undefined,
      30_000,
    );
    const lines = output.filter((line) => !line.startsWith("npm warn"));
    expect(lines[0]).toBe(
      "Desktop app not started: there is no display (DISPLAY and WAYLAND_DISPLAY are unset); serving the playground in the browser instead.",
    );
    const url = lines.at(-1)!.slice("Stream Playground: ".length);
    // As a browser does: the launch URL sets the session cookie and redirects to the page.
    const launch = await fetch(url, { redirect: "manual" });
    expect(launch.status).toBe(303);
    const cookie = launch.headers.get("set-cookie")!.split(";")[0]!;
    const page = await fetch(new URL(launch.headers.get("location")!, url), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Stream Playground</title>");
    // npm, its shell, the host and the runner (up shortly after the URL) are running; SIGTERM to
    // npm must end every one.
    await waitFor(
      "the runner",
      () => (processesWith(marker).some((p) => p.command.includes("runner-process.ts")) ? true : undefined),
      30_000,
    );
    const running = processesWith(marker).map((p) => p.command);
    child.kill("SIGTERM");
    await waitFor(
      "every process npm start started to end",
      () => (processesWith(marker).length === 0 ? true : undefined),
      15_000,
    );
    expect(running.some((command) => command.includes("runner-process.ts"))).toBe(true);
  }, 40_000);
});
