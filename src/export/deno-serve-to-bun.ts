/**
 * `Deno.serve(...)` as `Bun.serve({...})`, for a snippet written for Deno and exported for Bun:
 * the handler moves into the options as `fetch`, `onError` becomes `error`. Only what has a
 * faithful Bun equivalent converts; the rest is refused with its place.
 */

import { findProperty, portOf, propertyValue, renameKey, setPort } from "./object-literal.ts";
import { handlerFunction, referencesTo, secondParameter } from "./handler-params.ts";
import type { ServeCall } from "./handler-shape.ts";
import { choosePort, type PortChoice } from "./port.ts";
import { unsupportedAt } from "./refusal.ts";
import { findAll, propertyName, type SnippetSyntax, startOf, ts } from "./snippet-syntax.ts";
import type { Remark } from "./target-build.ts";
import type { TextEdits } from "./text-edits.ts";

/** Deno.serve options Bun.serve has under the same name (or, for onError, another name). */
const portable = new Set(["port", "hostname", "handler", "onError"]);

export function convertDenoServeToBun(
  syntax: SnippetSyntax,
  edits: TextEdits,
  serve: ServeCall,
  requested: number | undefined,
  changes: Remark[],
): PortChoice {
  const { call } = serve;
  const [first, second] = call.arguments;
  refuseOtherDenoApis(syntax, call);
  refuseUsedResult(syntax, call);
  if (!first) throw unsupportedAt(syntax, call, "Deno.serve() has no handler to export");
  const options = ts.isObjectLiteralExpression(first) ? first : undefined;
  const handler = options ? (second ?? propertyValue(findProperty(options, "handler"))) : first;
  if (!options && second)
    throw unsupportedAt(
      syntax,
      first,
      "Deno.serve's options are not written out here, so the export cannot tell which of them Bun.serve supports",
    );
  if (!handler) throw unsupportedAt(syntax, call, "Deno.serve() has no handler to export");
  refuseInfoParameter(syntax, handler);

  const callee = call.expression as ts.PropertyAccessExpression;
  edits.replace(startOf(syntax, callee.expression), callee.expression.end, "Bun");
  const onErrorNote = options && findProperty(options, "onError") ? " and onError as its error" : "";
  changes.push({
    text: `Deno.serve() became Bun.serve(), with the handler as its fetch${onErrorNote}`,
    at: startOf(syntax, call),
  });

  if (!options || (options.properties.length === 0 && second)) {
    // Deno.serve(handler) or Deno.serve({}, handler) → Bun.serve({ port, fetch: handler })
    const port = choosePort(requested, undefined);
    edits.replace(startOf(syntax, first), startOf(syntax, handler), `{ port: ${port.port}, fetch: `);
    edits.insert(handler.end, " }");
    return port;
  }
  for (const property of options.properties) {
    const name = propertyName(property);
    if (name === undefined || !portable.has(name)) {
      throw unsupportedAt(
        syntax,
        property,
        `Deno.serve's ${name ?? "computed"} option has no Bun.serve equivalent the export can write; export for Deno instead`,
      );
    }
  }
  const port = choosePort(requested, portOf(options));
  if (port.rewrite) setPort(syntax, edits, options, port.port);
  const onError = findProperty(options, "onError");
  if (onError) renameKey(syntax, edits, onError, "error");
  const handlerProperty = findProperty(options, "handler");
  if (handlerProperty) {
    renameKey(syntax, edits, handlerProperty, "fetch");
    return port;
  }
  if (!second) return port;
  // Deno.serve({ … }, handler) → Bun.serve({ …, fetch: handler }): the handler's text moves into the object.
  const { eol } = syntax;
  const last = options.properties.at(-1);
  const multiLine =
    last !== undefined && syntax.source.slice(startOf(syntax, options), startOf(syntax, last)).includes("\n");
  const trailingComma = last ? /^\s*,/.exec(syntax.source.slice(last.end))?.[0] : undefined;
  const afterLast = last ? last.end + (trailingComma?.length ?? 0) : startOf(syntax, options) + 1;
  const indent = last
    ? (/^[ \t]*/.exec(syntax.source.slice(syntax.source.lastIndexOf("\n", startOf(syntax, last)) + 1))?.[0] ?? "")
    : "";
  const closeIndent =
    /^[ \t]*/.exec(syntax.source.slice(syntax.source.lastIndexOf("\n", startOf(syntax, options)) + 1))?.[0] ?? "";
  const comma = trailingComma ? "" : ",";
  const separator = !last ? " " : multiLine ? `${comma}${eol}${indent}` : `${comma} `;
  edits.replace(afterLast, startOf(syntax, second), `${separator}fetch: `);
  edits.insert(second.end, multiLine ? `,${eol}${closeIndent}}` : " }");
  return port;
}

function refuseInfoParameter(syntax: SnippetSyntax, handler: ts.Node): void {
  const fn = handlerFunction(handler);
  const info = fn ? secondParameter(fn) : undefined;
  if (!info || (info.uses.length === 0 && !info.pattern)) return;
  throw unsupportedAt(
    syntax,
    info.uses[0] ?? info.parameter,
    "the handler uses Deno's second argument (connection info); Bun passes the server there instead (info.remoteAddr is server.requestIP(req) in Bun), so rewrite it by hand or export for Deno",
  );
}

/** Only `Deno.serve` has a Bun counterpart the export can write; any other Deno API is refused. */
function refuseOtherDenoApis(syntax: SnippetSyntax, served: ts.CallExpression): void {
  const uses = findAll(
    syntax.file,
    (node): node is ts.PropertyAccessExpression =>
      ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Deno",
  );
  const other = uses.find((use) => use !== served.expression);
  if (other)
    throw unsupportedAt(
      syntax,
      other,
      `Deno.${other.name.text} is Deno's own API, with no Bun equivalent the export can write; export for Deno instead`,
    );
}

/** What Deno.serve returns (`finished`, `shutdown()`, `addr`) differs from Bun's server. */
function refuseUsedResult(syntax: SnippetSyntax, call: ts.CallExpression): void {
  const parent = call.parent;
  if (ts.isExpressionStatement(parent)) return;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const name = parent.name.text;
    const used = referencesTo(syntax.file, name, parent);
    if (used.length === 0) return;
    throw unsupportedAt(
      syntax,
      used[0]!,
      `${name} is what Deno.serve() returns (addr, finished, shutdown()), which Bun's server does not have; export for Deno instead`,
    );
  }
  throw unsupportedAt(
    syntax,
    call,
    "the snippet uses what Deno.serve() returns (addr, finished, shutdown()), which Bun's server does not have; export for Deno instead",
  );
}
