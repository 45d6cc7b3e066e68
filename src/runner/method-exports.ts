/**
 * Route handlers exported by HTTP method (`export async function GET(request)`), the form of
 * Next.js's App Router, SvelteKit's `+server.ts` and Astro's endpoints, are served by that
 * framework's router, not by a server of their own: a snippet of them alone has nothing to serve.
 * Its load error says so at the first one's line, with the line that serves them, here and under
 * plain `bun`: Bun's `routes`, each method on every path, beside the `fetch` that `bun` needs to
 * serve a default export at all. Next.js's handlers take the Request itself; SvelteKit's and
 * Astro's take a context object (`{ request, url, params }`), which the suggested line builds.
 */

/** The methods a route module exports handlers under. */
const routeMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export interface MethodExportsProblem {
  message: string;
  line: number;
  column: number;
}

/** Why a snippet that exports only method handlers serves nothing, or undefined when it exports none. */
export function methodExportsProblem(
  exports: Record<string, unknown>,
  source: string,
): MethodExportsProblem | undefined {
  const methods = routeMethods.filter((method) => typeof exports[method] === "function");
  const [first] = methods;
  if (first === undefined) return undefined;
  const exported = methods.map((method) => `export function ${method}`).join(", ");
  // Each handler as it takes its argument: the Request itself, or a context built from it.
  const withContext = methods.filter((method) => takesContext(exports[method] as (...args: unknown[]) => unknown));
  const routes = methods.map((method) =>
    withContext.includes(method)
      ? `${method}: (request) => ${method}({ request, url: new URL(request.url), params: {} })`
      : method,
  );
  const serving = `export default { routes: { "/*": { ${routes.join(", ")} } }, fetch: () => new Response("Not Found", { status: 404 }) };`;
  const form =
    withContext.length > 0
      ? "as SvelteKit and Astro write them, taking the framework's context ({ request, url, params }) rather than a Request,"
      : "as Next.js's App Router writes them,";
  return {
    message: `no handler found: route handlers exported by method (${exported}), ${form} are served by a framework's router, not by a server of their own. To serve them on every path, here and under \`bun\`, add: ${serving}`,
    ...declarationOf(first, source),
  };
}

/**
 * Whether a handler's first parameter is a framework's context object rather than a Request:
 * destructured (`({ params, request })`), or named as one (`event`, `context`, `ctx`).
 */
function takesContext(handler: (...args: unknown[]) => unknown): boolean {
  const text = Function.prototype.toString.call(handler);
  const parameter = /^\s*(?:async\s*)?(?:function\s*\*?\s*[\w$]*\s*)?\(?\s*([{\w$])([\w$]*)/.exec(text);
  if (!parameter) return false;
  const [, start, rest] = parameter;
  return start === "{" || /^(event|context|ctx)$/.test(`${start}${rest}`);
}

/** Where `name` is exported: `export async function GET`, `export const GET =`, `export { handler as GET }`. */
function declarationOf(name: string, source: string): { line: number; column: number } {
  const declaration = new RegExp(
    `^(\\s*export\\s+(?:(?:async\\s+)?function\\s*\\*?\\s*|(?:const|let|var)\\s+)|.*\\bas\\s+)${name}\\b`,
  );
  const lines = source.split("\n");
  for (const [index, text] of lines.entries()) {
    const match = declaration.exec(text);
    if (match) return { line: index + 1, column: (match[1]?.length ?? 0) + 1 };
  }
  return { line: 1, column: 1 };
}
