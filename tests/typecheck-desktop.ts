/**
 * Type-checks the desktop entry against electrobun 1.18.1 as installed. Electrobun ships its API
 * as TypeScript sources, so the compiler checks its implementation too, and with Bun's current
 * types that has a few errors of its own (FFI pointer types, an untyped `three`). Those are
 * reported and counted, not failed on: they are not ours to fix. Any error in our files fails.
 */

import { join } from "node:path";

const root = join(import.meta.dir, "..");
const tsc = Bun.spawn(
  [join(root, "node_modules", ".bin", "tsc"), "-p", join(root, "tsconfig.desktop.json"), "--pretty", "false"],
  {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  },
);
const output = (await new Response(tsc.stdout).text()) + (await new Response(tsc.stderr).text());
await tsc.exited;

/** One diagnostic per line that starts with `path(line,col): error`; continuation lines follow it. */
const diagnostics = output.split("\n").filter((line) => /^\S.*\(\d+,\d+\): error TS\d+/.test(line));
// A symlinked node_modules (a shared install) puts electrobun's files under another relative path.
const isUpstream = (line: string) => /^(?:\.\.\/)*(?:[^/(]+\/)*node_modules\/electrobun\//.test(line);
const upstream = diagnostics.filter(isUpstream);
const ours = diagnostics.filter((line) => !isUpstream(line));

if (upstream.length > 0)
  console.log(`desktop type-check: ${upstream.length} error(s) inside electrobun's own sources, not ours to fix`);
if (ours.length > 0 || (diagnostics.length === 0 && tsc.exitCode !== 0)) {
  console.error(ours.length > 0 ? ours.join("\n") : output);
  console.error(`desktop type-check failed: ${ours.length} error(s) in our files`);
  process.exit(1);
}
console.log("desktop type-check passed: the desktop entry matches electrobun 1.18.1's API");
