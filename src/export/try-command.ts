/**
 * The line that tries a snippet served on a port of this machine (`serve`), as an exported file's
 * header gives it: `curl -N` at the route most worth trying, or a one-line Bun WebSocket client for
 * a snippet that serves WebSockets.
 */

import { tryLine } from "./header.ts";
import { parseSnippet } from "./snippet-syntax.ts";
import { guessTryRequest, servesWebSockets } from "./try-path.ts";

export function tryCommandNow(source: string, path: string, port: number): string {
  const syntax = parseSnippet(source, path);
  return tryLine("bun", guessTryRequest(syntax), port, servesWebSockets(syntax));
}
