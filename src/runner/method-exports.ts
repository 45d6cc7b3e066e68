/**
 * Route handlers exported by HTTP method (`export async function GET(request)`), the form of
 * Next.js's App Router, are served by that framework's router, not by a server of their own: a
 * snippet of them alone has nothing to serve. Its load error says so at the first one's line, with
 * the line that serves them, here and under plain `bun`: Bun's `routes`, each method on every path,
 * beside the `fetch` that `bun` needs to serve a default export at all.
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
  return {
    message: `no handler found: route handlers exported by method (${exported}), as Next.js's App Router writes them, are served by a framework's router, not by a server of their own. To serve them on every path, here and under \`bun\`, add: export default { routes: { "/*": { ${methods.join(", ")} } }, fetch: () => new Response("Not Found", { status: 404 }) };`,
    ...declarationOf(first, source),
  };
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
