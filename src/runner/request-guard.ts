/**
 * What reaches a snippet's handler. The runner answers only requests addressed to itself: a
 * `Host` other than its own loopback address (a DNS-rebinding page's name resolving to
 * 127.0.0.1 still sends its own) is refused with a 403 before any snippet code runs. And the host's
 * cookies, which a browser sends to every port of 127.0.0.1, are taken out of the request, so a
 * snippet can never log the host's secret into the timeline or an export.
 */

import { hostCookiePrefix } from "../contract/index.ts";
import { NativeResponse } from "./native-globals.ts";

/** The `Cookie` header without the host's cookies; undefined when nothing is left. */
export function withoutHostCookies(header: string): string | undefined {
  const kept = header
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "" && !pair.startsWith(hostCookiePrefix));
  return kept.length === 0 ? undefined : kept.join("; ");
}

/** True when `host` (the `Host` header) names this runner: `127.0.0.1:PORT` or `localhost:PORT`. */
export function isOwnHost(host: string | null, port: number | undefined): boolean {
  if (host === null || port === undefined) return false;
  const name = host.toLowerCase();
  return name === `127.0.0.1:${port}` || name === `localhost:${port}`;
}

/**
 * Checks a request before the snippet sees it: a refusal to send instead, or undefined once the
 * host's cookies are gone from it and it may go on.
 */
export function guardRequest(request: Request, port: number | undefined): Response | undefined {
  const host = request.headers.get("host");
  if (!isOwnHost(host, port)) {
    const text = `Forbidden: the playground's runner answers only to 127.0.0.1:${port} and localhost:${port}, not ${JSON.stringify(host ?? "")}.\n`;
    return new NativeResponse(text, { status: 403, headers: { "content-type": "text/plain;charset=utf-8" } });
  }
  const cookie = request.headers.get("cookie");
  if (cookie !== null) {
    const kept = withoutHostCookies(cookie);
    if (kept === undefined) request.headers.delete("cookie");
    else if (kept !== cookie) request.headers.set("cookie", kept);
  }
  return undefined;
}
