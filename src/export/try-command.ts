/**
 * The line that tries a snippet served on a port of this machine (`serve`), as an exported file's
 * header gives it: `curl -N` with the request given (a lesson's) or at the route most worth trying,
 * or a one-line Bun WebSocket client for a snippet that serves WebSockets.
 */

import type { TryRequest } from "../contract/index.ts";
import { tryLine } from "./header.ts";
import { parseSnippet } from "./snippet-syntax.ts";
import { guessTryRequest, servesWebSockets } from "./try-path.ts";

export interface TryCommandOptions {
  source: string;
  /** Where the snippet lives. */
  path: string;
  /** The port it is served on. */
  port: number;
  /** The request to make (a lesson's); guessed from the snippet's routes when left out. */
  request?: TryRequest | undefined;
}

export function tryCommandNow({ source, path, port, request }: TryCommandOptions): string {
  const syntax = parseSnippet(source, path);
  return tryLine("bun", request ?? guessTryRequest(syntax), port, request?.websocket ?? servesWebSockets(syntax));
}
