/**
 * One load, from source to serving: import the version, find its handlers, swap them in with
 * `server.reload`, and report. Whatever throws on the way, including `server.reload` itself (Bun
 * refuses a route without a leading `/`), becomes a load failure with the snippet's line where
 * there is one, and the previous version keeps serving: a load is always answered.
 */

import { errorMessage, type LoadResult } from "../contract/index.ts";
import type { SnippetHandlers } from "./snippet-handlers.ts";
import type { SnippetLoad } from "./snippet-loader.ts";
import { snippetPosition } from "./snippet-paths.ts";

export interface LoadVersionOptions {
  version: number;
  source: string;
  /** The snippet's file. */
  path: string;
  loader: { load(version: number, source: string, path: string): Promise<SnippetLoad> };
  /** Swaps the new handlers in (`server.reload` around the instrumented handlers). */
  reload: (handlers: SnippetHandlers) => void;
  /** The clock `loadMs` is measured on. */
  now?: (() => number) | undefined;
}

export async function loadSnippetVersion(options: LoadVersionOptions): Promise<LoadResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let loaded: SnippetLoad;
  try {
    loaded = await options.loader.load(options.version, options.source, options.path);
  } catch (error) {
    // The loader turns import errors into failures itself; this is the snippet's code running
    // while its handlers were looked for (a getter on the default export that throws).
    const position = snippetPosition(error instanceof Error ? error.stack : undefined);
    return {
      ok: false,
      failure: "top-level-throw",
      message: describeThrow(error),
      line: position?.line,
      column: position?.column,
    };
  }
  if (!loaded.ok) return loaded;
  try {
    options.reload(loaded.handlers);
  } catch (error) {
    const line = lineOfRefusal(errorMessage(error), options.source);
    return {
      ok: false,
      failure: "invalid-handler",
      message: `Bun refused the snippet's handlers: ${errorMessage(error)}`,
      line,
      column: line === undefined ? undefined : 1,
    };
  }
  return { ok: true, form: loaded.form, notices: loaded.notices, loadMs: now() - started };
}

function describeThrow(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Where in the source the thing Bun refused is written. Bun names a refused route in its message
 * (`Invalid route "api". Path must start with '/'`): its key is found as written; failing that,
 * the line that declares `routes`.
 */
function lineOfRefusal(message: string, source: string): number | undefined {
  const lines = source.split(/\r\n|\r|\n/);
  const route = /route "([^"]*)"/.exec(message)?.[1];
  if (route !== undefined) {
    const quoted = [`"${route}"`, `'${route}'`, `\`${route}\``];
    const index = lines.findIndex((line) => quoted.some((q) => line.includes(q)));
    if (index !== -1) return index + 1;
  }
  const routes = lines.findIndex((line) => /\broutes\b/.test(line));
  return routes === -1 ? undefined : routes + 1;
}
