/**
 * `npm test`: every test file under tests/ (unit, integration, browser and desktop) with `bun test`,
 * then one closing line that says how it went: `tests: N passed, N failed`. A run that leaves a
 * process behind fails, naming it.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endLeftovers } from "./leftover-processes.ts";

// Nothing a test starts may touch the user's real workspace (drafts, settings, recent files).
const home = mkdtempSync(join(tmpdir(), "stream-playground-tests-"));
// Inherited by everything the tests start: what still carries it afterwards was left behind.
const runMarker = `STREAM_PLAYGROUND_TEST_RUN=${crypto.randomUUID()}`;

const child = Bun.spawn([process.execPath, "test", "--timeout", "30000", ...process.argv.slice(2)], {
  cwd: new URL("..", import.meta.url).pathname,
  stdout: "inherit",
  stderr: "pipe",
  env: {
    ...process.env,
    STREAM_PLAYGROUND_HOME: home,
    STREAM_PLAYGROUND_TEST_RUN: runMarker.split("=")[1],
    FORCE_COLOR: process.stdout.isTTY ? "1" : "0",
  },
});

// bun test reports on stderr; pass it through and keep the counts.
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stderr) {
  const text = decoder.decode(chunk, { stream: true });
  process.stderr.write(text);
  tail = (tail + text).slice(-4_000);
}
const code = await child.exited;
const leftovers = await endLeftovers(runMarker, 5_000);
rmSync(home, { recursive: true, force: true });
if (leftovers.length > 0) {
  console.error(
    `\nThe tests left ${leftovers.length} process(es) running (now killed):\n${leftovers.map((p) => `  ${p.pid} ${p.command.slice(0, 160)}`).join("\n")}`,
  );
}
const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(tail)?.[1] ?? 0);
const passed = count("pass");
const failed = count("fail");
const ok = code === 0 && failed === 0 && passed > 0 && leftovers.length === 0;
console.log(`\n${ok ? "PASS" : "FAIL"} tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
