/**
 * An in-process host for tests, serving a page of its own (so tests do not depend on src/webview),
 * and a browser's first step with it: following the launch URL to get the cookie.
 */

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startHost, type Host } from "../../src/main/host-server.ts";
import type { SessionOptions } from "../../src/main/session.ts";
import { createTempDir } from "./temp-dir.ts";

/** What a page needs to reach a host: an in-process one, or one a fixture process started. */
export interface HostAddress {
  /** The URL carrying the token; following it sets the cookie. */
  launchUrl: string;
  /** `http://127.0.0.1:<port>`: the Origin the host expects from its page. */
  origin: string;
  /** The port the host listens on. */
  port: number;
}

/** A page whose script only sets its title, and the index.html that loads it. */
export const defaultPageFiles: Readonly<Record<string, string>> = {
  "main.ts": `document.title = "test page";\n`,
  "index.html": `<!doctype html><script type="module" src="/app.js"></script>\n`,
};

/** Writes `files` (by name; `main.ts` is the page's script) into a new temporary folder, removed on dispose. */
export async function createTestPage(files: Readonly<Record<string, string>> = defaultPageFiles) {
  const page = await createTempDir("test-page-");
  for (const [name, text] of Object.entries(files)) await writeFile(join(page.dir, name), text);
  return page;
}

/** How `startTestHost` sets up its host. */
export interface TestHostOptions {
  /** The page's files (see `createTestPage`); `defaultPageFiles` when left out. */
  files?: Readonly<Record<string, string>> | undefined;
  /** Receives the host's log lines; they are dropped when left out. */
  log?: ((line: string) => void) | undefined;
  /** The session's options. Without a `workspaceDir` the page's own folder is the workspace too. */
  session?: SessionOptions | undefined;
}

/** Starts a host on a free port with a page of its own; `await using` stops it and removes the page. */
export async function startTestHost(options: TestHostOptions = {}) {
  const page = await createTestPage(options.files);
  let host: Host;
  try {
    host = await startHost({
      port: 0,
      webviewEntry: join(page.dir, "main.ts"),
      indexHtml: join(page.dir, "index.html"),
      session: { ...options.session, workspaceDir: options.session?.workspaceDir ?? page.dir },
      log: options.log ?? (() => {}),
    });
  } catch (error) {
    await page[Symbol.asyncDispose]();
    throw error;
  }
  return Object.assign(host, {
    async [Symbol.asyncDispose]() {
      await host.stop();
      await page[Symbol.asyncDispose]();
    },
  });
}

/** A host from `startTestHost`. */
export type TestHost = Awaited<ReturnType<typeof startTestHost>>;

/** Follows the launch URL by hand; returns the cookie it sets, as a `Cookie` header. */
export async function letIn(host: Pick<HostAddress, "launchUrl">): Promise<string> {
  const response = await fetch(host.launchUrl, { redirect: "manual" });
  return (response.headers.get("set-cookie") ?? "").split(";", 1)[0]!;
}
