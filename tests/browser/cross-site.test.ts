/**
 * Another page on the same machine cannot reach the playground through the browser: Chromium sends
 * the host's cookie to every port of 127.0.0.1 (one site) and no `Origin` on a plain `<img>` GET,
 * so the host tells such a request by its fetch metadata.
 */

import { describe, expect, test } from "bun:test";
import { usePlaygroundInChromium } from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });

describe("another port's page", () => {
  test("what Chromium sends for an <img> from another 127.0.0.1 port carries the host's cookie, and the host refuses it", async () => {
    // Let the browser in, as a user does: it now holds the host's cookie.
    const page = await playground.open();
    // What the browser sends cross-port, as a server on a third port receives it (cookies ignore ports).
    const received = Promise.withResolvers<Headers>();
    await using recorder = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(request) {
        received.resolve(request.headers);
        return new Response("", { headers: { "content-type": "image/gif" } });
      },
    });
    await using attacker = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () =>
        new Response(`<!doctype html><img src="${recorder.url.href}x.gif">`, {
          headers: { "content-type": "text/html" },
        }),
    });
    await page.goto(attacker.url.href);
    const sent = await received.promise;
    const cookie = sent.get("cookie") ?? "";
    expect({
      site: sent.get("sec-fetch-site"),
      origin: sent.get("origin"),
      hasHostCookie: cookie.includes("="),
    }).toEqual({
      site: "same-site",
      origin: null,
      hasHostCookie: true,
    });
    // The same request at the host: refused. The same cookie from the host's own page: let in.
    const at = (site: string) =>
      fetch(`${playground.host.origin}/health`, { headers: { cookie, "sec-fetch-site": site } }).then((r) => r.status);
    expect({ "another port's page": await at("same-site"), "the page itself": await at("same-origin") }).toEqual({
      "another port's page": 403,
      "the page itself": 200,
    });
  }, 30_000);
});
