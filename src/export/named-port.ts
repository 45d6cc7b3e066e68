/**
 * The port a snippet names for itself, read from its syntax without running it: `port: 8080` in
 * `Bun.serve({ … })`, `Deno.serve({ … })`, `serve(app, { … })` or the default export's object, or
 * the number in `app.listen(3000)`. `serve` listens there unless told otherwise, so a snippet
 * pasted from a framework's docs answers where the docs' `curl` line points.
 */

import { findProperty, portOf } from "./object-literal.ts";
import { constantNumber, findAll, parseSnippet, skipParentheses, ts } from "./snippet-syntax.ts";

const isPort = (value: number | "dynamic" | undefined): value is number =>
  typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 65_535;

/** The first port the snippet names in a server's options or a `listen` call; undefined when it names none. */
export function namedPortNow(source: string, path: string): number | undefined {
  const syntax = parseSnippet(source, path);
  for (const node of findAll(
    syntax.file,
    (node): node is ts.Node => ts.isCallExpression(node) || ts.isExportAssignment(node),
  )) {
    if (ts.isExportAssignment(node)) {
      const value = skipParentheses(node.expression);
      if (ts.isObjectLiteralExpression(value) && isPort(portOf(value))) return portOf(value) as number;
      continue;
    }
    const call = node as ts.CallExpression;
    const callee = ts.isPropertyAccessExpression(call.expression)
      ? call.expression.name.text
      : call.expression.getText(syntax.file);
    if (callee !== "serve" && callee !== "listen") continue;
    for (const arg of call.arguments) {
      if (ts.isObjectLiteralExpression(arg) && findProperty(arg, "port") !== undefined) {
        const port = portOf(arg);
        if (isPort(port)) return port;
      }
    }
    const [first] = call.arguments;
    if (callee === "listen" && first !== undefined && !ts.isObjectLiteralExpression(first)) {
      const port = constantNumber(first);
      if (isPort(port)) return port;
    }
  }
  return undefined;
}
