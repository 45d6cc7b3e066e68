/**
 * Code the Deno export adds to the file when the snippet relies on something Bun does for it:
 * encoding streamed strings, and serving a `routes` table. Written out in full, so the exported
 * file needs nothing else; typed when the snippet is TypeScript.
 */

import { ts } from "./snippet-syntax.ts";

/** `asBytes(body)`: a streamed body with its strings encoded as UTF-8. */
export function asBytesHelper(name: string, typed: boolean): string {
  return typedOrNot(
    typed,
    `/**
 * Added by the export: Deno 2 streams only bytes (Uint8Array) from a response body, where Bun also
 * sends strings. Encodes the strings; bytes pass as they are.
 */
function ${name}(body: AsyncIterable<unknown> | Iterable<unknown> | ReadableStream<unknown>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return ReadableStream.from(body).pipeThrough(
    new TransformStream<unknown, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : (chunk as Uint8Array));
      },
    }),
  );
}
`,
  );
}

/** `withRoutes(options)`: Bun.serve-style options (`routes`, `fetch`, `error`) as Deno.serve's. */
export function withRoutesHelper(name: string, typed: boolean): string {
  return typedOrNot(
    typed,
    `/**
 * Added by the export: Bun.serve's routes, for Deno.serve, which has none. Routes match as in
 * Bun 1.4: exact paths first, then paths with :params (decoded, on req.params), then /* wildcards.
 * A Response answers every method; a path with no route, or no route for the method, goes to
 * fetch, else it is a 404.
 */
function ${name}(options: {
  port?: number;
  hostname?: string;
  routes?: Record<string, unknown>;
  fetch?: (req: Request) => Response | Promise<Response>;
  error?: (error: Error) => Response | Promise<Response>;
}) {
  const routes = options.routes ?? {};
  const rank = (pattern: string) => (pattern.includes("*") ? 2 : pattern.includes(":") ? 1 : 0);
  const patterns = Object.keys(routes).sort((a, b) => rank(a) - rank(b));

  function match(pattern: string, pathname: string): Record<string, string> | undefined {
    const want = pattern.split("/");
    const got = pathname.split("/");
    const params: Record<string, string> = {};
    for (const [i, segment] of want.entries()) {
      if (segment === "*" && i === want.length - 1) return got.length >= want.length ? params : undefined;
      const part = got[i];
      if (part === undefined) return undefined;
      if (segment.startsWith(":") && part !== "") params[segment.slice(1)] = decodeURIComponent(part);
      else if (segment !== part) return undefined;
    }
    return got.length === want.length ? params : undefined;
  }

  return {
    port: options.port,
    hostname: options.hostname,
    onError: options.error && ((error: unknown) => options.error!(error as Error)),
    handler(req: Request): Response | Promise<Response> {
      const { pathname } = new URL(req.url);
      for (const pattern of patterns) {
        const params = match(pattern, pathname);
        if (!params) continue;
        let route = routes[pattern];
        if (route && typeof route === "object" && !(route instanceof Response)) {
          const byMethod = route as Record<string, unknown>;
          route = byMethod[req.method] ?? (req.method === "HEAD" ? byMethod.GET : undefined);
        }
        if (route instanceof Response) return route.clone();
        if (typeof route === "function") return route(Object.assign(req, { params }));
        break;
      }
      return options.fetch ? options.fetch(req) : new Response(null, { status: 404 });
    },
  };
}
`,
  );
}

/** The helper as written, or with its types taken out for a JavaScript snippet. */
export function typedOrNot(typed: boolean, code: string): string {
  if (typed) return code;
  return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext } })
    .outputText;
}
