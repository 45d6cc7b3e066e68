/**
 * Loads one version of a snippet as a module and finds its handler, in whichever form it was
 * written (`find-handlers.ts`): a default export (function, framework app or
 * `{ fetch, routes, error }` object), a top-level `Bun.serve({...})` or `Deno.serve(...)`, a
 * `node:http` server that listens, or a server a library starts.
 *
 * The source is served to Bun's module loader through a plugin at a virtual path beside the
 * snippet's file, so imports resolve from its folder and error positions are the snippet's own.
 */

import type { Server } from "bun";
import type http from "node:http";
import { dirname } from "node:path";
import type { LoadFailed, Notice, SnippetForm } from "../contract/index.ts";
import { findHandlers } from "./find-handlers.ts";
import type { CapturedListen, NodeHttpBridge } from "./node-http-bridge.ts";
import { missingPackageMessage } from "./package-hint.ts";
import { methodExportsProblem } from "./method-exports.ts";
import { findPitfalls } from "./snippet-pitfalls.ts";
import { captureServeCalls, type CapturedServe } from "./serve-capture.ts";
import { withSnippetImportMeta } from "./import-meta.ts";
import { virtualSnippetPath } from "../shared/index.ts";
import { snippetPosition, virtualSnippetFilter } from "./snippet-paths.ts";
import { nativeClearTimeout, nativeSetTimeout } from "./native-globals.ts";
import type { SnippetHandlers } from "./snippet-handlers.ts";

/** A version imported and its handler found, or why not. */
export type SnippetLoad = { ok: true; form: SnippetForm; handlers: SnippetHandlers; notices: Notice[] } | LoadFailed;

export interface SnippetLoaderOptions {
  /** The runner's server, handed to snippets that call `Bun.serve` and to `Deno.serve`'s `onListen`. */
  server: () => Server<unknown>;
  /** How long top-level code may await before the load is given up. */
  topLevelTimeoutMs: number;
  /** Serves the snippet's `node:http` servers through the runner's server. */
  nodeHttp: NodeHttpBridge;
}

/** Loads versions of the snippet as modules, and retires the servers of versions no longer serving. */
export interface SnippetLoader {
  /** Loads `source` as version `version` of the snippet at `snippetPath`. */
  load(version: number, source: string, snippetPath: string): Promise<SnippetLoad>;
  /**
   * `version` is serving now: node:http servers of earlier versions stop taking connections
   * (their open streams run to their end, as streams of a replaced fetch handler do).
   */
  activate(version: number): void;
  /** How long top-level code may await, for the loads from now on. */
  setTopLevelTimeout(ms: number): void;
}

export function createSnippetLoader(options: SnippetLoaderOptions): SnippetLoader {
  const sources = new Map<string, string>();
  let topLevelTimeoutMs = options.topLevelTimeoutMs;
  /** The node:http servers each version started, until a later version is serving. */
  const nodeServers = new Map<number, http.Server[]>();

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
    async load(version: number, source: string, snippetPath: string): Promise<SnippetLoad> {
      const path = virtualSnippetPath(snippetPath, version);
      sources.set(path, withSnippetImportMeta(source, snippetPath));
      const serveCalls: CapturedServe[] = [];
      const listens: CapturedListen[] = [];
      let exports: Record<string, unknown>;
      const restore = captureServeCalls(serveCalls, options.server);
      const restoreListen = options.nodeHttp.capture(listens);
      try {
        exports = await importWithTimeout(path);
        // Fastify's guide listens from a callback or an async start(): after its own async ready().
        if (exports.default === undefined && serveCalls.length === 0 && listens.length === 0)
          await startedLate(serveCalls, listens);
      } catch (error) {
        options.nodeHttp.close(listens.map((listen) => listen.server));
        return describeLoadError(error, source, snippetPath);
      } finally {
        restoreListen();
        restore();
        sources.delete(path);
        // Nothing imports a version again: out of the registry, it is freed once nothing of it runs.
        delete require.cache[path];
      }
      const notices = findPitfalls(source);
      const found = findHandlers(
        { exports, captured: { serveCalls, listens }, url: options.server().url.href, nodeHttp: options.nodeHttp },
        notices,
      );
      // Servers of this version that are not served would only hold a port.
      options.nodeHttp.close(
        listens.filter((listen) => !found.ok || listen !== found.served).map((listen) => listen.server),
      );
      if (!found.ok) {
        const methodExports = methodExportsProblem(exports, source);
        if (methodExports) return { ok: false, failure: "no-handler", ...methodExports };
        return {
          ok: false,
          failure: "no-handler",
          message:
            "no handler found: export a default function (req, server) => Response, export default { fetch } or a framework's app, call Bun.serve({ fetch }) or Deno.serve(handler), or listen with a node:http server (while the snippet loads: within 2 s of its top-level code finishing)",
          line: 1,
          column: 1,
        };
      }
      if (found.served) nodeServers.set(version, [found.served.server]);
      return { ok: true, form: found.form, handlers: found.handlers, notices: found.notices };
    },

    activate(version: number): void {
      for (const [other, servers] of nodeServers) {
        if (other === version) continue;
        options.nodeHttp.close(servers);
        nodeServers.delete(other);
      }
    },

    setTopLevelTimeout(ms: number): void {
      topLevelTimeoutMs = ms;
    },
  };
}

/** How long a load waits, after the module ran, for a server started from a callback or an async function. */
const lateStartMs = 2_000;
/** How often it looks. */
const lateStartPollMs = 10;

/**
 * Waits, up to `lateStartMs`, for a `Bun.serve`, `Deno.serve` or `listen()` that the snippet's
 * top-level code set off without awaiting it (`fastify.listen(opts, callback)`, `start()` with
 * `await app.listen()` inside, a Nest-style bootstrap), and for a captured `node:http` server to
 * be listening. A `listen()` at any depth counts, as long as it comes while the snippet loads.
 */
async function startedLate(serveCalls: readonly CapturedServe[], listens: readonly CapturedListen[]): Promise<void> {
  const started = performance.now();
  const tick = () => new Promise<void>((resolve) => nativeSetTimeout(resolve, lateStartPollMs));
  while (serveCalls.length === 0 && listens.length === 0 && performance.now() - started < lateStartMs) await tick();
  while (listens.some((listen) => !listen.server.listening) && performance.now() - started < lateStartMs) await tick();
}

class TopLevelTimeout extends Error {
  constructor(ms: number) {
    super(`the snippet's top-level code did not finish within ${ms} ms (an await that never settles?)`);
  }
}

/** Turns whatever `import()` threw into a load failure with a position in the snippet. */
function describeLoadError(error: unknown, source: string, snippetPath: string): SnippetLoad {
  if (error instanceof TopLevelTimeout) {
    return { ok: false, failure: "top-level-timeout", message: error.message };
  }
  const built = buildMessages(error);
  if (built.length > 0) {
    const [first] = built;
    const more = built.length > 1 ? ` (and ${built.length - 1} more)` : "";
    return {
      ok: false,
      failure: "syntax",
      message: `${first!.message}${more}`,
      line: first!.line,
      column: first!.column,
    };
  }
  if (isResolveMessage(error)) {
    const line = lineOfImport(source, error.specifier);
    return {
      ok: false,
      failure: "module-not-found",
      message:
        missingPackageMessage(error.specifier, dirname(snippetPath)) ?? `cannot find module '${error.specifier}'`,
      module: error.specifier,
      line,
      column: line === undefined ? undefined : 1,
    };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const position = snippetPosition(err.stack);
  return {
    ok: false,
    failure: "top-level-throw",
    message: `${err.name}: ${err.message}`,
    line: position?.line,
    column: position?.column,
  };
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
  return (
    error !== null &&
    typeof error === "object" &&
    (error as { name?: unknown }).name === "ResolveMessage" &&
    typeof (error as { specifier?: unknown }).specifier === "string"
  );
}

function lineOfImport(source: string, specifier: string): number | undefined {
  const lines = source.split(/\r\n|\r|\n/);
  const quoted = [`"${specifier}"`, `'${specifier}'`, `\`${specifier}\``];
  const index = lines.findIndex((line) => quoted.some((q) => line.includes(q)));
  return index === -1 ? undefined : index + 1;
}
