/**
 * Bun closes a connection that has sent nothing for `idleTimeout` seconds (10 by default). A
 * streaming handler that goes quiet for longer (a long sleep between writes, a slow interval) is
 * cut off mid-stream. This finds that case from the snippet's own text, and only claims what it
 * found: a stream, a quiet gap written as a number, and no `server.timeout(req, …)` or
 * `idleTimeout` that covers it.
 */

import {
  constantNumber,
  findAll,
  isMemberCall,
  type SnippetSyntax,
  startOf,
  textOf,
  ts,
  walk,
} from "./snippet-syntax.ts";
import type { Remark } from "./target-build.ts";

/** Bun.serve's idleTimeout default, in seconds (Bun 1.4). */
const bunIdleTimeoutSeconds = 10;

interface QuietGap {
  ms: number;
  /** The call that waits, e.g. `Bun.sleep(tickEveryMs)`. */
  call: ts.CallExpression;
}

export function idleTimeoutNote(syntax: SnippetSyntax): Remark | undefined {
  const stream = streamEvidence(syntax);
  const gap = longestGap(syntax);
  if (!stream || !gap || gap.ms < bunIdleTimeoutSeconds * 1000) return undefined;
  const limit = idleLimitSeconds(syntax, gap.ms);
  if (limit === "covered") return undefined;
  const callee = textOf(syntax, gap.call.expression);
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const setting =
    limit === bunIdleTimeoutSeconds
      ? `after ${limit} s without a write (Bun.serve's idleTimeout, ${limit} s by default)`
      : `after ${limit} s without a write (the idleTimeout this snippet sets)`;
  return {
    text:
      `Bun closes a connection ${setting}. This server streams (${stream}) and can stay quiet for ${seconds(gap.ms)} ` +
      `at ${callee}(…), so a client is cut off before the next write. To keep such streams open, ` +
      `call server.timeout(req, 0) in the handler before returning the stream, or set idleTimeout (in seconds, at most 255) in the server's options.`,
    at: startOf(syntax, gap.call),
  };
}

/** What shows the snippet streams, in words (an SSE content type before anything else), or undefined. */
function streamEvidence(syntax: SnippetSyntax): string | undefined {
  const found = new Set<string>();
  walk(syntax.file, (node) => {
    if (ts.isStringLiteralLike(node) && node.text.includes("text/event-stream")) found.add("an SSE endpoint");
    else if (
      (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) &&
      node.asteriskToken
    )
      found.add("a generator body");
    else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "ReadableStream")
      found.add("a ReadableStream body");
    else if (
      (ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node)) &&
      ts.isComputedPropertyName(node.name) &&
      textOf(syntax, node.name.expression) === "Symbol.asyncIterator"
    ) {
      found.add("an async iterable body");
    }
  });
  return ["an SSE endpoint", "a generator body", "a ReadableStream body", "an async iterable body"].find((evidence) =>
    found.has(evidence),
  );
}

/** The longest wait written as a constant: `Bun.sleep(ms)`, `setTimeout(fn, ms)`, `setInterval(fn, ms)`. */
function longestGap(syntax: SnippetSyntax): QuietGap | undefined {
  let longest: QuietGap | undefined;
  for (const call of findAll(syntax.file, ts.isCallExpression)) {
    const delay = isMemberCall(call, "Bun", "sleep")
      ? call.arguments[0]
      : isTimer(call)
        ? call.arguments[1]
        : undefined;
    const ms = delay ? constantNumber(delay) : undefined;
    if (ms !== undefined && (!longest || ms > longest.ms)) longest = { ms, call };
  }
  return longest;
}

function isTimer(call: ts.CallExpression): boolean {
  return (
    ts.isIdentifier(call.expression) &&
    (call.expression.text === "setTimeout" || call.expression.text === "setInterval")
  );
}

/**
 * "covered" when a `server.timeout(req, n)` or `idleTimeout` in the snippet turns the limit off
 * or sets one past the gap (or is computed, so the export cannot tell); else the limit in seconds.
 */
function idleLimitSeconds(syntax: SnippetSyntax, gapMs: number): number | "covered" {
  let limit = bunIdleTimeoutSeconds;
  const covers = (seconds: number | undefined) => seconds === undefined || seconds === 0 || seconds * 1000 > gapMs;
  for (const call of findAll(syntax.file, ts.isCallExpression)) {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === "timeout" && call.arguments.length === 2) {
      if (covers(constantNumber(call.arguments[1]!))) return "covered";
    }
  }
  for (const property of findAll(syntax.file, ts.isPropertyAssignment)) {
    if (!ts.isIdentifier(property.name) || property.name.text !== "idleTimeout") continue;
    const seconds = constantNumber(property.initializer);
    if (covers(seconds)) return "covered";
    limit = seconds!;
  }
  return limit;
}
