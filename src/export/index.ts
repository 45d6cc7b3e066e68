/**
 * Export a snippet as a standalone server file for Bun or Deno.
 *
 * The implementation loads TypeScript's parser (~200 ms), so it is imported on first use, not
 * when the host starts.
 */

import type { ExportOptions, ExportResult } from "../contract/index.ts";

export type {
  ExportError,
  ExportErrorKind,
  ExportOptions,
  ExportResult,
  ExportTarget,
  TryRequest,
} from "../contract/index.ts";

export async function exportSnippet(options: ExportOptions): Promise<ExportResult> {
  const { exportSnippetNow } = await import("./export-snippet.ts");
  return exportSnippetNow(options);
}
