/**
 * Bun's own APIs in a snippet exported for Deno: converted where Deno has a faithful equivalent
 * (`Bun.sleep`, `Bun.env`, `import.meta.dir`, dropping `server.timeout`), refused with the exact
 * place where it has not (`Bun.file`, `type: "direct"` streams, `server.requestIP`, …).
 */

import { handlerFunction, secondParameter, timeoutStatement } from "./handler-params.ts";
import { unsupportedAt } from "./refusal.ts";
import { findAll, freeName, type SnippetSyntax, startOf, textOf, ts } from "./snippet-syntax.ts";
import type { Remark } from "./target-build.ts";
import type { TextEdits } from "./text-edits.ts";

/** Why a Bun API has no conversion, where there is more to say than "Bun's own". */
const refusalHints: Record<string, string> = {
  file: "Deno reads files with Deno.open() or Deno.readFile(), which return other types and need --allow-read",
  write: "Deno writes files with Deno.writeFile(), which takes other arguments and needs --allow-write",
  spawn: "Deno runs processes with new Deno.Command(), which works differently",
  $: "Deno runs processes with new Deno.Command(), which works differently",
  sleepSync: "Deno has no way to block the event loop for a while",
  serve: "the playground serves only the first Bun.serve() call",
};

export interface DenoConversion {
  edits: TextEdits;
  changes: Remark[];
  notes: Remark[];
  permissions: Set<string>;
}

/** Converts or refuses every `Bun.*` use except the serve call the form conversion already handles. */
export function convertBunApis(syntax: SnippetSyntax, out: DenoConversion, servedCallee: ts.Node | undefined): void {
  const { edits, changes } = out;
  for (const node of findAll(syntax.file, (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === "Bun")) {
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.name === node) continue;
    if (ts.isTypeOfExpression(parent)) continue;
    if (
      ts.isTypeReferenceNode(parent) ||
      ts.isQualifiedName(parent) ||
      ts.isImportSpecifier(parent) ||
      ts.isTypeQueryNode(parent)
    )
      continue;
    if (!ts.isPropertyAccessExpression(parent) || parent.expression !== node) {
      throw unsupportedAt(
        syntax,
        node,
        "the snippet uses Bun itself as a value, which Deno does not have; export for Bun instead",
      );
    }
    if (parent === servedCallee) continue;
    const api = parent.name.text;
    const call = ts.isCallExpression(parent.parent) && parent.parent.expression === parent ? parent.parent : undefined;
    if (api === "sleep" && call && call.arguments.length === 1) {
      convertSleep(syntax, edits, call, call.arguments[0]!);
      changes.push({
        text: "Bun.sleep(ms) became a setTimeout promise: Deno has no Bun.sleep",
        at: startOf(syntax, call),
      });
      continue;
    }
    if (api === "env" && !isAssignedTo(parent)) {
      edits.replace(startOf(syntax, parent), parent.end, "process.env");
      out.permissions.add("--allow-env");
      changes.push({
        text: "Bun.env became process.env, which Deno reads with --allow-env",
        at: startOf(syntax, parent),
      });
      continue;
    }
    const hint = refusalHints[api];
    throw unsupportedAt(
      syntax,
      parent,
      `Bun.${api} is Bun's own API${hint ? `: ${hint}` : ", with no Deno equivalent the export can write for you"}. Export for Bun, or rewrite it by hand`,
    );
  }
}

/** `Bun.sleep(ms)` → `new Promise((resolve) => setTimeout(resolve, ms))`, with `ms` left in place. */
function convertSleep(syntax: SnippetSyntax, edits: TextEdits, call: ts.CallExpression, ms: ts.Expression): void {
  // The arrow's parameter would shadow a `resolve` the delay itself reads.
  const readsResolve = findAll(ms, (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === "resolve").length > 0;
  const resolve = readsResolve ? freeName(syntax, "resolve") : "resolve";
  if (ts.isNewExpression(ms) && ts.isIdentifier(ms.expression) && ms.expression.text === "Date") {
    throw unsupportedAt(
      syntax,
      ms,
      "Bun.sleep(date) waits until a date; Deno has no such call. Give it milliseconds, or export for Bun",
    );
  }
  edits.replace(startOf(syntax, call), startOf(syntax, ms), `new Promise((${resolve}) => setTimeout(${resolve}, `);
  edits.replace(ms.end, call.end, "))");
}

function isAssignedTo(node: ts.Node): boolean {
  let target = node;
  while (ts.isPropertyAccessExpression(target.parent) || ts.isElementAccessExpression(target.parent))
    target = target.parent;
  const parent = target.parent;
  return (
    ts.isBinaryExpression(parent) &&
    parent.left === target &&
    parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  );
}

/** `import.meta.dir` and `import.meta.path` are Bun's names for what Deno calls `dirname` and `filename`. */
export function convertImportMeta(syntax: SnippetSyntax, out: DenoConversion): void {
  const renames: Record<string, string> = { dir: "dirname", path: "filename" };
  for (const node of findAll(
    syntax.file,
    (n): n is ts.PropertyAccessExpression =>
      ts.isPropertyAccessExpression(n) &&
      ts.isMetaProperty(n.expression) &&
      n.expression.keywordToken === ts.SyntaxKind.ImportKeyword,
  )) {
    const name = node.name.text;
    const renamed = renames[name];
    if (renamed) {
      out.edits.replace(startOf(syntax, node.name), node.name.end, renamed);
      out.changes.push({
        text: `import.meta.${name} became import.meta.${renamed}, Deno's name for it`,
        at: startOf(syntax, node),
      });
    } else if (name === "file" || name === "require" || name === "resolveSync") {
      throw unsupportedAt(
        syntax,
        node,
        `import.meta.${name} is Bun's own; export for Bun, or rewrite it with import.meta.filename / import.meta.resolve()`,
      );
    }
  }
}

/** `new ReadableStream({ type: "direct", … })` is Bun's own kind of stream. */
export function refuseDirectStreams(syntax: SnippetSyntax): void {
  const direct = findAll(
    syntax.file,
    (n): n is ts.PropertyAssignment =>
      ts.isPropertyAssignment(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === "type" &&
      ts.isStringLiteralLike(n.initializer) &&
      n.initializer.text === "direct",
  );
  if (direct[0]) {
    throw unsupportedAt(
      syntax,
      direct[0],
      'a type: "direct" ReadableStream (controller.write/flush) is Bun\'s own; Deno streams standard ReadableStreams only. Rewrite it with pull() and controller.enqueue(), or export for Bun',
    );
  }
}

/**
 * Bun passes the server as a handler's second argument; Deno passes connection info there.
 * `server.timeout(req, n);` is dropped (Deno keeps quiet connections open); any other use is refused.
 */
export function convertServerParameter(
  syntax: SnippetSyntax,
  out: DenoConversion,
  handler: ts.Node | undefined,
  removed: Set<ts.Node>,
  provided: ReadonlySet<string> = new Set(),
): void {
  const fn = handlerFunction(handler);
  const server = fn ? secondParameter(fn) : undefined;
  if (!server) return;
  if (server.pattern)
    throw unsupportedAt(
      syntax,
      server.pattern,
      "the handler takes Bun's server apart in its parameters; Deno passes connection info there instead, so export for Bun",
    );
  for (const use of server.uses) {
    const statement = timeoutStatement(use);
    if (statement) {
      if (removed.has(statement)) continue;
      removed.add(statement);
      const call = statement.expression;
      // A comment in its place, so an `if` around it keeps a body and the reader sees what went.
      out.edits.replace(
        startOf(syntax, statement),
        statement.end,
        `/* ${textOf(syntax, call).replaceAll("*/", "* /")} removed: Deno has no idle timeout to turn off */`,
      );
      out.changes.push({
        text: `${textOf(syntax, call)} was removed: Deno does not close a connection for being quiet, so there is no idle timeout to turn off`,
        at: startOf(syntax, statement),
      });
      continue;
    }
    const access = ts.isPropertyAccessExpression(use.parent) && use.parent.expression === use ? use.parent : undefined;
    // The second argument is a helper's server with these methods (the websocket helper's upgrade and publish).
    if (access && provided.has(access.name.text)) continue;
    const what = access ? `${use.text}.${access.name.text}` : use.text;
    const why =
      access?.name.text === "requestIP"
        ? "Deno gives the client's address as the handler's second argument (info.remoteAddr: hostname and port, no family) instead of a server, so it cannot be rewritten faithfully in place"
        : "Deno passes connection info as the handler's second argument, not Bun's server";
    throw unsupportedAt(syntax, use, `${what} is Bun's server API: ${why}. Rewrite it by hand, or export for Bun`);
  }
}
