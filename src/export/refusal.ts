/**
 * Why the export will not write a file, raised from deep in an analysis and turned into the
 * result's `error` by `exportSnippet`.
 */

import type { ExportError, ExportErrorKind } from "../contract/index.ts";
import { positionOf, type SnippetSyntax, startOf, type ts } from "./snippet-syntax.ts";

export class ExportRefusal extends Error {
  constructor(
    readonly kind: ExportErrorKind,
    message: string,
    readonly line?: number | undefined,
    readonly column?: number | undefined,
  ) {
    super(message);
  }

  toError(): ExportError {
    return { kind: this.kind, message: this.message, line: this.line, column: this.column };
  }
}

/** Refuses with the position of `node` in the snippet. */
export function unsupportedAt(syntax: SnippetSyntax, node: ts.Node, message: string): ExportRefusal {
  const { line, column } = positionOf(syntax, startOf(syntax, node));
  return new ExportRefusal("unsupported", message, line, column);
}
