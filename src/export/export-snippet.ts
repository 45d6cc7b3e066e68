/**
 * `exportSnippet`: the snippet as a standalone server file for Bun or Deno. It loads the snippet
 * as the playground does (refusing one that does not load), finds its handler in the syntax,
 * edits only what the target needs, puts a header on top, and loads the result to prove it.
 */

import { basename } from "node:path";
import { buildForBun } from "./bun-target.ts";
import { buildForDeno } from "./deno-target.ts";
import { findHandlerShape } from "./handler-shape.ts";
import { renderHeader } from "./header.ts";
import { idleTimeoutNote } from "./idle-timeout.ts";
import { checkImports } from "./imports.ts";
import { createLoadCheck } from "./load-check.ts";
import { ExportRefusal } from "./refusal.ts";
import { parseSnippet, type SnippetSyntax } from "./snippet-syntax.ts";
import type { Remark, TargetBuild } from "./target-build.ts";
import type { AppliedEdits } from "./text-edits.ts";
import { guessTryRequest, servesWebSockets } from "./try-path.ts";
import type { ExportOptions, ExportResult } from "../contract/index.ts";

export async function exportSnippetNow(options: ExportOptions): Promise<ExportResult> {
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    return {
      ok: false,
      error: { kind: "invalid-options", message: `port must be a whole number from 1 to 65535, not ${options.port}` },
    };
  }
  const check = createLoadCheck();
  try {
    const loaded = await check.load(options.source, options.path);
    if (loaded.kind === "load-error") {
      return {
        ok: false,
        error: {
          kind: "load",
          failure: loaded.failure,
          message: loaded.message,
          line: loaded.line,
          column: loaded.column,
        },
      };
    }
    const syntax = parseSnippet(options.source, options.path);
    const shape = findHandlerShape(syntax, loaded.form);
    const build =
      options.target === "bun" ? buildForBun(syntax, shape, options.port) : buildForDeno(syntax, shape, options.port);
    const imports = checkImports(syntax, options.path, options.target, build.edits);
    build.changes.push(...imports.changes);
    build.notes.push(...imports.notes);
    if (options.target === "bun") {
      const idle = idleTimeoutNote(syntax);
      if (idle) build.notes.push(idle);
    }
    if (build.port.computed)
      build.notes.push({
        text: `the snippet computes its port, which stays as written; the curl line assumes ${build.port.port}`,
      });

    const file = assemble(syntax, build, options);
    // A snippet that starts its own server keeps it; everything else gets the target's serve call.
    const keepsItsServer = loaded.form === "node-http" || loaded.form === "library-serve";
    const expectedForm = keepsItsServer ? loaded.form : options.target === "bun" ? "bun-serve" : "deno-serve";
    const checked = await check.load(file.checkCode, options.path);
    if (checked.kind === "load-error" || checked.form !== expectedForm) {
      const why =
        checked.kind === "load-error"
          ? `${checked.message}${checked.line ? ` (line ${checked.line})` : ""}`
          : `it loads as ${checked.form}, not ${expectedForm}`;
      return {
        ok: false,
        error: {
          kind: "broken-output",
          message: `the exported file does not load in the playground: ${why}. This is a bug in the export; the snippet itself is fine`,
        },
      };
    }
    return { ok: true, code: file.code, changes: file.changes, notes: file.notes };
  } catch (error) {
    if (error instanceof ExportRefusal) return { ok: false, error: error.toError() };
    throw error;
  } finally {
    await check.close();
  }
}

interface AssembledFile {
  code: string;
  /** The same file without target-only edits, for the playground's runner to load. */
  checkCode: string;
  changes: string[];
  notes: string[];
}

/**
 * Header plus edited code. The remarks name lines of the finished file, and the header's own
 * length moves those lines, so the header is rendered until its length stops changing.
 */
function assemble(syntax: SnippetSyntax, build: TargetBuild, options: ExportOptions): AssembledFile {
  const byPlace = (a: Remark, b: Remark) => (a.at ?? -1) - (b.at ?? -1);
  build.changes.sort(byPlace);
  build.notes.sort(byPlace);
  const body = build.edits.apply();
  const checkBody = build.edits.applyForCheck();
  // A #! line has to stay first.
  const shebang = /^#![^\n]*\n/.exec(body.code)?.[0] ?? "";
  let headerLines = 0;
  for (let round = 0; round < 4; round++) {
    const changes = build.changes.map((remark) => render(remark, body, headerLines));
    const notes = build.notes.map((remark) => render(remark, body, headerLines));
    const header = renderHeader({
      target: options.target,
      fileName: options.fileName ?? "server.ts",
      snippetName: basename(options.path),
      port: build.port.port,
      tryRequest: options.tryRequest ?? guessTryRequest(syntax),
      permissions: build.permissions,
      websocket: options.tryRequest?.websocket ?? servesWebSockets(syntax),
      changes,
      notes,
    });
    const lines = header.split("\n").length - 1;
    const headerText = header.replaceAll("\n", syntax.eol);
    if (lines === headerLines || round === 3) {
      return {
        code: shebang + headerText + body.code.slice(shebang.length),
        checkCode: shebang + headerText + checkBody.code.slice(shebang.length),
        changes,
        notes,
      };
    }
    headerLines = lines;
  }
  throw new Error("unreachable");
}

function render(remark: Remark, body: AppliedEdits, headerLines: number): string {
  if (remark.at === undefined) return remark.text;
  const offset = body.outputOffset(remark.at);
  const line = body.code.slice(0, offset).split("\n").length + headerLines;
  return `line ${line}: ${remark.text}`;
}
