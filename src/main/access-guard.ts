/**
 * Who may talk to the host. It runs whatever snippet a page sends it, so only the person who
 * started it may use it, even from other web pages in the same browser:
 *
 * - a secret token, printed once in the launch URL, is traded for an `HttpOnly; SameSite=Strict`
 *   cookie; every other request needs the cookie;
 * - `Host` must name this server, which defeats DNS rebinding (a foreign name resolving to
 *   127.0.0.1 still sends its own name);
 * - `Origin`, when present, must be this server: browsers always send it on WebSocket upgrades
 *   and cross-origin requests, so the upgrade requires it.
 */

import { hostCookieName } from "../contract/index.ts";

export interface AccessGuardOptions {
  /** The port the host listens on; cookies are shared by every port of a host, so the name carries it. */
  port: number;
  /** The launch secret; a fresh random one when left out. */
  token?: string | undefined;
}

/** What a request may do next: go on, or be answered with `response` (a refusal or the cookie's redirect). */
export type AccessDecision = { allowed: true } | { allowed: false; response: Response };

/** 32 random bytes, base64url: the per-launch secret. */
export function createLaunchToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

function refuse(reason: string): AccessDecision {
  const text = `Forbidden: ${reason}\nOpen the URL printed by npm start (or npm run start:web); it carries the secret that lets this browser in.\n`;
  return {
    allowed: false,
    response: new Response(text, {
      status: 403,
      headers: { "content-type": "text/plain;charset=utf-8", "cache-control": "no-store" },
    }),
  };
}

/** The value of one cookie in a `Cookie` header, or undefined. */
function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The host's door: this launch's secret, and the check every request passes. */
export interface AccessGuard {
  /** This launch's secret. */
  readonly token: string;
  /** The cookie the secret is kept in, named for the host's port. */
  readonly cookieName: string;
  /** The URL to open: it sets the cookie and redirects to `/`. */
  readonly launchUrl: string;
  /** Checks one request; `websocket` when it is the `/ws` upgrade, which must carry an `Origin`. */
  check(request: Request, websocket?: boolean): AccessDecision;
}

export function createAccessGuard(options: AccessGuardOptions): AccessGuard {
  const { port } = options;
  const token = options.token ?? createLaunchToken();
  const secret = Buffer.from(token);
  // The runner strips every cookie of this name's prefix before a snippet sees a request.
  const cookieName = hostCookieName(port);
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** Compares in constant time, so response timing says nothing about how much of a guess was right. */
  function isSecret(value: string | undefined | null): boolean {
    if (value === undefined || value === null) return false;
    const given = Buffer.from(value);
    return given.length === secret.length && crypto.timingSafeEqual(given, secret);
  }

  return {
    token,
    cookieName,
    launchUrl: `http://127.0.0.1:${port}/?token=${token}`,

    check(request: Request, websocket = false): AccessDecision {
      const host = request.headers.get("host")?.toLowerCase();
      if (host === undefined || !hosts.has(host))
        return refuse(
          `this server answers only to 127.0.0.1:${port} and localhost:${port}, not ${JSON.stringify(host ?? "")}`,
        );
      const origin = request.headers.get("origin");
      if (origin !== null && !origins.has(origin.toLowerCase()))
        return refuse(`requests from ${origin} are not accepted`);
      if (websocket && origin === null) return refuse("a WebSocket must come from the playground's own page");
      // Browsers send no Origin on a plain GET (`<img src>`, `<script src>`), and treat every port of
      // 127.0.0.1 as the same site, so SameSite cookies go along: their fetch metadata says where the
      // request came from. Only the page itself (same-origin) and the user (none: a typed URL, a
      // launch) are let in; a client without fetch metadata (curl, WebKitGTK) is judged by the rest.
      const site = request.headers.get("sec-fetch-site");
      if (site !== null && site !== "same-origin" && site !== "none")
        return refuse(`requests made by another site's page (${site}) are not accepted`);

      const url = new URL(request.url);
      const offered = url.searchParams.get("token");
      if (offered !== null) {
        if (!isSecret(offered))
          return refuse("that token is not this launch's (the host makes a new one each time it starts)");
        url.searchParams.delete("token");
        const location = url.pathname + url.search;
        return {
          allowed: false,
          response: new Response(null, {
            status: 303,
            headers: {
              location,
              "set-cookie": `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
              "cache-control": "no-store",
            },
          }),
        };
      }
      if (!isSecret(readCookie(request.headers.get("cookie"), cookieName)))
        return refuse("this browser has not been let in");
      return { allowed: true };
    },
  };
}
