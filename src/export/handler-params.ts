/**
 * What a handler does with its second parameter. Bun passes the server (`server.timeout`,
 * `server.requestIP`), Deno passes connection info (`info.remoteAddr`): code that uses one does
 * not run on the other as it is.
 */

import { declarationOf, findAll, resolveValue, skipParentheses, ts } from "./snippet-syntax.ts";

export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** The function a handler value is, when the snippet writes it (inline, or as a named function or const). */
export function handlerFunction(value: ts.Node | undefined): FunctionNode | undefined {
  if (!value) return undefined;
  const resolved = ts.isExpression(value) ? resolveValue(skipParentheses(value)) : value;
  if (
    ts.isFunctionDeclaration(resolved) ||
    ts.isFunctionExpression(resolved) ||
    ts.isArrowFunction(resolved) ||
    ts.isMethodDeclaration(resolved)
  )
    return resolved;
  return undefined;
}

export interface SecondParameter {
  parameter: ts.ParameterDeclaration;
  /** Every place the body uses it; empty when it is only declared. */
  uses: ts.Identifier[];
  /** Set when it is destructured (`(req, { requestIP })`): every property it takes is a use. */
  pattern: ts.BindingPattern | undefined;
}

export function secondParameter(fn: FunctionNode): SecondParameter | undefined {
  const parameter = fn.parameters[1];
  if (!parameter) return undefined;
  if (!ts.isIdentifier(parameter.name)) return { parameter, uses: [], pattern: parameter.name };
  const uses = fn.body ? referencesTo(fn.body, parameter.name.text, parameter) : [];
  return { parameter, uses, pattern: undefined };
}

/** Every identifier under `root` that reads the variable or parameter `declaration`, named `name`. */
export function referencesTo(root: ts.Node, name: string, declaration: ts.Node): ts.Identifier[] {
  return findAll(
    root,
    (node): node is ts.Identifier =>
      ts.isIdentifier(node) && node.text === name && isReference(node) && declarationOf(name, node) === declaration,
  );
}

/** An identifier that reads a variable, not a property name or a declaration of its own. */
export function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) &&
    parent.name === node
  )
    return false;
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isBindingElement(parent)) &&
    parent.name === node
  )
    return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent)) return false;
  return true;
}

/** `server.timeout(req, n);` as a statement of its own, which the Deno export can drop. */
export function timeoutStatement(use: ts.Identifier): ts.ExpressionStatement | undefined {
  const access = use.parent;
  if (!ts.isPropertyAccessExpression(access) || access.expression !== use || access.name.text !== "timeout")
    return undefined;
  const call = access.parent;
  if (!ts.isCallExpression(call) || call.expression !== access) return undefined;
  return ts.isExpressionStatement(call.parent) ? call.parent : undefined;
}
