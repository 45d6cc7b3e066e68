/**
 * The page's Content-Security-Policy, in Chromium: everything the playground itself does (Monaco
 * and its workers, the page's WebSocket, a browser lane through the lane proxy, the timeline's
 * PNG) runs without a single violation, while an injected inline script and a connection to any
 * other origin are refused.
 */

import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { pageContentSecurityPolicy } from "../../src/main/host-server.ts";
import { usePlaygroundInChromium, waitForRow } from "./playground-page.ts";

const playground = usePlaygroundInChromium();

declare global {
  interface Window {
    violations?: { directive: string; blocked: string }[];
    injected?: number;
  }
}

/** The page, with every CSP violation it meets recorded from its first script on. */
async function openWatched(): Promise<Page> {
  const context = await playground.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      window.violations!.push({ directive: event.effectiveDirective, blocked: event.blockedURI }),
    );
  });
  const page = await context.newPage();
  await page.goto(playground.host.launchUrl);
  await page.waitForSelector("body[data-editor-ready]");
  return page;
}

const violations = (page: Page) => page.evaluate(() => window.violations ?? []);

describe("the page's Content-Security-Policy", () => {
  test("the page is served with it, and what the playground does meets no violation", async () => {
    const response = await fetch(playground.host.launchUrl, { redirect: "manual" });
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    const page = await fetch(new URL("/", playground.host.origin), { headers: { cookie } });
    expect(page.headers.get("content-security-policy")).toBe(pageContentSecurityPolicy);

    const watched = await openWatched();
    // Typing reaches Monaco's TypeScript worker: a type error is marked.
    await watched.click(".monaco-editor .view-lines");
    await watched.keyboard.press("ControlOrMeta+End");
    await watched.keyboard.type("\nconst wrong: number = 'text';\n");
    await watched.waitForFunction(() =>
      window.monaco!.editor.getModelMarkers({}).some((marker) => marker.message.includes("not assignable")),
    );
    // A browser lane: the page's own EventSource through the lane proxy.
    await watched.selectOption("#client-kind", "browser");
    await watched.click("#connect");
    await waitForRow(watched, /^1 client open /);
    // The timeline as a PNG, made from the canvas.
    const png = await watched.evaluate(
      () =>
        new Promise<string>((resolve) =>
          document.querySelector<HTMLCanvasElement>("canvas")!.toBlob((blob) => resolve(blob?.type ?? "none")),
        ),
    );
    expect(png).toBe("image/png");
    expect(await violations(watched)).toEqual([]);
  }, 60_000);

  test("an injected inline script and a connection to another origin are refused", async () => {
    const page = await openWatched();
    using elsewhere = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("reached") });
    const other = `http://127.0.0.1:${elsewhere.port}/`;
    const outcome = await page.evaluate(async (url) => {
      const script = document.createElement("script");
      script.textContent = "window.injected = 1";
      document.body.append(script);
      const fetched = await fetch(url).then(
        (response) => response.text(),
        (error: Error) => error.name,
      );
      const socket = await new Promise<string>((resolve) => {
        try {
          const ws = new WebSocket(url.replace("http:", "ws:"));
          ws.onopen = () => resolve("open");
          ws.onerror = () => resolve("error");
        } catch (error) {
          resolve((error as Error).name);
        }
      });
      return { injected: window.injected, fetched, socket };
    }, other);
    expect(outcome).toEqual({ injected: undefined, fetched: "TypeError", socket: "error" });
    const directives = (await violations(page)).map((violation) => violation.directive);
    expect([...new Set(directives)].sort()).toEqual(["connect-src", "script-src-elem"]);
    // Scripts from the host alone: no inline script, no eval (a check Chromium lifts for code the
    // test itself runs in the page, so it is read from the policy).
    expect(pageContentSecurityPolicy.split("; ")).toContain("script-src 'self'");
  }, 30_000);
});
