/**
 * `npm run export -- <snippet.ts> --target bun|deno [-o server.ts] [--port 3000] [--path /events]`:
 * write the snippet as a standalone server file. Exits 0 when it was written, 1 when the export
 * was refused (nothing is written then), 2 on a usage error.
 */

import { basename } from "node:path";
import { parseArgs } from "node:util";
import { errorMessage } from "../contract/index.ts";
import { exportSnippet, type ExportTarget } from "../export/index.ts";

const usage = `usage: npm run export -- <snippet.ts> [options]

  --target bun|deno   the runtime the file is for (default bun)
  -o, --out FILE      where to write it; - or none writes to standard output
  --port N            the port it listens on (default: the snippet's own, else 3000)
  --path /events      the path the header's curl line requests (default: guessed from the snippet)`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        target: { type: "string" },
        out: { type: "string", short: "o" },
        port: { type: "string" },
        path: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return fail(errorMessage(error));
  }
}

const { values, positionals } = parse();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (positionals.length !== 1) fail("give exactly one snippet file");
const snippetPath = positionals[0]!;
const target = values.target ?? "bun";
if (target !== "bun" && target !== "deno") fail(`--target is bun or deno, not "${target}"`);
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
  fail(`--port takes a port from 1 to 65535, not "${values.port}"`);
const snippet = Bun.file(snippetPath);
if (!(await snippet.exists())) fail(`no such file: ${snippetPath}`);
const out = values.out === "-" ? undefined : values.out;

const result = await exportSnippet({
  source: await snippet.text(),
  path: snippetPath,
  target: target as ExportTarget,
  port,
  fileName: out ? basename(out) : undefined,
  tryRequest: values.path === undefined ? undefined : { path: values.path },
});

if (!result.ok) {
  const { error } = result;
  const where =
    error.line === undefined
      ? snippetPath
      : `${snippetPath}:${error.line}${error.column === undefined ? "" : `:${error.column}`}`;
  console.error(`${where}: not exported: ${error.message}`);
  process.exit(1);
}
if (out) {
  await Bun.write(out, result.code);
  const runtime = target === "bun" ? "Bun" : "Deno";
  console.error(
    `wrote ${out} for ${runtime}${result.changes.length > 0 ? `, with ${result.changes.length} change${result.changes.length === 1 ? "" : "s"} listed in its header` : ""}`,
  );
} else {
  process.stdout.write(result.code);
}
