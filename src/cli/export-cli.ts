/**
 * `stream-playground export <snippet.ts> --target bun|deno [-o server.ts] [--port 3000] [--path /events]`
 * (`npm run export --` in a checkout): write the snippet as a standalone server file. Exits 0 when it was written, 1 when the export
 * was refused (nothing is written then) or the file could not be written, 2 on a usage error.
 */

import { basename } from "node:path";
import { parseArgs } from "node:util";
import { countWithNoun, errorMessage } from "../contract/index.ts";
import { exportSnippet, type ExportTarget } from "../export/index.ts";
import { joinNegativeValues, lessonTryRequest } from "../shared/index.ts";
import { outputFileProblem, writeOutputFile } from "./output-file.ts";
import { writeAll } from "./terminal-output.ts";
import { printVersion } from "./version.ts";

export const exportUsage = `usage: stream-playground export <snippet.ts> [options]

Writes the snippet as a standalone server file for Bun or Deno, which runs without the playground.
Exit codes: 0 it was written, 1 the export was refused (nothing is written) or the file could not
be written, 2 a usage error.

  --target bun|deno   the runtime the file is for (default bun)
  -o, --out FILE      where to write it; - or none writes to standard output
  --port N            the port it listens on (default: the snippet's own, else 3000)
  --path /events      the path the header's curl line requests (default: guessed from the snippet)
  --help              this text
  --version           the version`;

function fail(message: string): never {
  console.error(`${message}\n\n${exportUsage}`);
  process.exit(2);
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, ["port"]),
      allowPositionals: true,
      options: {
        target: { type: "string" },
        out: { type: "string", short: "o" },
        port: { type: "string" },
        path: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (error) {
    return fail(errorMessage(error));
  }
}

/** Runs the command; exits the process with its exit code. */
export async function exportCommand(argv: readonly string[]): Promise<never> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(exportUsage);
    process.exit(0);
  }
  if (values.version) await printVersion();
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
  if (out !== undefined) {
    const problem = await outputFileProblem(out);
    if (problem !== undefined) fail(`-o ${out} cannot be written: ${problem}`);
  }

  const result = await exportSnippet({
    source: await snippet.text(),
    path: snippetPath,
    target: target as ExportTarget,
    port,
    fileName: out ? basename(out) : undefined,
    tryRequest: values.path === undefined ? await lessonTryRequest(snippetPath) : { path: values.path },
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
    const problem = await writeOutputFile(out, result.code);
    if (problem !== undefined) {
      console.error(`could not write ${out}: ${problem}`);
      process.exit(1);
    }
    const runtime = target === "bun" ? "Bun" : "Deno";
    console.error(
      `wrote ${out} for ${runtime}${result.changes.length > 0 ? `, with ${countWithNoun(result.changes.length, "change")} listed in its header` : ""}`,
    );
  } else {
    await writeAll(process.stdout, result.code);
  }
  process.exit(0);
}

if (import.meta.main) await exportCommand(process.argv.slice(2));
