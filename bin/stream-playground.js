#!/usr/bin/env node
// The `stream-playground` command. npm starts it with Node (or Bun, under bunx); it runs the
// subcommand under the Bun this package depends on (npm's `bun` package), so installing the
// package is the only set-up. Plain JavaScript, for Node as well as Bun.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Each subcommand's entry, relative to the package. */
const commands = {
  trace: "src/cli/trace-cli.ts",
  serve: "src/cli/serve-cli.ts",
  export: "src/cli/export-cli.ts",
  open: "src/main/start.ts",
};

const help = `Stream Playground ${version}: see what a streaming HTTP handler really does.

usage: stream-playground [FILE] [--web]      open the playground (the desktop app, else a
                                             browser tab), on FILE when given
       stream-playground serve FILE [--port N]
                                             serve FILE to any client (curl -N, a browser, your
                                             app), reload it on every save, print both sides live
       stream-playground trace FILE [options]
                                             load FILE, connect clients, print both sides live
                                             and what leaked; --expect checks it in CI
       stream-playground export FILE --target bun|deno [-o server.ts]
                                             write FILE as a standalone server file

  --help       this text; after a subcommand, that subcommand's options
  --version    the version

Exit codes: 0 done (trace: the snippet loaded and every expectation held; serve: stopped by
Ctrl+C), 1 it did not (a load error, a failed expectation, a refused export, a port in use),
2 a usage error. Each subcommand's --help says more.`;

const args = process.argv.slice(2);
const [first, ...rest] = args;
const named = first !== undefined && Object.hasOwn(commands, first);
if (first === "--version" || first === "-v" || (named && rest.length === 1 && rest[0] === "--version")) {
  console.log(version);
  process.exit(0);
}
if (first === "--help" || first === "-h" || first === "help") {
  console.log(help);
  process.exit(0);
}
if (!named && first !== undefined && first.startsWith("-") && first !== "--web" && first !== "--verbose") {
  console.error(`unknown option ${first}\n\n${help}`);
  process.exit(2);
}
const entry = join(root, named ? commands[first] : commands.open);
const commandArgs = named ? rest : args;

/** npm's `bun` package's binary, wherever npm put the package; else this process, when it is Bun. */
function bunPath() {
  try {
    const binary = join(dirname(createRequire(import.meta.url).resolve("bun/package.json")), "bin", "bun.exe");
    if (existsSync(binary)) return binary;
  } catch {
    // Not installed beside us: fall through.
  }
  if (process.versions.bun) return process.execPath;
  console.error("stream-playground: cannot find Bun (npm's `bun` package); reinstall the package");
  process.exit(1);
}

const child = spawn(bunPath(), [entry, ...commandArgs], { stdio: "inherit" });
// A signal to this process is passed on, and the subcommand ends in its own time (it may hear
// Ctrl+C twice, from the terminal and from here; once is what counts).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  console.error(`stream-playground: could not start Bun: ${error.message}`);
  process.exit(1);
});
// A subcommand ended by a signal exits as a shell reports it: 128 + the signal's number.
child.on("exit", (code, signal) =>
  process.exit(signal === null ? (code ?? 1) : 128 + (constants.signals[signal] ?? 0)),
);
