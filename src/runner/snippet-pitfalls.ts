/** Mistakes in a snippet that load fine and then do something surprising, found in its source. */

import type { Notice } from "../contract/index.ts";

/**
 * `new Response(() => gen())` or `new Response(function () {…})`: Bun 1.4 streams an async
 * generator *function* passed as the body, but any other function is sent as its source text.
 */
const functionBody =
  /new\s+Response\s*\(\s*(?:async\s*)?(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*=>|new\s+Response\s*\(\s*(?:async\s+)?function\s*[A-Za-z_$\s]*\(/g;

export function findPitfalls(source: string): Notice[] {
  const notices: Notice[] = [];
  for (const match of source.matchAll(functionBody)) {
    const before = source.slice(0, match.index);
    const line = before.split(/\r\n|\r|\n/).length;
    const column = match.index - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
    notices.push({
      message:
        "new Response() is given a function that is not an async generator function: Bun sends the function's source text as the body instead of streaming. Pass the iterable itself, e.g. new Response(gen()).",
      line,
      column,
    });
  }
  return notices;
}
