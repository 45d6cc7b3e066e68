/**
 * The default export becomes a local name the exported file can hand to `Bun.serve` or
 * `Deno.serve`: `export default function (req) {…}` → `function handler(req) {…}`,
 * `export default {…}` → `const app = {…}`. Only the `export default` words change.
 */

import type { DefaultExport } from "./handler-shape.ts";
import { freeName, type SnippetSyntax, startOf, ts } from "./snippet-syntax.ts";
import type { TextEdits } from "./text-edits.ts";

/** Rewrites the default export as a local declaration and returns the name it now has. */
export function unexportDefault(
  syntax: SnippetSyntax,
  edits: TextEdits,
  defaultExport: DefaultExport,
  preferred: string,
): string {
  const { source } = syntax;
  switch (defaultExport.kind) {
    case "function-declaration": {
      const { node } = defaultExport;
      const modifiers = ts.getModifiers(node) ?? [];
      const exportKeyword = modifiers.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const defaultKeyword = modifiers.find((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (exportKeyword && defaultKeyword) {
        const after = /^\s*/.exec(source.slice(defaultKeyword.end))?.[0].length ?? 0;
        edits.remove(startOf(syntax, exportKeyword), defaultKeyword.end + after);
      }
      if (node.name) return node.name.text;
      const name = freeName(syntax, preferred);
      // `function (req)` / `function* (req)` → `function handler(req)`: the gap before "(" takes the name.
      const afterKeyword = node.asteriskToken
        ? node.asteriskToken.end
        : source.indexOf("function", defaultKeyword?.end ?? startOf(syntax, node)) + "function".length;
      const open = source.indexOf("(", afterKeyword);
      edits.replace(afterKeyword, open, ` ${name}`);
      return name;
    }
    case "expression": {
      const { node } = defaultExport;
      const expression = node.expression;
      if (ts.isIdentifier(expression)) {
        removeStatement(syntax, edits, node);
        return expression.text;
      }
      const name = freeName(syntax, preferred);
      edits.replace(startOf(syntax, node), startOf(syntax, expression), `const ${name} = `);
      // Without its semicolon, a line after it that starts with "(" or "[" would continue the declaration.
      if (source[node.end - 1] !== ";") edits.insert(node.end, ";");
      return name;
    }
    case "specifier": {
      const { node, declaration } = defaultExport;
      const local = node.propertyName && ts.isIdentifier(node.propertyName) ? node.propertyName.text : node.name.text;
      const elements = (declaration.exportClause as ts.NamedExports).elements;
      if (elements.length === 1) {
        removeStatement(syntax, edits, declaration);
      } else {
        const index = elements.indexOf(node);
        const next = elements[index + 1];
        const previous = elements[index - 1];
        if (next) edits.remove(startOf(syntax, node), startOf(syntax, next));
        else if (previous) edits.remove(previous.end, node.end);
      }
      return local;
    }
  }
}

/** Removes a statement, and its line when nothing else is on it. */
export function removeStatement(syntax: SnippetSyntax, edits: TextEdits, node: ts.Node): void {
  const { source } = syntax;
  let start = startOf(syntax, node);
  let end = node.end;
  const lineStart = source.lastIndexOf("\n", start - 1) + 1;
  const rest = /^[ \t]*(\r?\n|$)/.exec(source.slice(end));
  if (/^[ \t]*$/.test(source.slice(lineStart, start)) && rest) {
    start = lineStart;
    end += rest[0].length;
  }
  edits.remove(start, end);
}
