/**
 * `/lane/<N>/<path>`: the page's own EventSource reaches the runner through the host, on the
 * host's origin, tagged with its lane so the server's events land beside the page's. The response
 * streams back as the runner writes it; nothing is buffered.
 */

import { errorMessage, laneHeader } from "../contract/index.ts";
import type { LaneTap } from "../clients/index.ts";
import { hopByHopFields } from "../shared/index.ts";

/** What a lane request goes to. */
export interface LaneTarget {
  /** The runner's origin, e.g. `http://127.0.0.1:41234`. */
  runnerOrigin: string;
  lane: number;
  /** Path and query on the runner, starting with `/`. */
  path: string;
  /** Aborted when the session retires the lane (a `clear`): ends the proxied stream. */
  signal: AbortSignal;
  /** Records the request, its response and its body on the lane's timeline, as they pass. */
  tap?: LaneTap | undefined;
}

/** Fields that describe one hop, not the message, and the proxy's own credentials: none cross. */
const hopByHop = [...hopByHopFields, "proxy-authenticate", "proxy-authorization"];

/**
 * Request fields kept from the runner: `host` is the runner's own, `cookie` holds the host's
 * secret, and `content-length` is recomputed from the forwarded body.
 */
const notForwarded = new Set([...hopByHop, "host", "cookie", "content-length"]);

/**
 * Response fields kept from the page: `set-cookie` would set cookies on the host's origin (and
 * could replace the host's own), while the cookies a page sends are never forwarded anyway.
 */
const notReturned = new Set([...hopByHop, "set-cookie"]);

/** Matches `/lane/<N>` and what follows it. */
const lanePath = /^\/lane\/([1-9]\d{0,8})(\/.*)?$/;

/** The lane and runner path of a `/lane/…` pathname, or undefined when it is not one. */
export function parseLanePath(pathname: string, search: string): { lane: number; path: string } | undefined {
  const match = lanePath.exec(pathname);
  if (!match) return undefined;
  return { lane: Number(match[1]), path: (match[2] ?? "/") + search };
}

function copyHeaders(from: Headers, dropped: Set<string>): Headers {
  const named = (from.get("connection") ?? "").split(",").map((name) => name.trim().toLowerCase());
  const headers = new Headers();
  for (const [name, value] of from) {
    if (!dropped.has(name) && !named.includes(name)) headers.append(name, value);
  }
  return headers;
}

export async function proxyToLane(request: Request, target: LaneTarget): Promise<Response> {
  const headers = copyHeaders(request.headers, notForwarded);
  headers.set(laneHeader, String(target.lane));
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const tapped = target.tap?.connect(target.runnerOrigin + target.path, request);
  let upstream: Response;
  try {
    upstream = await fetch(target.runnerOrigin + target.path, {
      method: request.method,
      headers,
      // EventSource requests have no body; others are small, and a whole body keeps its length.
      body: hasBody ? await request.arrayBuffer() : undefined,
      signal: AbortSignal.any([request.signal, target.signal]),
      redirect: "manual",
      // The browser decodes what the runner encoded, as it would talking to the runner itself.
      decompress: false,
      // An SSE stream may be quiet for minutes; Bun's fetch gives up on idle sockets after 5.
      timeout: false,
      proxy: false,
    });
  } catch (error) {
    const message = errorMessage(error);
    tapped?.failed(`the playground could not reach the runner: ${message}`);
    return new Response(`The playground could not reach the runner for lane ${target.lane}: ${message}\n`, {
      status: 502,
      headers: { "content-type": "text/plain;charset=utf-8" },
    });
  }
  const returned = copyHeaders(upstream.headers, notReturned);
  // Opened in a tab, a snippet's HTML must not run as the playground's own origin.
  returned.set("content-security-policy", "sandbox");
  tapped?.response(upstream);
  const body = tapped ? tapped.body(upstream.body) : upstream.body;
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers: returned });
}
