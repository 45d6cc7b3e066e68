/**
 * Loads one version of a snippet as a module and finds its handler, in whichever form it was
 * written: a default export (function or `{ fetch, routes, error }` object), a top-level
 * `Bun.serve({...})`, or a top-level `Deno.serve(...)`.
 *
 * The source is served to Bun's module loader through a plugin at a virtual path beside the
 * snippet's file, so imports resolve from its folder and error positions are the snippet's own.
 */

import type { Server } from "bun";
import type { LoadFailure, Notice, SnippetForm } from "../contract/index.ts";
import { findPitfalls } from "./snippet-pitfalls.ts";
import { captureServeCalls, type CapturedServe } from "./serve-capture.ts";
import { snippetPosition, virtualSnippetFilter, virtualSnippetPath } from "./snippet-paths.ts";
import { nativeClearTimeout, nativeSetTimeout } from "./native-globals.ts";

/** A request handler as Bun calls it. */
export type FetchHandler = (request: Request, server: Server<unknown>) => unknown;

/** The handler set a snippet declared, before instrumentation. */
export interface SnippetHandlers {
  fetch?: FetchHandler | undefined;
  routes?: Record<string, unknown> | undefined;
  error?: ((error: Error) => unknown) | undefined;
  /** Seconds; applied per request with `server.timeout`, since it cannot change on a live server. */
  idleTimeout?: number | undefined;
}

export type SnippetLoad =
  | { ok: true; form: SnippetForm; handlers: SnippetHandlers; notices: Notice[] }
  | { ok: false; failure: LoadFailure; message: string; line?: number | undefined; column?: number | undefined; module?: string | undefined };

export interface SnippetLoaderOptions {
  /** The runner's server, handed to snippets that call `Bun.serve` and to `Deno.serve`'s `onListen`. */
  server: () => Server<unknown>;
  /** How long top-level code may await before the load is given up. */
  topLevelTimeoutMs: number;
}

export function createSnippetLoader(options: SnippetLoaderOptions) {
  const sources = new Map<string, string>();
  let topLevelTimeoutMs = options.topLevelTimeoutMs;

  Bun.plugin({
    name: "stream-playground-snippets",
    setup(build) {
      build.onResolve({ filter: virtualSnippetFilter }, (args) => ({ path: args.path, namespace: "file" }));
      build.onLoad({ filter: virtualSnippetFilter }, (args) => {
        const contents = sources.get(args.path);
        if (contents === undefined) throw new Error(`no snippet source for ${args.path}`);
        // The module registry keeps its own copy; ours is only needed until it has been parsed.
        sources.delete(args.path);
        return { contents, loader: /\.[cm]?jsx?$/.test(args.path) ? "jsx" : "tsx" };
      });
    },
  });

  async function importWithTimeout(path: string): Promise<Record<string, unknown>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = nativeSetTimeout(() => reject(new TopLevelTimeout(topLevelTimeoutMs)), topLevelTimeoutMs);
    });
    try {
      return (await Promise.race([import(path), timeout])) as Record<string, unknown>;
    } finally {
      nativeClearTimeout(timer);
    }
  }

  return {
    /** Loads `source` as version `version` of the snippet at `snippetPath`. */
    async load(version: number, source: string, snippetPath: string): Promise<SnippetLoad> {
      const path = virtualSnippetPath(snippetPath, version);
      sources.set(path, source);
      const serveCalls: CapturedServe[] = [];
      let exports: Record<string, unknown>;
      const restore = captureServeCalls(serveCalls, options.server);
      try {
        exports = await importWithTimeout(path);
      } catch (error) {
        return describeLoadError(error, source);
      } finally {
        restore();
        sources.delete(path);
      }
      return findHandlers(exports, serveCalls, source, options.server().url.href);
    },

    setTopLevelTimeout(ms: number): void {
      topLevelTimeoutMs = ms;
    },

  };
}

class TopLevelTimeout extends Error {
  constructor(ms: number) {
    super(`the snippet's top-level code did not finish within ${ms} ms (an await that never settles?)`);
  }
}

function findHandlers(exports: Record<string, unknown>, serveCalls: CapturedServe[], source: string, url: string): SnippetLoad {
  const notices: Notice[] = findPitfalls(source);
  const fallback = exports.default;
  const [first, ...extra] = serveCalls;
  if (first) {
    for (const call of extra) {
      notices.push({ message: `only the first ${first.api}.serve() call is served; this one is ignored`, line: call.line });
    }
    if (fallback !== undefined) {
      notices.push({ message: `the default export is ignored because the snippet calls ${first.api}.serve()` });
    }
    for (const option of first.ignoredOptions) {
      notices.push({ message: ignoredOptionMessage(option, first, url), line: first.line });
    }
    return { ok: true, form: first.api === "Bun" ? "bun-serve" : "deno-serve", handlers: first.handlers, notices };
  }
  if (typeof fallback === "function") {
    return { ok: true, form: "default-function", handlers: { fetch: fallback as FetchHandler }, notices };
  }
  if (fallback !== null && typeof fallback === "object") {
    const object = fallback as Record<string, unknown>;
    if (typeof object.fetch === "function" || (object.routes !== null && typeof object.routes === "object")) {
      for (const option of ["port", "hostname", "unix", "tls", "websocket"]) {
        if (object[option] !== undefined) notices.push({ message: ignoredOptionMessage(option, undefined, url) });
      }
      return {
        ok: true,
        form: "default-object",
        handlers: {
          fetch: typeof object.fetch === "function" ? (object.fetch as FetchHandler).bind(object) : undefined,
          routes: object.routes as Record<string, unknown> | undefined,
          error: typeof object.error === "function" ? (object.error as (error: Error) => unknown).bind(object) : undefined,
          idleTimeout: typeof object.idleTimeout === "number" ? object.idleTimeout : undefined,
        },
        notices,
      };
    }
  }
  return {
    ok: false,
    failure: "no-handler",
    message:
      "no handler found: export a default function (req, server) => Response, export default { fetch }, or call Bun.serve({ fetch }) or Deno.serve(handler)",
    line: 1,
    column: 1,
  };
}

function ignoredOptionMessage(option: string, call: CapturedServe | undefined, url: string): string {
  const where = call ? `${call.api}.serve()` : "the default export";
  if (option === "port" || option === "hostname") {
    return `${where}'s ${option} is ignored in the playground: it serves this snippet at ${url}`;
  }
  return `${where}'s ${option} option is not supported in the playground and is ignored`;
}

/** Turns whatever `import()` threw into a load failure with a position in the snippet. */
function describeLoadError(error: unknown, source: string): SnippetLoad {
  if (error instanceof TopLevelTimeout) {
    return { ok: false, failure: "top-level-timeout", message: error.message };
  }
  const built = buildMessages(error);
  if (built.length > 0) {
    const [first] = built;
    const more = built.length > 1 ? ` (and ${built.length - 1} more)` : "";
    return { ok: false, failure: "syntax", message: `${first!.message}${more}`, line: first!.line, column: first!.column };
  }
  if (isResolveMessage(error)) {
    const line = lineOfImport(source, error.specifier);
    return {
      ok: false,
      failure: "module-not-found",
      message: `cannot find module '${error.specifier}'`,
      module: error.specifier,
      line,
      column: line === undefined ? undefined : 1,
    };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const position = snippetPosition(err.stack);
  return { ok: false, failure: "top-level-throw", message: `${err.name}: ${err.message}`, line: position?.line, column: position?.column };
}

interface PositionedMessage {
  message: string;
  line: number;
  column: number;
}

/** Bun reports parse errors as a BuildMessage, or an AggregateError of them. */
function buildMessages(error: unknown): PositionedMessage[] {
  const candidates = error instanceof AggregateError ? error.errors : [error];
  const found: PositionedMessage[] = [];
  for (const candidate of candidates) {
    if (candidate === null || typeof candidate !== "object") continue;
    const { name, message, position } = candidate as { name?: unknown; message?: unknown; position?: unknown };
    if (name !== "BuildMessage" || typeof message !== "string") continue;
    const { line, column } = (position ?? {}) as { line?: unknown; column?: unknown };
    found.push({ message, line: typeof line === "number" ? line : 1, column: typeof column === "number" ? column : 1 });
  }
  return found;
}

function isResolveMessage(error: unknown): error is { specifier: string } {
  return error !== null && typeof error === "object" && (error as { name?: unknown }).name === "ResolveMessage" && typeof (error as { specifier?: unknown }).specifier === "string";
}

function lineOfImport(source: string, specifier: string): number | undefined {
  const lines = source.split(/\r\n|\r|\n/);
  const quoted = [`"${specifier}"`, `'${specifier}'`, `\`${specifier}\``];
  const index = lines.findIndex((line) => quoted.some((q) => line.includes(q)));
  return index === -1 ? undefined : index + 1;
}
