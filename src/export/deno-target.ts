/**
 * The Deno file. A `Deno.serve` snippet is exported as it is, with its port set. A Bun snippet is
 * converted where Deno has a faithful equivalent (the serve call, `Bun.sleep`, string chunks,
 * routes) and refused, with the exact place, where it has not. Every change is listed.
 */

import { append } from "./bun-target.ts";
import {
  convertBunApis,
  convertImportMeta,
  convertServerParameter,
  type DenoConversion,
  refuseDirectStreams,
} from "./deno-bun-apis.ts";
import { wrapStreamedBodies } from "./deno-bodies.ts";
import { asBytesHelper, withRoutesHelper } from "./deno-helpers.ts";
import { checkWebSocketOption, helperServerMethods } from "./deno-websocket.ts";
import { bunWebSocketHelper } from "./deno-websocket-helper.ts";
import { unexportDefault } from "./default-export.ts";
import { referencesTo } from "./handler-params.ts";
import { type HandlerShape, objectLiteral, type ServeCall } from "./handler-shape.ts";
import { findProperty, portOf, propertyValue, removeProperty, renameKey, setPort } from "./object-literal.ts";
import { choosePort, type PortChoice } from "./port.ts";
import { ExportRefusal, unsupportedAt } from "./refusal.ts";
import { setListenPort } from "./listen-port.ts";
import { freeName, propertyName, type SnippetSyntax, startOf, textOf, ts } from "./snippet-syntax.ts";
import type { TargetBuild } from "./target-build.ts";
import { createTextEdits } from "./text-edits.ts";

/** Bun.serve options with no Deno counterpart that change how the server behaves: refused. */
const refusedOptions: Record<string, string> = {
  tls: "Deno.serve takes cert and key as strings instead",
  unix: "Deno.serve listens on a Unix socket through its path option, with a different shape",
  reusePort: "Deno.serve has reusePort only as an unstable option",
  ipv6Only: "Deno.serve has no such option",
};

/** Bun.serve options Deno has no use for, which the export removes. */
const droppedOptions: Record<string, string> = {
  idleTimeout: "Deno does not close a connection for being quiet, so there is no idle timeout to set",
  development: "Deno has no development mode",
  maxRequestBodySize: "Deno.serve has no such limit",
  id: "Deno.serve has no server ids",
};

export function buildForDeno(
  syntax: SnippetSyntax,
  shape: HandlerShape,
  requestedPort: number | undefined,
): TargetBuild {
  const out: DenoConversion = { edits: createTextEdits(syntax.source), changes: [], notes: [], permissions: new Set() };
  const notes = out.notes;
  const helpers = new Set<"asBytes" | "withRoutes" | "bunWebSocket">();
  const names = {
    asBytes: freeName(syntax, "asBytes"),
    withRoutes: freeName(syntax, "withRoutes"),
    bunWebSocket: freeName(syntax, "bunWebSocket"),
    webSocketHub: freeName(syntax, "webSocketHub"),
  };
  const handlers: ts.Node[] = [];
  let port: PortChoice;
  let servedCallee: ts.Node | undefined;
  let tail = "";

  refuseDirectStreams(syntax);
  switch (shape.form) {
    case "deno-serve":
      port = setDenoServePort(syntax, out, shape.serve, requestedPort);
      break;
    case "default-app": {
      port = choosePort(requestedPort, undefined);
      const name = unexportDefault(syntax, out.edits, shape.defaultExport, "app");
      // Deno.serve passes (request, info); frameworks that run on Deno take that as app.fetch's arguments.
      tail = `// Serve the app, as the playground did.\nDeno.serve({ port: ${port.port} }, ${name}.fetch.bind(${name}));\n`;
      out.changes.push({
        text: `the default export became ${name}, whose fetch is served by the Deno.serve() call at the end`,
      });
      break;
    }
    case "node-http": {
      // Deno runs node:http servers (and Express) itself: the server stays as written.
      port = setListenPort(syntax, out.edits, shape.listen, requestedPort);
      out.permissions.add("--allow-env");
      notes.push({
        text: "deno run needs --allow-env here: node:http servers and their packages read process.env (Express reads NODE_ENV)",
      });
      break;
    }
    case "library-serve": {
      const message =
        "the server is started by a library through Bun.serve (Elysia's listen(), h3's serve()), which Deno does not have: export for Bun, or serve the app's fetch with Deno.serve(app.fetch) and export that";
      const callee = shape.listen?.expression;
      // At `listen` in a chain (`new Elysia().get(…).listen(3000)`), not at the chain's first line.
      if (callee) throw unsupportedAt(syntax, ts.isPropertyAccessExpression(callee) ? callee.name : callee, message);
      throw new ExportRefusal("unsupported", message);
    }
    case "default-function": {
      port = choosePort(requestedPort, undefined);
      handlers.push(shape.value);
      const name = unexportDefault(syntax, out.edits, shape.defaultExport, "handler");
      tail = `// Serve the default export, as the playground did.\nDeno.serve({ port: ${port.port} }, ${name});\n`;
      out.changes.push({ text: `the default export became ${name}, served by the Deno.serve() call at the end` });
      break;
    }
    case "default-object": {
      const object = objectLiteral(shape.value);
      const ownPort = object ? portOf(object) : undefined;
      port = choosePort(requestedPort, ownPort);
      if (object) {
        refuseOptions(syntax, object);
        handlers.push(...objectHandlers(object));
        if (ownPort !== undefined && port.rewrite) setPort(syntax, out.edits, object, port.port);
        for (const property of object.properties) {
          const name = propertyName(property);
          if (name !== undefined && name in droppedOptions)
            notes.push({
              text: `${name} has no effect under Deno: ${droppedOptions[name]}`,
              at: startOf(syntax, property),
            });
        }
      }
      const name = unexportDefault(syntax, out.edits, shape.defaultExport, "app");
      const websocket = object ? findProperty(object, "websocket") : undefined;
      if (websocket) {
        checkWebSocketOption(syntax, out, websocket);
        helpers.add("bunWebSocket");
      }
      const routed =
        !object ||
        websocket !== undefined ||
        findProperty(object, "routes") !== undefined ||
        findProperty(object, "static") !== undefined;
      const hasError = !object || findProperty(object, "error") !== undefined;
      const hasFetch = !object || findProperty(object, "fetch") !== undefined;
      if (routed) {
        helpers.add("withRoutes");
        const own = ownPort !== undefined || port.computed ? name : `{ ...${name}, port: ${port.port} }`;
        const options = websocket ? `${names.bunWebSocket}(${own})` : own;
        tail = `// Serve the default export (routes, fetch, error${websocket ? ", websocket" : ""}), as the playground did.\nDeno.serve(${names.withRoutes}(${options}));\n`;
        out.changes.push({
          text: `the default export became ${name}; its routes are served by ${names.withRoutes}(), added at the end, since Deno.serve has no routes`,
        });
        if (websocket) out.changes.push({ text: websocketChange(names.bunWebSocket) });
      } else {
        const onError = hasError ? `, onError: (error) => ${name}.error(error)` : "";
        const handler = hasFetch ? `(req) => ${name}.fetch(req)` : "() => new Response(null, { status: 404 })";
        tail = `// Serve the default export, as the playground did.\nDeno.serve({ port: ${port.port}${onError} }, ${handler});\n`;
        out.changes.push({ text: `the default export became ${name}, served by the Deno.serve() call at the end` });
      }
      break;
    }
    case "bun-serve": {
      const converted = convertBunServe(syntax, out, shape.serve, requestedPort, names);
      port = converted.port;
      handlers.push(...converted.handlers);
      if (converted.routed) helpers.add("withRoutes");
      if (converted.websocket) helpers.add("bunWebSocket");
      servedCallee = shape.serve.call.expression;
      break;
    }
  }
  if (shape.defaultExport && (shape.form === "bun-serve" || shape.form === "deno-serve")) {
    const name = unexportDefault(syntax, out.edits, shape.defaultExport, "unusedDefault");
    notes.push({
      text: `the default export is now the local ${name}, not served: the playground served the ${shape.serve.api}.serve() call instead`,
      at: startOf(syntax, shape.defaultExport.node),
    });
  }

  const removed = new Set<ts.Node>();
  // With the websocket helper, fetch's second argument is the helper's server, which can upgrade and publish.
  const provided = helpers.has("bunWebSocket") ? helperServerMethods : new Set<string>();
  for (const handler of handlers) convertServerParameter(syntax, out, handler, removed, provided);
  convertBunApis(syntax, out, servedCallee);
  convertImportMeta(syntax, out);
  if (wrapStreamedBodies(syntax, out, names.asBytes)) helpers.add("asBytes");

  const added = [
    tail,
    helpers.has("withRoutes") ? withRoutesHelper(names.withRoutes, syntax.typed) : "",
    helpers.has("bunWebSocket") ? bunWebSocketHelper(names.bunWebSocket, names.webSocketHub, syntax.typed) : "",
    helpers.has("asBytes") ? asBytesHelper(names.asBytes, syntax.typed) : "",
  ].filter((text) => text !== "");
  if (added.length > 0) append(syntax, out.edits, added.join("\n"));
  return { edits: out.edits, changes: out.changes, notes, port, permissions: [...out.permissions] };
}

/** Sets the port of `Deno.serve(...)` in whichever of its three shapes it is called. */
function setDenoServePort(
  syntax: SnippetSyntax,
  out: DenoConversion,
  serve: ServeCall,
  requested: number | undefined,
): PortChoice {
  const [first] = serve.call.arguments;
  const options = objectLiteral(first);
  if (first && options && ts.isObjectLiteralExpression(first)) {
    const port = choosePort(requested, portOf(options));
    if (port.rewrite) setPort(syntax, out.edits, options, port.port);
    return port;
  }
  const port = choosePort(requested, undefined);
  if (!first) throw unsupportedAt(syntax, serve.call, "Deno.serve() has no handler to export");
  const handlerFirst = serve.call.arguments.length === 1 && !options;
  if (handlerFirst) out.edits.insert(startOf(syntax, first), `{ port: ${port.port} }, `);
  else out.edits.replace(startOf(syntax, first), first.end, `{ ...${textOf(syntax, first)}, port: ${port.port} }`);
  return port;
}

/** Bun.serve({...}) → Deno.serve({...}) with Deno's names, or through withRoutes() when it has routes. */
function convertBunServe(
  syntax: SnippetSyntax,
  out: DenoConversion,
  serve: ServeCall,
  requested: number | undefined,
  names: { withRoutes: string; bunWebSocket: string; webSocketHub: string },
): { port: PortChoice; handlers: ts.Node[]; routed: boolean; websocket: boolean } {
  const { withRoutes } = names;
  const { call } = serve;
  const [first] = call.arguments;
  const options = objectLiteral(first);
  if (!first || !options)
    throw unsupportedAt(
      syntax,
      call,
      "Bun.serve's options are not written out here, so the export cannot tell how to convert them; export for Bun instead",
    );
  refuseOptions(syntax, options);
  const port = choosePort(requested, portOf(options));
  if (port.rewrite) setPort(syntax, out.edits, options, port.port);
  for (const property of options.properties) {
    const name = propertyName(property);
    if (name !== undefined && name in droppedOptions) {
      removeProperty(syntax, out.edits, property);
      out.changes.push({
        text: `the ${name} option was removed: ${droppedOptions[name]}`,
        at: startOf(syntax, property),
      });
    }
  }
  const websocket = findProperty(options, "websocket");
  if (websocket) checkWebSocketOption(syntax, out, websocket);
  const routed =
    websocket !== undefined ||
    findProperty(options, "routes") !== undefined ||
    findProperty(options, "static") !== undefined;
  const callee = call.expression as ts.PropertyAccessExpression | ts.Identifier;
  if (routed) {
    out.edits.replace(startOf(syntax, callee), callee.end, "Deno.serve");
    out.edits.insert(first.getFullStart(), websocket ? `${withRoutes}(${names.bunWebSocket}(` : `${withRoutes}(`);
    out.edits.insert(first.end, websocket ? "))" : ")");
    const hasRoutes = findProperty(options, "routes") !== undefined || findProperty(options, "static") !== undefined;
    out.changes.push({
      text: hasRoutes
        ? `Bun.serve() became Deno.serve(); its routes are served by ${withRoutes}(), added at the end, since Deno.serve has no routes`
        : `Bun.serve() became Deno.serve(), its options turned into Deno.serve's by ${withRoutes}(), added at the end`,
      at: startOf(syntax, call),
    });
    if (websocket) out.changes.push({ text: websocketChange(names.bunWebSocket), at: startOf(syntax, websocket) });
  } else if (ts.isIdentifier(callee)) {
    // `serve` imported from "bun": the import itself is refused (or kept, when type-only) with the imports.
    out.edits.replace(startOf(syntax, callee), callee.end, "Deno.serve");
    const fetch = findProperty(options, "fetch");
    const error = findProperty(options, "error");
    if (fetch) renameKey(syntax, out.edits, fetch, "handler");
    if (error) renameKey(syntax, out.edits, error, "onError");
    out.changes.push({
      text: `serve() became Deno.serve(), with fetch as its handler${error ? " and error as its onError" : ""}`,
      at: startOf(syntax, call),
    });
  } else {
    out.edits.replace(startOf(syntax, callee.expression), callee.expression.end, "Deno");
    const fetch = findProperty(options, "fetch");
    const error = findProperty(options, "error");
    if (fetch) renameKey(syntax, out.edits, fetch, "handler");
    if (error) renameKey(syntax, out.edits, error, "onError");
    out.changes.push({
      text: `Bun.serve() became Deno.serve(), with fetch as its handler${error ? " and error as its onError" : ""}`,
      at: startOf(syntax, call),
    });
  }
  convertServerUses(syntax, out, call, websocket ? names.webSocketHub : undefined);
  return { port, handlers: objectHandlers(options), routed, websocket: websocket !== undefined };
}

function websocketChange(helper: string): string {
  return `the websocket handlers are served on Deno.upgradeWebSocket by ${helper}(), added at the end: server.upgrade() and server.publish() in fetch, and Bun's data, send, close and topics on each socket`;
}

function refuseOptions(syntax: SnippetSyntax, object: ts.ObjectLiteralExpression): void {
  for (const property of object.properties) {
    const name = propertyName(property);
    if (ts.isSpreadAssignment(property))
      throw unsupportedAt(
        syntax,
        property,
        "the options are spread from elsewhere, so the export cannot tell which of them Deno supports; export for Bun instead",
      );
    if (name !== undefined && name in refusedOptions)
      throw unsupportedAt(
        syntax,
        property,
        `Bun.serve's ${name} option has no faithful Deno equivalent: ${refusedOptions[name]}. Export for Bun instead`,
      );
  }
}

/** The handler functions an options object holds: fetch, and every route handler (per method too). */
function objectHandlers(object: ts.ObjectLiteralExpression): ts.Node[] {
  const handlers: ts.Node[] = [];
  const fetch = propertyValue(findProperty(object, "fetch"));
  if (fetch) handlers.push(fetch);
  const routes = objectLiteral(propertyValue(findProperty(object, "routes")) as ts.Node | undefined);
  for (const route of routes?.properties ?? []) {
    const value = propertyValue(route);
    const methods = objectLiteral(value as ts.Node | undefined);
    if (methods)
      for (const method of methods.properties) handlers.push(...[propertyValue(method)].filter((v) => v !== undefined));
    else if (value) handlers.push(value);
  }
  return handlers;
}

/**
 * What Bun.serve returns, where the snippet keeps it: `server.port`, `server.hostname`, `server.url`
 * and `server.stop()` have Deno counterparts on what Deno.serve returns; anything else is refused.
 */
function convertServerUses(
  syntax: SnippetSyntax,
  out: DenoConversion,
  call: ts.CallExpression,
  webSocketHub: string | undefined,
): void {
  const parent = call.parent;
  if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name)) return;
  const name = parent.name.text;
  const uses = referencesTo(syntax.file, name, parent);
  for (const use of uses) {
    const access = use.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== use) {
      throw unsupportedAt(
        syntax,
        use,
        `${name} is Bun's server, which Deno.serve() does not return; export for Bun instead`,
      );
    }
    const property = access.name.text;
    const replacements: Record<string, string> = {
      port: `${name}.addr.port`,
      hostname: `${name}.addr.hostname`,
      url: `new URL(\`http://localhost:\${${name}.addr.port}/\`)`,
      stop: `${name}.shutdown`,
      // The websocket helper's topics stand in for Bun's server's.
      ...(webSocketHub === undefined
        ? {}
        : { publish: `${webSocketHub}().publish`, subscriberCount: `${webSocketHub}().subscriberCount` }),
    };
    const replacement = replacements[property];
    if (replacement === undefined) {
      throw unsupportedAt(
        syntax,
        access,
        `${name}.${property} is part of Bun's server, which Deno.serve() does not return; export for Bun instead`,
      );
    }
    out.edits.replace(startOf(syntax, access), access.end, replacement);
    const why =
      property === "publish" || property === "subscriberCount"
        ? "the websocket helper's, since Deno's server has no topics"
        : "as Deno's server has it";
    out.changes.push({ text: `${name}.${property} became ${replacement}, ${why}`, at: startOf(syntax, access) });
  }
}
