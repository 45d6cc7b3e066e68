/**
 * The port of a server a snippet starts by calling something: `server.listen(8001)`,
 * `app.listen(3000, callback)`, `server.listen({ port })`, h3's `serve(app, { port: 3000 })`.
 * The exported file keeps that call as written, with the port changed where one was asked for.
 */

import { findProperty, portOf, setPort } from "./object-literal.ts";
import { choosePort, defaultPort, type PortChoice } from "./port.ts";
import { constantNumber, type SnippetSyntax, startOf, ts } from "./snippet-syntax.ts";
import type { TextEdits } from "./text-edits.ts";

export function setListenPort(
  syntax: SnippetSyntax,
  edits: TextEdits,
  call: ts.CallExpression | undefined,
  requested: number | undefined,
): PortChoice {
  if (!call) return { port: requested ?? defaultPort, rewrite: false, computed: true };
  const args = call.arguments;
  // An options object that names the port: listen({ port }), serve(app, { port }).
  const options = args.find(
    (arg): arg is ts.ObjectLiteralExpression =>
      ts.isObjectLiteralExpression(arg) && findProperty(arg, "port") !== undefined,
  );
  if (options) {
    const port = choosePort(requested, portOf(options));
    if (port.rewrite) setPort(syntax, edits, options, port.port);
    return port;
  }
  const isListen = ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === "listen";
  const [first] = args;
  if (isListen && first && !ts.isFunctionLike(first) && !ts.isObjectLiteralExpression(first)) {
    // listen(port, …): a number, a const that names one, or something computed at run time.
    const named = constantNumber(first);
    const port = choosePort(requested, named ?? "dynamic");
    if (requested !== undefined && named !== requested)
      edits.replace(startOf(syntax, first), first.end, String(port.port));
    return port;
  }
  if (isListen) {
    // listen() and listen(callback) take any free port: the export gives it one.
    const port = choosePort(requested, undefined);
    edits.insert(first ? startOf(syntax, first) : args.pos, first ? `${port.port}, ` : String(port.port));
    return port;
  }
  // serve(app) without options: the library picks the port (h3's serve: 3000, or $PORT).
  const second = args[1];
  if (requested !== undefined && second && ts.isObjectLiteralExpression(second)) {
    setPort(syntax, edits, second, requested);
    return { port: requested, rewrite: true, computed: false };
  }
  return { port: requested ?? defaultPort, rewrite: false, computed: true };
}
