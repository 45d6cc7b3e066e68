/**
 * Streamed response bodies, for Deno. Bun streams strings and bytes alike, from a ReadableStream,
 * an async iterable, or an async generator *function* passed as the body (which it calls). Deno
 * 2.9 streams only Uint8Array chunks ("expected typed ArrayBufferView" otherwise) and sends a
 * function body as its source text. So a body that may carry strings is wrapped in a small
 * helper that encodes them; a body that is bytes already (a `ReadableStream<Uint8Array>`, or one
 * that only enqueues `encoder.encode(…)`) is left alone.
 */

import { findAll, resolveValue, type SnippetSyntax, skipParentheses, startOf, ts } from "./snippet-syntax.ts";
import type { DenoConversion } from "./deno-bun-apis.ts";

/** What a body expression is, as far as the snippet shows. */
type BodyKind =
  /** An async generator function itself: Bun calls it. */
  | "generator-function"
  /** An iterable or async iterable (a generator's result, an object with Symbol.asyncIterator). */
  | "iterable"
  /** A ReadableStream whose chunks may be strings. */
  | "stream"
  /** Any other function, which both runtimes send as its source text (the playground warns about it). */
  | "source-text"
  /** Bytes, text, JSON, nothing, or something the snippet does not show: left as it is. */
  | "other";

/** Wraps every string-carrying streamed body in `helper(…)`; returns whether any was. */
export function wrapStreamedBodies(syntax: SnippetSyntax, out: DenoConversion, helper: string): boolean {
  let wrapped = false;
  for (const response of findAll(
    syntax.file,
    (n): n is ts.NewExpression =>
      ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "Response",
  )) {
    const body = response.arguments?.[0];
    if (!body) continue;
    const kind = bodyKind(body);
    if (kind === "source-text") {
      out.notes.push({
        text: "new Response() is given a function that is not an async generator function: Deno, like Bun, sends the function's source text instead of streaming (and Deno's copy of that text has lost the original spacing)",
        at: startOf(syntax, body),
      });
      continue;
    }
    if (kind === "other") continue;
    wrapped = true;
    const at = startOf(syntax, body);
    if (kind === "generator-function") {
      const named = ts.isIdentifier(body);
      out.edits.insert(at, named ? `${helper}(` : `${helper}((`);
      out.edits.insert(body.end, named ? "())" : ")())");
      out.changes.push({
        text: `the async generator function given to new Response is called and its values go through ${helper}(): Deno sends a function body as its source text, and streams bytes only`,
        at,
      });
    } else {
      out.edits.insert(at, `${helper}(`);
      out.edits.insert(body.end, ")");
      out.changes.push({
        text: `the streamed body goes through ${helper}(), which encodes strings as UTF-8: Deno streams bytes only, where Bun also takes strings`,
        at,
      });
    }
  }
  return wrapped;
}

function bodyKind(body: ts.Expression): BodyKind {
  const value = resolveValue(skipParentheses(body));
  if (isFunction(value)) return value.asteriskToken ? "generator-function" : "source-text";
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === "ReadableStream") {
    return streamCarriesBytes(value) ? "other" : "stream";
  }
  if (ts.isCallExpression(value)) {
    const callee = skipParentheses(value.expression);
    // ReadableStream.from(…), stream.pipeThrough(…): streams of whatever they are fed.
    if (
      ts.isPropertyAccessExpression(callee) &&
      callee.name.text === "pipeThrough" &&
      isNewOf(value.arguments[0], "TextEncoderStream")
    )
      return "other";
    if (ts.isPropertyAccessExpression(callee) && (callee.name.text === "from" || callee.name.text === "pipeThrough"))
      return "stream";
    const fn = resolveValue(callee);
    if (isFunction(fn)) {
      if (fn.asteriskToken) return "iterable";
      const returns = fn.type ? fn.type.getText() : "";
      if (/^(Async)?(Iterable|IterableIterator|Generator|Iterator)\b/.test(returns)) return "iterable";
      if (/^ReadableStream\b/.test(returns)) return /^ReadableStream<\s*Uint8Array/.test(returns) ? "other" : "stream";
    }
  }
  return "other";
}

type FunctionValue = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

function isFunction(node: ts.Node): node is FunctionValue {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node)
  );
}

/** `new ReadableStream<Uint8Array>(…)`, or a stream whose every enqueue is plainly bytes. */
function streamCarriesBytes(stream: ts.NewExpression): boolean {
  const typeArgument = stream.typeArguments?.[0];
  if (typeArgument) return /^Uint8Array\b/.test(typeArgument.getText());
  const enqueued = findAll(
    stream,
    (n): n is ts.CallExpression =>
      ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === "enqueue",
  ).map((call) => call.arguments[0]);
  return enqueued.length > 0 && enqueued.every((chunk) => chunk !== undefined && isBytes(chunk));
}

function isBytes(chunk: ts.Expression): boolean {
  const value = skipParentheses(chunk);
  if (
    ts.isCallExpression(value) &&
    ts.isPropertyAccessExpression(value.expression) &&
    value.expression.name.text === "encode"
  )
    return true;
  return isNewOf(value, "Uint8Array");
}

/** `new Name(…)`. */
function isNewOf(node: ts.Expression | undefined, name: string): boolean {
  return (
    node !== undefined && ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name
  );
}
