/**
 * Bun's `websocket` option in a Deno export. Deno upgrades with `Deno.upgradeWebSocket(req)` and
 * hands out a browser-style `WebSocket`; the export adds a helper (`bunWebSocket`, see
 * `deno-websocket-helper.ts`) that gives the snippet's handlers what Bun gives them: `server.upgrade`
 * and `server.publish` in fetch, and a socket with Bun's `data`, `send`, `close` and topics.
 *
 * Only what that helper does faithfully is converted. A `drain`, `ping` or `pong` handler, and the
 * socket's `ping`, `terminate`, `remoteAddress` and the like, have no Deno counterpart: the export
 * is refused at their place. Bun's tuning options (limits, compression, pings) are dropped with a note.
 */

import type { DenoConversion } from "./deno-bun-apis.ts";
import { handlerFunction } from "./handler-params.ts";
import { propertyValue } from "./object-literal.ts";
import { unsupportedAt } from "./refusal.ts";
import { declarationOf, findAll, propertyName, type SnippetSyntax, startOf, ts } from "./snippet-syntax.ts";

/** The `server` methods the helper gives a fetch handler (besides `timeout`, which the export drops). */
export const helperServerMethods: ReadonlySet<string> = new Set(["upgrade", "publish", "subscriberCount"]);

/** What the helper's socket has of Bun's `ServerWebSocket`. */
const socketMembers = new Set([
  "send",
  "sendText",
  "sendBinary",
  "close",
  "data",
  "subscribe",
  "unsubscribe",
  "isSubscribed",
  "subscriptions",
  "publish",
  "publishText",
  "publishBinary",
  "readyState",
  "cork",
  "getBufferedAmount",
]);

/** Why a socket member has no conversion. */
const socketRefusals: Record<string, string> = {
  ping: "Deno's WebSocket sends no pings of its own choosing",
  pong: "Deno's WebSocket answers pings itself and sends no pongs of its own choosing",
  terminate: "Deno's WebSocket has only close(), which sends a close frame",
  remoteAddress: "Deno gives the address to Deno.serve's handler (info.remoteAddr), not to the socket",
  binaryType: "binary messages reach the handler as a Uint8Array",
  pause: "Deno's WebSocket cannot stop reading",
  resume: "Deno's WebSocket cannot stop reading",
  isPaused: "Deno's WebSocket cannot stop reading",
};

/** Handlers the helper calls. */
const handlerNames = new Set(["open", "message", "close", "error"]);

const handlerRefusals: Record<string, string> = {
  drain: "Deno's WebSocket has no drain event: send() never reports backpressure",
  ping: "Deno's WebSocket has no ping event",
  pong: "Deno's WebSocket has no pong event",
};

/** Options the helper does not apply, and why that is safe to say and not refuse. */
const droppedOptions: Record<string, string> = {
  maxPayloadLength: "Deno applies its own limit on message size",
  backpressureLimit: "Deno buffers what is sent without a limit (see bufferedAmount)",
  closeOnBackpressureLimit: "Deno buffers what is sent without a limit",
  idleTimeout: "Deno closes a socket only when it stops answering Deno's own pings",
  perMessageDeflate: "Deno does not compress WebSocket messages",
  sendPings: "Deno pings idle sockets itself",
};

/**
 * Checks the `websocket` option (an object of handlers written out in place) and notes what is
 * dropped; throws a refusal at anything the helper cannot do as Bun does.
 */
export function checkWebSocketOption(
  syntax: SnippetSyntax,
  out: DenoConversion,
  property: ts.ObjectLiteralElementLike,
): void {
  const value = propertyValue(property);
  const object = value && ts.isExpression(value) ? resolveObject(value) : undefined;
  if (!object)
    throw unsupportedAt(
      syntax,
      property,
      "the websocket handlers are not written out here, so the export cannot tell whether Deno can run them; export for Bun instead",
    );
  for (const member of object.properties) {
    if (ts.isSpreadAssignment(member))
      throw unsupportedAt(
        syntax,
        member,
        "the websocket handlers are spread from elsewhere, so the export cannot tell whether Deno can run them; export for Bun instead",
      );
    const name = propertyName(member);
    if (name === undefined)
      throw unsupportedAt(
        syntax,
        member,
        "a websocket option with a computed name cannot be checked; export for Bun instead",
      );
    if (name in handlerRefusals)
      throw unsupportedAt(
        syntax,
        member,
        `Bun's websocket ${name} handler has no Deno equivalent: ${handlerRefusals[name]}. Export for Bun instead`,
      );
    if (name in droppedOptions) {
      out.notes.push({
        text: `websocket.${name} has no effect under Deno: ${droppedOptions[name]}`,
        at: startOf(syntax, member),
      });
      continue;
    }
    if (name === "data" || name === "publishToSelf") continue;
    if (!handlerNames.has(name))
      throw unsupportedAt(
        syntax,
        member,
        `websocket.${name} is not one of Bun's websocket options the export knows how to convert; export for Bun instead`,
      );
    const fn = handlerFunction(propertyValue(member) as ts.Node | undefined);
    if (!fn)
      throw unsupportedAt(
        syntax,
        member,
        `the websocket ${name} handler is not written out here, so the export cannot tell what it does with the socket; export for Bun instead`,
      );
    checkSocketUses(syntax, fn, name === "error" ? 1 : 0);
  }
}

function resolveObject(node: ts.Expression): ts.ObjectLiteralExpression | undefined {
  let inner: ts.Node = node;
  while (ts.isParenthesizedExpression(inner) || ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner))
    inner = inner.expression;
  if (ts.isIdentifier(inner)) {
    const declaration = declarationOf(inner.text, inner);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer)
      return resolveObject(declaration.initializer);
  }
  return ts.isObjectLiteralExpression(inner) ? inner : undefined;
}

/** Every `ws.something` a handler reads through its socket parameter must be one the helper's socket has. */
function checkSocketUses(
  syntax: SnippetSyntax,
  fn: ts.SignatureDeclaration & { body?: ts.Node | undefined },
  index: number,
): void {
  const parameter = fn.parameters[index];
  if (!parameter || !fn.body) return;
  if (!ts.isIdentifier(parameter.name)) {
    const taken = findAll(parameter.name, (node): node is ts.BindingElement => ts.isBindingElement(node));
    for (const element of taken) {
      const name = element.propertyName
        ? propertyName(element.propertyName)
        : ts.isIdentifier(element.name)
          ? element.name.text
          : undefined;
      if (name === undefined || !socketMembers.has(name))
        throw unsupportedAt(
          syntax,
          element,
          `the socket's ${name ?? "members"} have no Deno equivalent here; export for Bun instead`,
        );
    }
    return;
  }
  const name = parameter.name.text;
  const accesses = findAll(
    fn.body,
    (node): node is ts.PropertyAccessExpression =>
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === name &&
      declarationOf(name, node.expression) === parameter,
  );
  for (const access of accesses) {
    const member = access.name.text;
    if (socketMembers.has(member)) continue;
    const why = socketRefusals[member];
    throw unsupportedAt(
      syntax,
      access,
      `${name}.${member} is part of Bun's ServerWebSocket with no Deno equivalent${why ? `: ${why}` : ""}. Export for Bun instead`,
    );
  }
}
