/**
 * Export a snippet as a standalone server file for Bun or Deno.
 *
 * The implementation loads TypeScript's parser (~200 ms), so it is imported on first use, not
 * when the host starts.
 */

import type { ExportOptions, ExportResult } from "../contract/index.ts";
import type { TryCommandOptions } from "./try-command.ts";

export type {
  ExportError,
  ExportErrorKind,
  ExportOptions,
  ExportResult,
  ExportTarget,
  TryRequest,
} from "../contract/index.ts";
export type { TryCommandOptions } from "./try-command.ts";

export async function exportSnippet(options: ExportOptions): Promise<ExportResult> {
  const { exportSnippetNow } = await import("./export-snippet.ts");
  return exportSnippetNow(options);
}

/** The line that tries a snippet served on `port`: `curl -N` at its likeliest streaming route, or a WebSocket client. */
export async function tryCommand(options: TryCommandOptions): Promise<string> {
  const { tryCommandNow } = await import("./try-command.ts");
  return tryCommandNow(options);
}

/** The port a snippet names for itself (`Bun.serve({ port: 8080 })`, `app.listen(3000)`), if it names one. */
export async function namedPort(source: string, path: string): Promise<number | undefined> {
  const { namedPortNow } = await import("./named-port.ts");
  return namedPortNow(source, path);
}
