/**
 * The snippet parsed with TypeScript's own parser, kept with its text: every edit the export makes
 * is a cut at a node's exact position, so everything around it (comments, blank lines, formatting)
 * stays as the author wrote it.
 */

import { extname } from "node:path";
import ts from "typescript";

export { ts };

export interface SnippetSyntax {
  source: string;
  file: ts.SourceFile;
  /** Every identifier name in the snippet, so names the export adds cannot shadow the author's. */
  names: ReadonlySet<string>;
  /** Whether the snippet is TypeScript (so added code may carry types). */
  typed: boolean;
  /** The snippet's line ending, which added lines use too. */
  eol: "\n" | "\r\n";
}

export function parseSnippet(source: string, path: string): SnippetSyntax {
  const ext = extname(path).toLowerCase();
  // The playground loads .ts files with Bun's tsx loader and .js files with its jsx loader.
  const kind = /^\.[cm]?jsx?$/.test(ext) ? ts.ScriptKind.JSX : ts.ScriptKind.TSX;
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, kind);
  const names = new Set<string>();
  walk(file, (node) => {
    if (ts.isIdentifier(node)) names.add(node.text);
  });
  return { source, file, names, typed: kind === ts.ScriptKind.TSX, eol: source.includes("\r\n") ? "\r\n" : "\n" };
}

/** Visits `node` and every node below it, parents first, in source order. */
export function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** Every node below `root` (and `root` itself) that `test` accepts, in source order. */
export function findAll<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T[] {
  const found: T[] = [];
  walk(root, (node) => {
    if (test(node)) found.push(node);
  });
  return found;
}

/** 1-based line and column of a position in the source. */
export function positionOf(syntax: SnippetSyntax, pos: number): { line: number; column: number } {
  const { line, character } = syntax.file.getLineAndCharacterOfPosition(pos);
  return { line: line + 1, column: character + 1 };
}

/** Where a node's own text starts (after its leading comments and whitespace). */
export function startOf(syntax: SnippetSyntax, node: ts.Node): number {
  return node.getStart(syntax.file);
}

export function textOf(syntax: SnippetSyntax, node: ts.Node): string {
  return node.getText(syntax.file);
}

/** `preferred`, or `preferred2`, `preferred3`, … whichever the snippet does not use yet. */
export function freeName(syntax: SnippetSyntax, preferred: string): string {
  let name = preferred;
  for (let n = 2; syntax.names.has(name); n++) name = `${preferred}${n}`;
  return name;
}

/** `Bun.serve` for `isMemberCall(node, "Bun", "serve")`: a call of `object.name(...)`. */
export function isMemberCall(node: ts.Node, object: string, name: string): boolean {
  return ts.isCallExpression(node) && isMemberAccess(node.expression, object, name);
}

/** `object.name`, with both as plain identifiers. */
export function isMemberAccess(node: ts.Node, object: string, name: string): node is ts.PropertyAccessExpression {
  return (
    ts.isPropertyAccessExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === object &&
    node.name.text === name
  );
}

/** The static name of a property (`fetch`, `"fetch"`, `fetch() {}`), if it has one. */
export function propertyName(property: ts.ObjectLiteralElementLike | ts.PropertyName): string | undefined {
  const name = ts.isPropertyName(property) ? property : property.name;
  if (name === undefined) return undefined;
  if (
    ts.isIdentifier(name) ||
    ts.isStringLiteral(name) ||
    ts.isNumericLiteral(name) ||
    ts.isNoSubstitutionTemplateLiteral(name)
  )
    return name.text;
  return undefined;
}

/** The declaration `name` refers to at `from`: the nearest enclosing function, variable or parameter of that name. */
export function declarationOf(name: string, from: ts.Node): ts.Node | undefined {
  for (let scope: ts.Node | undefined = from.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      for (const parameter of scope.parameters)
        if (ts.isIdentifier(parameter.name) && parameter.name.text === name) return parameter;
    }
    const statements =
      ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope)
        ? scope.statements
        : ts.isCaseClause(scope) || ts.isDefaultClause(scope)
          ? scope.statements
          : undefined;
    if (!statements) continue;
    for (const statement of statements) {
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name)
        return statement;
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration;
        }
      }
    }
  }
  return undefined;
}

/** What an identifier stands for, when the snippet says so plainly: a function, or a variable's initializer. */
export function resolveValue(node: ts.Expression, depth = 0): ts.Node {
  const inner = skipParentheses(node);
  if (!ts.isIdentifier(inner) || depth > 4) return inner;
  const declaration = declarationOf(inner.text, inner);
  if (declaration && ts.isFunctionDeclaration(declaration)) return declaration;
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer)
    return resolveValue(declaration.initializer, depth + 1);
  return inner;
}

export function skipParentheses(node: ts.Expression): ts.Expression {
  let inner = node;
  while (
    ts.isParenthesizedExpression(inner) ||
    ts.isAsExpression(inner) ||
    ts.isSatisfiesExpression(inner) ||
    ts.isNonNullExpression(inner)
  )
    inner = inner.expression;
  return inner;
}

/**
 * A number the snippet spells out, directly or through consts and simple arithmetic: `15_000`, `TICK_MS`, `15 * 1000`.
 */
export function constantNumber(node: ts.Expression, depth = 0): number | undefined {
  const inner = skipParentheses(node);
  if (ts.isNumericLiteral(inner)) return Number(inner.text);
  if (ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.MinusToken) {
    const value = constantNumber(inner.operand, depth);
    return value === undefined ? undefined : -value;
  }
  if (ts.isIdentifier(inner) && depth < 4) {
    const declaration = declarationOf(inner.text, inner);
    if (
      declaration &&
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer &&
      ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const
    ) {
      return constantNumber(declaration.initializer, depth + 1);
    }
    return undefined;
  }
  if (ts.isBinaryExpression(inner)) {
    const left = constantNumber(inner.left, depth);
    const right = constantNumber(inner.right, depth);
    if (left === undefined || right === undefined) return undefined;
    switch (inner.operatorToken.kind) {
      case ts.SyntaxKind.AsteriskToken:
        return left * right;
      case ts.SyntaxKind.PlusToken:
        return left + right;
      case ts.SyntaxKind.MinusToken:
        return left - right;
      case ts.SyntaxKind.SlashToken:
        return left / right;
      default:
        return undefined;
    }
  }
  return undefined;
}
