/**
 * The request the header's `curl` line makes. A path the snippet names (a route in Bun's `routes`,
 * a framework's `app.get("/events", …)`, or a `pathname === "/events"` test) whose code streams is
 * the one worth trying, an SSE one first (for a snippet that serves WebSockets, the one that
 * upgrades); otherwise `/`, or the first route when there is nothing else to ask for.
 */

import { declarationOf, type SnippetSyntax, ts, walk } from "./snippet-syntax.ts";
import type { TryRequest } from "../contract/index.ts";

/** A framework's route methods (Hono, Express, Fastify, Elysia, h3, itty-router, Koa's router): `app.get(path, handler)`. */
const routeMethods = new Set(["get", "post", "put", "patch", "delete", "all"]);
/** Framework helpers that answer with an event stream (Hono's `streamSSE`, h3's `createEventStream`, Elysia's `sse`). */
const sseHelpers = new Set(["streamSSE", "createEventStream", "sse"]);
/** Framework helpers that answer with a stream (Hono's `stream` and `streamText`). */
const streamHelpers = new Set(["stream", "streamText"]);

interface Candidate {
  path: string;
  /** The method a per-method route answers when it does not answer GET. */
  method?: string | undefined;
  /** 2: SSE, 1: streams, 0: neither. */
  streams: number;
  /** From a `routes` table, which answers nothing else when there is no fetch. */
  route: boolean;
  /** Its code upgrades to a WebSocket. */
  upgrades?: boolean;
}

/**
 * Whether the snippet serves WebSockets: Bun's `websocket` option, Deno's `Deno.upgradeWebSocket`,
 * Hono's `upgradeWebSocket(…)` helper, or Elysia's `.ws(path, handlers)` route.
 */
export function servesWebSockets(syntax: SnippetSyntax): boolean {
  let found = false;
  walk(syntax.file, (node) => {
    if (
      (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || ts.isMethodDeclaration(node)) &&
      ts.isIdentifier(node.name) &&
      node.name.text === "websocket"
    )
      found = true;
    if (ts.isPropertyAccessExpression(node) && node.name.text === "upgradeWebSocket") found = true;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "upgradeWebSocket")
      found = true;
    if (webSocketRoutePath(node) !== undefined) found = true;
  });
  return found;
}

/** `app.ws("/chat", { message… })`: Elysia's WebSocket route, whose path is the one to open. */
function webSocketRoutePath(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  if (node.expression.name.text !== "ws" || node.arguments.length < 2) return undefined;
  const [first] = node.arguments;
  return first && ts.isStringLiteralLike(first) && first.text.startsWith("/") ? first.text : undefined;
}

export function guessTryRequest(syntax: SnippetSyntax): TryRequest {
  const candidates: Candidate[] = [];
  let hasFetch = false;
  walk(syntax.file, (node) => {
    if (
      ts.isPropertyAssignment(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === "routes" &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      for (const route of node.initializer.properties) {
        const key =
          route.name && (ts.isStringLiteral(route.name) || ts.isNoSubstitutionTemplateLiteral(route.name))
            ? route.name.text
            : undefined;
        if (key?.startsWith("/"))
          candidates.push({
            path: concretePath(key),
            method: routeMethod(route),
            streams: streaming(route),
            route: true,
            upgrades: upgrading(route),
          });
      }
    }
    if (
      (ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node)) &&
      ts.isIdentifier(node.name) &&
      (node.name.text === "fetch" || node.name.text === "handler")
    )
      hasFetch = true;
    const webSocketRoute = webSocketRoutePath(node);
    if (webSocketRoute !== undefined)
      candidates.push({ path: concretePath(webSocketRoute), streams: 0, route: true, upgrades: true });
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      routeMethods.has(node.expression.name.text) &&
      node.arguments.length >= 2
    ) {
      const [first] = node.arguments;
      const verb = node.expression.name.text;
      if (first && ts.isStringLiteralLike(first) && first.text.startsWith("/"))
        candidates.push({
          path: concretePath(first.text),
          method: verb === "get" || verb === "all" ? undefined : verb.toUpperCase(),
          streams: streaming(node),
          route: true,
          upgrades: upgrading(node),
        });
    }
    if (ts.isBinaryExpression(node) && isEquality(node.operatorToken.kind)) {
      const literal = [node.left, node.right].find((side) => ts.isStringLiteral(side) && side.text.startsWith("/"));
      const other = literal === node.left ? node.right : node.left;
      if (literal && ts.isStringLiteral(literal) && other.getText().includes("pathname"))
        candidates.push({
          path: literal.text,
          streams: streaming(branchOf(node)),
          route: false,
          upgrades: upgrading(branchOf(node)),
        });
    }
    if (
      ts.isCaseClause(node) &&
      ts.isStringLiteral(node.expression) &&
      node.expression.text.startsWith("/") &&
      node.parent.parent.expression.getText().includes("pathname")
    ) {
      candidates.push({ path: node.expression.text, streams: streaming(node), route: false });
    }
  });
  // A snippet that serves WebSockets is tried with one (see the header), on the path that upgrades.
  const upgrader = servesWebSockets(syntax) ? candidates.find((c) => c.upgrades) : undefined;
  if (upgrader) return { path: upgrader.path };
  const best = [...candidates].sort((a, b) => b.streams - a.streams)[0];
  const onlyRoutes = !hasFetch && candidates.length > 0 && candidates.every((c) => c.route);
  const chosen =
    best && best.streams > 0 ? best : onlyRoutes && !candidates.some((c) => c.path === "/") ? candidates[0] : undefined;
  return chosen ? { path: chosen.path, method: chosen.method } : { path: "/" };
}

/** `{ POST(req) {…} }`: a route for other methods than GET is tried with its first one. */
function routeMethod(route: ts.ObjectLiteralElementLike): string | undefined {
  if (!ts.isPropertyAssignment(route) || !ts.isObjectLiteralExpression(route.initializer)) return undefined;
  const methods = route.initializer.properties
    .map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : undefined))
    .filter((m) => m !== undefined);
  return methods.includes("GET") ? undefined : methods[0];
}

/** `/users/:id` → `/users/1`, `/files/*` → `/files/`: a path the route answers. */
function concretePath(pattern: string): string {
  return pattern.replace(/:[^/]+/g, "1").replace(/\*$/, "");
}

function isEquality(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken;
}

/** The code a path test guards: the `then` branch of the `if` it is in, else its statement. */
function branchOf(node: ts.Node): ts.Node {
  for (let at: ts.Node = node; at.parent; at = at.parent) {
    if (ts.isIfStatement(at.parent) && at.parent.expression === at) return at.parent.thenStatement;
    if (ts.isConditionalExpression(at.parent) && at.parent.condition === at) return at.parent.whenTrue;
    if (ts.isStatement(at.parent)) return at.parent;
  }
  return node;
}

/** 2 when `node` sends SSE (its content type is in it, or in a const it names), 1 when it streams. */
function streaming(node: ts.Node, followNames = true): number {
  let level = 0;
  walk(node, (inner) => {
    if (ts.isStringLiteralLike(inner) && inner.text.includes("text/event-stream")) level = 2;
    else if (ts.isCallExpression(inner) && ts.isIdentifier(inner.expression) && sseHelpers.has(inner.expression.text))
      level = 2;
    else if (
      level === 0 &&
      ts.isCallExpression(inner) &&
      ts.isIdentifier(inner.expression) &&
      streamHelpers.has(inner.expression.text)
    )
      level = 1;
    else if (level === 0 && isStreamingSyntax(inner)) level = 1;
    else if (followNames && level < 2 && ts.isIdentifier(inner)) {
      const declaration = declarationOf(inner.text, inner);
      if (
        declaration &&
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer &&
        streaming(declaration.initializer, false) === 2
      )
        level = 2;
    }
  });
  return level;
}

/** Whether `node` upgrades to a WebSocket: `server.upgrade(req)`, `Deno.upgradeWebSocket(req)`, Hono's `upgradeWebSocket(…)`. */
function upgrading(node: ts.Node): boolean {
  let found = false;
  walk(node, (inner) => {
    if (upgradesHere(inner)) found = true;
  });
  return found;
}

function upgradesHere(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isPropertyAccessExpression(callee)) return ["upgrade", "upgradeWebSocket"].includes(callee.name.text);
  return ts.isIdentifier(callee) && callee.text === "upgradeWebSocket";
}

function isStreamingSyntax(node: ts.Node): boolean {
  if ((ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) && node.asteriskToken) return true;
  return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "ReadableStream";
}
