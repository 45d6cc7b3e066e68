/**
 * The Bun file: the snippet as written, with its port set, and a `Bun.serve` around a default
 * export. A `Deno.serve` snippet becomes a `Bun.serve` call (`deno-serve-to-bun.ts`).
 */

import { convertDenoServeToBun } from "./deno-serve-to-bun.ts";
import { unexportDefault } from "./default-export.ts";
import { type HandlerShape, type ServeCall, objectLiteral } from "./handler-shape.ts";
import { portOf, setPort } from "./object-literal.ts";
import { setListenPort } from "./listen-port.ts";
import { choosePort, type PortChoice } from "./port.ts";
import { type SnippetSyntax, startOf, textOf } from "./snippet-syntax.ts";
import type { Remark, TargetBuild } from "./target-build.ts";
import { createTextEdits, type TextEdits } from "./text-edits.ts";

export function buildForBun(
  syntax: SnippetSyntax,
  shape: HandlerShape,
  requestedPort: number | undefined,
): TargetBuild {
  const edits = createTextEdits(syntax.source);
  const changes: Remark[] = [];
  const notes: Remark[] = [];
  let port: PortChoice;
  switch (shape.form) {
    case "default-function": {
      port = choosePort(requestedPort, undefined);
      const name = unexportDefault(syntax, edits, shape.defaultExport, "handler");
      append(
        syntax,
        edits,
        `// Serve the default export, as the playground did.\nBun.serve({ port: ${port.port}, fetch: ${name} });\n`,
      );
      break;
    }
    case "default-object": {
      const object = objectLiteral(shape.value);
      port = choosePort(requestedPort, object ? portOf(object) : undefined);
      const name = unexportDefault(syntax, edits, shape.defaultExport, "app");
      const ownPort = object !== undefined && portOf(object) !== undefined;
      if (object && ownPort && port.rewrite) setPort(syntax, edits, object, port.port);
      const options = ownPort || port.computed ? name : `{ ...${name}, port: ${port.port} }`;
      append(
        syntax,
        edits,
        `// Serve the default export (fetch, routes, error, …), as the playground did.\nBun.serve(${options});\n`,
      );
      break;
    }
    case "default-app": {
      port = choosePort(requestedPort, undefined);
      const name = unexportDefault(syntax, edits, shape.defaultExport, "app");
      // Bound, as Bun calls a default export's fetch: with the app as `this`, and the server as its second argument.
      append(
        syntax,
        edits,
        `// Serve the app, as the playground did.\nBun.serve({ port: ${port.port}, fetch: ${name}.fetch.bind(${name}) });\n`,
      );
      break;
    }
    case "node-http":
    case "library-serve": {
      // The snippet starts its own server, which Bun runs as written: only the port may change.
      port = setListenPort(syntax, edits, shape.listen, requestedPort);
      unexportIgnoredDefault(syntax, edits, shape, notes);
      break;
    }
    case "bun-serve": {
      port = setServePort(syntax, edits, shape.serve, requestedPort);
      unexportIgnoredDefault(syntax, edits, shape, notes);
      break;
    }
    case "deno-serve": {
      port = convertDenoServeToBun(syntax, edits, shape.serve, requestedPort, changes);
      unexportIgnoredDefault(syntax, edits, shape, notes);
      break;
    }
  }
  noteExtraServeCalls(syntax, shape, notes);
  return { edits, changes, notes, port, permissions: [] };
}

/** Sets the port of `Bun.serve(options)`: in the options object when it is written out, else around it. */
function setServePort(
  syntax: SnippetSyntax,
  edits: TextEdits,
  serve: ServeCall,
  requested: number | undefined,
): PortChoice {
  const [options] = serve.call.arguments;
  const object = objectLiteral(options);
  if (object) {
    const port = choosePort(requested, portOf(object));
    if (port.rewrite) setPort(syntax, edits, object, port.port);
    return port;
  }
  const port = choosePort(requested, undefined);
  if (options)
    edits.replace(startOf(syntax, options), options.end, `{ ...${textOf(syntax, options)}, port: ${port.port} }`);
  else edits.insert(serve.call.arguments.pos, `{ port: ${port.port} }`);
  return port;
}

/**
 * A default export beside a serve call is not served by the playground; in a Bun entry file a
 * default export with `fetch` would start a second server on the same port, so it stays a local.
 */
function unexportIgnoredDefault(
  syntax: SnippetSyntax,
  edits: TextEdits,
  shape: HandlerShape & { form: "bun-serve" | "deno-serve" | "node-http" | "library-serve" },
  notes: Remark[],
): void {
  if (!shape.defaultExport) return;
  const name = unexportDefault(syntax, edits, shape.defaultExport, "unusedDefault");
  const served =
    "serve" in shape ? `the snippet calls ${shape.serve.api}.serve()` : "the snippet starts a server of its own";
  notes.push({
    text: `the default export is now the local ${name}, not served: ${served}, which the playground served instead, and Bun would start a second server for it`,
    at: startOf(syntax, shape.defaultExport.node),
  });
}

function noteExtraServeCalls(syntax: SnippetSyntax, shape: HandlerShape, notes: Remark[]): void {
  const served = "serve" in shape ? shape.serve.call : undefined;
  const extra = shape.serveCalls.filter((call) => call.call !== served);
  for (const call of extra) {
    notes.push({
      text: `the playground served only the first serve call; this ${call.api}.serve() is left as written and may need a port of its own`,
      at: startOf(syntax, call.call),
    });
  }
}

/** Adds code at the end of the file, after a blank line. */
export function append(syntax: SnippetSyntax, edits: TextEdits, text: string): void {
  const { source, eol } = syntax;
  const ending = source.endsWith("\n") ? eol : eol + eol;
  edits.insert(source.length, ending + text.replaceAll("\n", eol));
}
