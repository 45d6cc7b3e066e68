/**
 * `npm test`: every test file under tests/ (unit, integration and browser) with `bun test`, then
 * one closing line that says how it went: `tests: N passed, N failed`.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Nothing a test starts may touch the user's real workspace (drafts, settings, recent files).
const home = mkdtempSync(join(tmpdir(), "stream-playground-tests-"));

const child = Bun.spawn([process.execPath, "test", "--timeout", "30000", ...process.argv.slice(2)], {
  cwd: new URL("..", import.meta.url).pathname,
  stdout: "inherit",
  stderr: "pipe",
  env: { ...process.env, STREAM_PLAYGROUND_HOME: home, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" },
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
rmSync(home, { recursive: true, force: true });
const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(tail)?.[1] ?? 0);
const passed = count("pass");
const failed = count("fail");
const ok = code === 0 && failed === 0 && passed > 0;
console.log(`\n${ok ? "PASS" : "FAIL"} tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
