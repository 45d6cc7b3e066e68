/**
 * `npm run typecheck`: each side type-checked with its own settings (Bun without the DOM, the page
 * without Bun), then the tests, the benchmarks and the desktop entry. They are independent, and
 * each compiler run keeps one core busy, so two run at once; each one's output is printed whole
 * when it ends, under its name. Exits 1 when any of them failed.
 */

import { join } from "node:path";

const root = join(import.meta.dir, "..");
const tsc = join(root, "node_modules", ".bin", "tsc");

interface Check {
  name: string;
  command: string[];
}

const checks: readonly Check[] = [
  // The slowest first, so the last to start is a short one.
  { name: "tests", command: [tsc, "-p", "tests"] },
  { name: "desktop entry", command: [process.execPath, join(root, "tests", "typecheck-desktop.ts")] },
  { name: "bench", command: [tsc, "-p", "bench"] },
  { name: "host, runner and CLI", command: [tsc, "-p", "tsconfig.json"] },
  { name: "page", command: [tsc, "-p", "src/webview"] },
];

const atOnce = 2;

async function run(check: Check): Promise<boolean> {
  const started = performance.now();
  const child = Bun.spawn(check.command, { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const output = `${out}${err}`.trimEnd();
  console.log(`${code === 0 ? "ok" : "FAILED"}: ${check.name} (${seconds} s)${output ? `\n${output}` : ""}`);
  return code === 0;
}

const queue = [...checks];
let failed = 0;
await Promise.all(
  Array.from({ length: atOnce }, async () => {
    for (let check = queue.shift(); check; check = queue.shift()) if (!(await run(check))) failed++;
  }),
);
if (failed > 0) {
  console.error(`typecheck: ${failed} of ${checks.length} failed`);
  process.exit(1);
}
