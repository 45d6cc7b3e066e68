/**
 * Chromium driven the way a person's browser runs a page: over a bare DevTools connection that
 * opens and closes tabs and asks a page one-line questions (`Runtime.evaluate`), with no DevTools
 * domain turned on in the page. Playwright turns on a page's Runtime, Network, Log and Page domains
 * and a script world of its own before the page's first byte; a start timed through it pays for
 * them, Monaco's most (bench/README.md, "Later on 2026-12-07: a page's start without DevTools in
 * it"). The start figures are timed here; the benchmarks that click and type in a page use
 * Playwright.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorMessage } from "../src/contract/index.ts";
import { chromiumArgs, chromiumPath } from "../tests/browser/chromium.ts";

/** A tab of a `BareChromium`; `await using` closes it. */
export interface BareTab extends AsyncDisposable {
  /** Loads `url` in the tab; resolves once the navigation has begun. */
  navigate(url: string): Promise<void>;
  /** The value of a JavaScript expression in the page (returned by value); throws if it throws. */
  evaluate(expression: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface BareChromium {
  /**
   * Opens a blank tab: with a cache of its own, empty (a first visit), or (`"profile"`) with the
   * profile's, kept from one tab to the next as a person's browser keeps it. A tab is made before
   * the moment timed, as a person's browser is open before they follow a link.
   */
  newTab(cache: "empty" | "profile"): Promise<BareTab>;
  close(): Promise<void>;
}

export interface BareChromiumOptions {
  /** The profile folder, kept by the caller; a fresh one, removed at close, when undefined. */
  profile?: string | undefined;
}

/**
 * The window Playwright's pages have (1280 × 720), which the start figures were first measured in;
 * headless Chromium gives a tab the window less its frame, 1280 × 633.
 */
const windowSize = "1280,720";
/** How long one DevTools reply may take, and the browser its start and its close. */
const replyTimeoutMs = 30_000;
const startTimeoutMs = 20_000;
const closeTimeoutMs = 5_000;

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string };
}

export async function launchBareChromium(options: BareChromiumOptions = {}): Promise<BareChromium> {
  const ownProfile = options.profile === undefined;
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), "stream-playground-bench-chromium-"));
  const portFile = join(profile, "DevToolsActivePort");
  rmSync(portFile, { force: true });
  // A process group of its own, so that whatever it started ends with it.
  const browser = Bun.spawn(
    [
      chromiumPath,
      ...chromiumArgs,
      "--headless",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      `--window-size=${windowSize}`,
      "--no-first-run",
      "--no-default-browser-check",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "ignore"], detached: true },
  );
  const endGroup = () => {
    try {
      process.kill(-browser.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const cleanUp = async () => {
    endGroup();
    await browser.exited;
    if (ownProfile) rmSync(profile, { recursive: true, force: true });
  };

  let socket: WebSocket;
  try {
    // The file's two lines, the port and the browser's path, are written once it listens.
    const deadline = performance.now() + startTimeoutMs;
    const listening = () => (existsSync(portFile) ? readFileSync(portFile, "utf8").split("\n") : []);
    let [port, path] = listening();
    while (!port || !path) {
      if (browser.exitCode !== null) throw new Error(`Chromium ended at its start (exit ${browser.exitCode})`);
      if (performance.now() > deadline) throw new Error(`Chromium did not open DevTools within ${startTimeoutMs} ms`);
      await Bun.sleep(20);
      [port, path] = listening();
    }
    socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error("Chromium's DevTools connection failed")), {
        once: true,
      });
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }

  let nextId = 1;
  const waiting = new Map<number, (reply: Reply) => void>();
  socket.addEventListener("message", (event) => {
    const reply = JSON.parse(String(event.data)) as Reply;
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  socket.addEventListener("close", () => {
    for (const [id, answer] of waiting) answer({ id, error: { message: "the DevTools connection closed" } });
    waiting.clear();
  });

  function send<T>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${method}: no reply within ${replyTimeoutMs} ms`));
      }, replyTimeoutMs);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result as T);
      });
      socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  async function newTab(cache: "empty" | "profile"): Promise<BareTab> {
    const context =
      cache === "empty"
        ? (await send<{ browserContextId: string }>("Target.createBrowserContext")).browserContextId
        : undefined;
    const { targetId } = await send<{ targetId: string }>("Target.createTarget", {
      url: "about:blank",
      ...(context === undefined ? {} : { browserContextId: context }),
    });
    // Attached for navigating and questions only: no domain is enabled on this session.
    const { sessionId } = await send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
    const close = async () => {
      await send("Target.closeTarget", { targetId }).catch(() => {});
      if (context !== undefined)
        await send("Target.disposeBrowserContext", { browserContextId: context }).catch(() => {});
    };
    return {
      close,
      [Symbol.asyncDispose]: close,
      async navigate(url) {
        const { errorText } = await send<{ errorText?: string }>("Page.navigate", { url }, sessionId);
        if (errorText) throw new Error(`${url} did not load: ${errorText}`);
      },
      async evaluate(expression) {
        const { result, exceptionDetails } = await send<{
          result: { value?: unknown };
          exceptionDetails?: { text: string; exception?: { description?: string } };
        }>("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
        if (exceptionDetails)
          throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
        return result.value;
      },
    };
  }

  async function close(): Promise<void> {
    try {
      await Promise.race([send("Browser.close"), Bun.sleep(closeTimeoutMs)]);
      await Promise.race([browser.exited, Bun.sleep(closeTimeoutMs)]);
    } catch (error) {
      console.error(`bench: Chromium did not close when asked (${errorMessage(error)}); ending it`);
    } finally {
      socket.close();
      await cleanUp();
    }
  }

  return { newTab, close };
}
