/**
 * Where the snippet declares its handler, found in its syntax: the same forms the playground's
 * loader accepts (`snippet-loader.ts`), located so they can be edited in place.
 */

import type { SnippetForm } from "../contract/index.ts";
import { ExportRefusal } from "./refusal.ts";
import { findAll, isMemberCall, resolveValue, type SnippetSyntax, skipParentheses, ts } from "./snippet-syntax.ts";

/** A `Bun.serve(...)` or `Deno.serve(...)` call. */
export interface ServeCall {
  api: "Bun" | "Deno";
  call: ts.CallExpression;
}

/** How the snippet's default export is written. */
export type DefaultExport =
  /** `export default function name?(…) {…}` */
  | { kind: "function-declaration"; node: ts.FunctionDeclaration }
  /** `export default <expression>` */
  | { kind: "expression"; node: ts.ExportAssignment }
  /** `export { name as default }` */
  | { kind: "specifier"; node: ts.ExportSpecifier; declaration: ts.ExportDeclaration };

export type HandlerShape =
  | {
      form: "default-function" | "default-object" | "default-app";
      defaultExport: DefaultExport;
      serveCalls: ServeCall[];
      value: ts.Node;
    }
  | {
      form: "bun-serve" | "deno-serve";
      serve: ServeCall;
      defaultExport: DefaultExport | undefined;
      serveCalls: ServeCall[];
    }
  | {
      form: "node-http" | "library-serve";
      /**
       * The call that starts the server (`server.listen(8001)`, `app.listen(3000)`, h3's `serve(app)`), when the source
       * shows it.
       */
      listen: ts.CallExpression | undefined;
      defaultExport: DefaultExport | undefined;
      serveCalls: ServeCall[];
    };

/**
 * Finds the handler of the form the playground loaded the snippet as. `form` comes from the
 * playground's own load, so the export never guesses differently from what ran.
 */
export function findHandlerShape(syntax: SnippetSyntax, form: SnippetForm): HandlerShape {
  const importedServe = bunServeImports(syntax);
  const isBunServe = (node: ts.Node) =>
    isMemberCall(node, "Bun", "serve") ||
    (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && importedServe.has(node.expression.text));
  const serveCalls = findAll(
    syntax.file,
    (node): node is ts.CallExpression => isBunServe(node) || isMemberCall(node, "Deno", "serve"),
  ).map((call): ServeCall => ({ api: isBunServe(call) ? "Bun" : "Deno", call }));
  const defaultExport = findDefaultExport(syntax);
  switch (form) {
    case "bun-serve":
    case "deno-serve": {
      const api = form === "bun-serve" ? "Bun" : "Deno";
      const serve = serveCalls.find((call) => call.api === api);
      if (!serve) throw notFound(`a ${api}.serve() call`);
      return { form, serve, defaultExport, serveCalls };
    }
    case "default-function":
    case "default-object":
    case "default-app": {
      if (!defaultExport) throw notFound("the default export");
      return { form, defaultExport, serveCalls, value: defaultValue(defaultExport) };
    }
    case "library-serve":
    case "node-http":
      return { form, listen: findListenCall(syntax, form), defaultExport, serveCalls };
  }
  const _never: never = form;
  throw new Error(`unknown form ${String(_never)}`);
}

/** Local names of `serve` imported from "bun" (`import { serve } from "bun"`, as Bun's API reference writes it). */
function bunServeImports(syntax: SnippetSyntax): Set<string> {
  const names = new Set<string>();
  for (const statement of syntax.file.statements) {
    if (
      !ts.isImportDeclaration(statement) ||
      !ts.isStringLiteral(statement.moduleSpecifier) ||
      statement.moduleSpecifier.text !== "bun"
    )
      continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements)
      if ((element.propertyName ?? element.name).text === "serve" && !element.isTypeOnly) names.add(element.name.text);
  }
  return names;
}

/**
 * The first call that starts a server the way the form says: `.listen(...)` for node:http (and
 * Elysia), or a `serve(...)` other than `Bun.serve`/`Deno.serve` for a library (h3's).
 */
function findListenCall(syntax: SnippetSyntax, form: "node-http" | "library-serve"): ts.CallExpression | undefined {
  return findAll(syntax.file, (node): node is ts.CallExpression => {
    if (!ts.isCallExpression(node)) return false;
    const callee = node.expression;
    const name = ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : ts.isIdentifier(callee)
        ? callee.text
        : undefined;
    if (name === "listen" && ts.isPropertyAccessExpression(callee)) return true;
    return (
      form === "library-serve" &&
      name === "serve" &&
      !isMemberCall(node, "Bun", "serve") &&
      !isMemberCall(node, "Deno", "serve")
    );
  })[0];
}

function notFound(what: string): ExportRefusal {
  return new ExportRefusal(
    "unsupported",
    `the playground served this snippet, but the export could not find ${what} in its source (is it built at run time?)`,
  );
}

function findDefaultExport(syntax: SnippetSyntax): DefaultExport | undefined {
  for (const statement of syntax.file.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) return { kind: "expression", node: statement };
    if (
      ts.isFunctionDeclaration(statement) &&
      hasModifier(statement, ts.SyntaxKind.ExportKeyword) &&
      hasModifier(statement, ts.SyntaxKind.DefaultKeyword)
    ) {
      return { kind: "function-declaration", node: statement };
    }
    if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      const specifier = statement.exportClause.elements.find((element) => element.name.text === "default");
      if (specifier) return { kind: "specifier", node: specifier, declaration: statement };
    }
  }
  return undefined;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}

/** What the default export is, followed through a name to its declaration where the snippet shows it. */
function defaultValue(defaultExport: DefaultExport): ts.Node {
  switch (defaultExport.kind) {
    case "function-declaration":
      return defaultExport.node;
    case "expression":
      return resolveValue(defaultExport.node.expression);
    case "specifier":
      return resolveValue(defaultExport.node.propertyName ?? defaultExport.node.name);
  }
}

/** The object literal a default export or a serve call's options are, when written inline (or as a const). */
export function objectLiteral(node: ts.Node | undefined): ts.ObjectLiteralExpression | undefined {
  if (!node) return undefined;
  const value = ts.isExpression(node) ? resolveValue(skipParentheses(node)) : node;
  return ts.isObjectLiteralExpression(value) ? value : undefined;
}
