/**
 * Surgical edits to an object literal the author wrote (`Bun.serve({...})`, a default export):
 * set or add one property, rename a key, drop a property. Nothing else in the object moves.
 */

import { propertyName, type SnippetSyntax, startOf, ts } from "./snippet-syntax.ts";
import type { TextEdits } from "./text-edits.ts";

export function findProperty(
  object: ts.ObjectLiteralExpression,
  name: string,
): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find((property) => propertyName(property) === name);
}

/** The value of a `name: value` or `name() {}` property: the expression, or the method itself. */
export function propertyValue(
  property: ts.ObjectLiteralElementLike | undefined,
): ts.Expression | ts.MethodDeclaration | undefined {
  if (!property) return undefined;
  if (ts.isPropertyAssignment(property)) return property.initializer;
  if (ts.isShorthandPropertyAssignment(property)) return property.name;
  if (ts.isMethodDeclaration(property)) return property;
  return undefined;
}

/** The port an object names: a number, `"dynamic"` when it is computed, or undefined when it has none. */
export function portOf(object: ts.ObjectLiteralExpression): number | "dynamic" | undefined {
  const value = propertyValue(findProperty(object, "port"));
  if (value === undefined) return undefined;
  return ts.isNumericLiteral(value) ? Number(value.text) : "dynamic";
}

/** Sets `port` to `port`: edits the value if the property is there, adds it as the first property if not. */
export function setPort(
  syntax: SnippetSyntax,
  edits: TextEdits,
  object: ts.ObjectLiteralExpression,
  port: number,
): void {
  const existing = findProperty(object, "port");
  if (existing && ts.isPropertyAssignment(existing)) {
    edits.replace(startOf(syntax, existing.initializer), existing.initializer.end, String(port));
  } else if (existing) {
    edits.replace(startOf(syntax, existing), existing.end, `port: ${port}`);
  } else {
    addFirstProperty(syntax, edits, object, `port: ${port}`);
  }
}

/** Adds `text` (`name: value`) before the object's first property, in the object's own layout. */
export function addFirstProperty(
  syntax: SnippetSyntax,
  edits: TextEdits,
  object: ts.ObjectLiteralExpression,
  text: string,
): void {
  const first = object.properties[0];
  const open = startOf(syntax, object);
  if (!first) {
    edits.replace(open, object.end, `{ ${text} }`);
    return;
  }
  const firstStart = startOf(syntax, first);
  const lineStart = syntax.source.lastIndexOf("\n", firstStart - 1) + 1;
  const multiLine = lineStart > open;
  const indent = /^[ \t]*/.exec(syntax.source.slice(lineStart, firstStart))?.[0] ?? "";
  edits.insert(firstStart, multiLine ? `${text},\n${indent}` : `${text}, `);
}

/**
 * Renames a property's key, keeping its value: `fetch(req) {}` → `handler(req) {}`, `{ fetch }` → `{ handler: fetch }`.
 */
export function renameKey(
  syntax: SnippetSyntax,
  edits: TextEdits,
  property: ts.ObjectLiteralElementLike,
  to: string,
): void {
  const name = property.name;
  if (!name) return;
  if (ts.isShorthandPropertyAssignment(property))
    edits.replace(startOf(syntax, name), name.end, `${to}: ${property.name.text}`);
  else edits.replace(startOf(syntax, name), name.end, to);
}

/** Removes a property with its comma, the comments above it and a comment after it on its line. */
export function removeProperty(syntax: SnippetSyntax, edits: TextEdits, property: ts.ObjectLiteralElementLike): void {
  const { source } = syntax;
  let end = property.end;
  const comma = /^[ \t]*,/.exec(source.slice(end));
  if (comma) end += comma[0].length;
  for (const comment of ts.getTrailingCommentRanges(source, end) ?? []) {
    if (!source.slice(end, comment.pos).includes("\n")) end = comment.end;
  }
  // From the end of the line before (keeping a comment there, which belongs to the property above).
  let start = property.getFullStart();
  const lineBreak = source.indexOf("\n", start);
  if (lineBreak !== -1 && lineBreak < startOf(syntax, property))
    start = source[lineBreak - 1] === "\r" ? lineBreak - 1 : lineBreak;
  edits.remove(start, end);
}
