/**
 * What reaches a snippet's handler. The runner answers only requests addressed to this machine by
 * a loopback name: a `Host` of any other name (a DNS-rebinding page's name resolving to 127.0.0.1
 * still sends its own) is refused with a 403 before any snippet code runs. The port is not held to
 * the runner's own: a dev server's proxy (Vite's, by default) passes on its own `Host`. And the host's
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

const loopbackNames = ["127.0.0.1", "localhost", "[::1]"] as const;

/** True when `host` (the `Host` header) names this machine by a loopback name, with any port or none. */
export function isOwnHost(host: string | null): boolean {
  if (host === null) return false;
  const name = host.toLowerCase();
  return loopbackNames.some(
    (own) => name === own || (name.startsWith(`${own}:`) && /^\d{1,5}$/.test(name.slice(own.length + 1))),
  );
}

/**
 * Checks a request before the snippet sees it: a refusal to send instead, or undefined once the
 * host's cookies are gone from it and it may go on.
 */
export function guardRequest(request: Request): Response | undefined {
  const host = request.headers.get("host");
  if (!isOwnHost(host)) {
    const text = `Forbidden: the playground's runner answers only to ${loopbackNames.join(", ")}, not ${JSON.stringify(host ?? "")}.\n`;
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
