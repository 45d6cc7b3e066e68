/**
 * The host for browser mode: one `Bun.serve` on 127.0.0.1 that serves the page, Monaco, the
 * editor's type definitions and the examples, bridges pages to the session over `/ws`, and proxies the page's own
 * EventSource clients to the runner under `/lane/<N>/…`. Every request passes the access guard.
 */

import type { Server } from "bun";
import { join } from "node:path";
import { createAccessGuard } from "./access-guard.ts";
import { serveModuleTypes } from "./editor-module-types.ts";
import { createEditorTypesCache } from "./editor-types.ts";
import { listExamples } from "./examples.ts";
import { monacoBase, monacoPreloads, withPreloads } from "./monaco-preload.ts";
import { withTheme } from "./page-theme.ts";
import { parseLanePath, proxyToLane } from "./lane-proxy.ts";
import { createSession, type PageConnection, type Session, type SessionOptions } from "./session.ts";
import { contentTag, serveFileInside, tagged } from "./static-files.ts";
import { buildWebview, sourceMapPath, type WebviewBundle } from "./webview-bundle.ts";
import { loadHostPort, loadPageBuild, saveHostPort, savePageBuild } from "./files/index.ts";
import { dependenciesDir } from "./package-dir.ts";
import { resolveWorkspaceDir } from "./workspace.ts";
import { projectRoot } from "./project-root.ts";
import { errorMessage, recordingWorkerPath } from "../contract/index.ts";

/** The project's root folder: the default home of the page, Monaco and the type definitions. */
export { projectRoot };

export interface HostOptions {
  /**
   * Port on 127.0.0.1; 0 (the default) picks a free one. `"remembered"`: the port the last launch
   * with this workspace listened on, when it is free (else any), kept for the next: the page's
   * origin stays the same, so what the browser cached of it serves the next launch.
   */
  port?: number | "remembered" | undefined;
  /** The page's script entry; `src/webview/main.ts` when left out. */
  webviewEntry?: string | undefined;
  /** The page itself; `src/webview/index.html` when left out. */
  indexHtml?: string | undefined;
  /** Where Monaco and the type packages are installed; found by resolution when left out (`package-dir.ts`). */
  nodeModules?: string | undefined;
  /** Settings of the session (the runner, the workspace folder, batching). */
  session?: SessionOptions | undefined;
  /** Where the host reports trouble that is not a request's (a failed build); `console.error` when left out. */
  log?: ((line: string) => void) | undefined;
  /**
   * Called with the launch URL as soon as the host listens, before the page's build and the runner
   * are ready: a page opened then is served as soon as its parts are (the page waits for its build,
   * a load waits for the runner), so a browser or window can start loading it at once.
   */
  onListening?: ((launchUrl: string) => void) | undefined;
}

/** What a WebSocket carries from its upgrade to its close. */
interface SocketData {
  page?: PageConnection | undefined;
}

const noStore = "no-store";
/** A file whose URL changes with its content (Monaco's build, under its version's path) is kept by the browser without asking again. */
const immutable = "public, max-age=31536000, immutable";
/**
 * Any other file the browser may keep, but checks again (a 304 when it is the same) on every load:
 * the origin stays the same from launch to launch, and an `npm install` or an edit changes files
 * under the same names.
 */
const revalidate = "no-cache";
/** A replay of a full buffer is tens of MB; a page too slow for more than this is closed and reconnects. */
const pageBackpressureLimit = 256 * 1024 * 1024;

/**
 * The page's Content-Security-Policy: its scripts, styles, fonts and workers come from the host
 * alone, and it talks to the host alone (`connect-src 'self'` covers the page's WebSocket and the
 * lane proxy). No inline script and no `eval`: an injection that got into the page could not run,
 * nor send `load` (code run on this machine) from another origin's script. Styles may be inline
 * (Monaco sets them on its own elements), and images may be `data:`/`blob:` (the timeline's PNG).
 */
export const pageContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Fields every response of the host's own carries. */
const commonHeaders = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { ...commonHeaders, "content-type": "text/plain;charset=utf-8", "cache-control": noStore },
  });
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries({ ...commonHeaders, ...headers })) response.headers.set(name, value);
  return response;
}

/**
 * The page's own files (its script, styles, source map), built when the host starts: kept by the
 * browser and checked again on each load, a 304 while they are what it has, so a launch after an
 * edit gets the new build and one without gets the cached file and the code compiled from it.
 */
function revalidated(request: Request, body: string, contentType: string): Response {
  return tagged(request, contentTag(body), body, {
    ...commonHeaders,
    "content-type": contentType,
    "cache-control": revalidate,
  });
}

/** Listens on `preferred` (a remembered port) when it can, else on `port`. */
function listenOn<S>(listen: (port: number) => S, port: number, preferred: number | undefined): S {
  if (preferred !== undefined) {
    try {
      return listen(preferred);
    } catch {
      // Taken by another program (or another playground) since: any port will do, as on a first launch.
    }
  }
  return listen(port);
}

function buildFailedPage(message: string): Response {
  return text(
    500,
    `Stream Playground could not build its page, so there is nothing to show yet.\n\n${message}\n\nFix the error and start the playground again.\n`,
  );
}

/** A running host: where to open it, its session, and how to stop it. */
export interface Host extends AsyncDisposable {
  /** Open this: it trades the token for the cookie and lands on the page. */
  readonly launchUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The name of the cookie the launch URL sets. */
  readonly cookieName: string;
  /** The port the host listens on. */
  readonly port: number;
  /** The address the server is bound to: always `127.0.0.1`. */
  readonly hostname: string;
  /** The playground's state: the runner, the clients and the pages. */
  readonly session: Session;
  /** Closes every page and client connection and stops the runner. */
  stop(): Promise<void>;
}

export async function startHost(options: HostOptions = {}): Promise<Host> {
  const webviewEntry = options.webviewEntry ?? join(projectRoot, "src/webview/main.ts");
  const indexHtml = options.indexHtml ?? join(projectRoot, "src/webview/index.html");
  const nodeModules = options.nodeModules ?? dependenciesDir();
  const monacoRoot = join(nodeModules, "monaco-editor/min");
  const log = options.log ?? ((line: string) => console.error(line));
  const session = createSession(options.session);
  const editorTypes = createEditorTypesCache(nodeModules);
  const workspaceDir = resolveWorkspaceDir(options.session?.workspaceDir);
  const buildStartedAt = Date.now();
  /** The build the last launch kept, when it still holds (files/page-build.ts). */
  const kept = loadPageBuild(workspaceDir, webviewEntry, sourceMapPath).catch(() => undefined);
  const building = kept.then((build): Promise<WebviewBundle> | WebviewBundle =>
    build === undefined ? buildWebview(webviewEntry, projectRoot) : build,
  );
  /** The build's outcome once it is known; the page itself does not wait for it (its script does). */
  let built: WebviewBundle | undefined;
  void building.then((bundle) => {
    built = bundle;
  });
  /** The recording worker's script, built when a page first opens a recording. */
  let workerBuild: Promise<WebviewBundle> | undefined;
  const recordingWorker = () =>
    (workerBuild ??= buildWebview(join(projectRoot, "src/webview/recording-worker.ts"), projectRoot, undefined));
  const monaco = monacoBase(monacoRoot);
  const preloads = monaco.then(async (base) =>
    monacoPreloads(monacoRoot, base).catch((error: unknown) => {
      log(`host: the page will load Monaco without preload hints: ${errorMessage(error)}`);
      return { loader: `${base}/vs/loader.js`, scripts: [], styles: [] };
    }),
  );

  const remembered = options.port === "remembered" ? await loadHostPort(workspaceDir) : undefined;
  const listen = (port: number) =>
    Bun.serve<SocketData>({
      hostname: "127.0.0.1",
      port,
      fetch: route,
      websocket: {
        backpressureLimit: pageBackpressureLimit,
        closeOnBackpressureLimit: true,
        open(ws) {
          const page: PageConnection = {
            send(message) {
              // A reply can be ready after the page has gone; there is no one left to tell.
              if (ws.readyState === WebSocket.OPEN) ws.send(message);
            },
          };
          ws.data.page = page;
          session.attach(page);
        },
        message(ws, message) {
          if (ws.data.page) session.receive(ws.data.page, message);
        },
        close(ws) {
          if (ws.data.page) session.detach(ws.data.page);
        },
      },
      error(error) {
        log(`host: ${error.stack ?? error.message}`);
        return text(500, `The playground's host failed on this request: ${error.message}\n`);
      },
    });
  const server = listenOn(listen, typeof options.port === "number" ? options.port : 0, remembered);
  const guard = createAccessGuard({ port: server.port ?? 0 });
  options.onListening?.(guard.launchUrl);

  async function route(request: Request, server: Server<SocketData>): Promise<Response | undefined> {
    // Bun builds the URL from the Host header: one like `127.0.0.1:PORT@evil.com` makes no URL at all.
    const url = URL.parse(request.url);
    if (!url) return text(400, "The request's Host header does not make a URL: this server answers only to its own.\n");
    const decision = guard.check(request, url.pathname === "/ws");
    if (!decision.allowed) return withHeaders(decision.response, {});
    if (url.pathname === "/ws") {
      return server.upgrade(request, { data: {} }) ? undefined : text(400, "/ws expects a WebSocket upgrade\n");
    }
    const lane = parseLanePath(url.pathname, url.search);
    if (lane) {
      const browser = session.browserLane(lane.lane);
      if (!browser) return text(404, `Lane ${lane.lane} has no browser client: connect one from the page first.\n`);
      // An event stream may be quiet for longer than Bun.serve's 10 s idle timeout.
      server.timeout(request, 0);
      return proxyToLane(request, {
        runnerOrigin: new URL(session.runnerUrl).origin,
        lane: lane.lane,
        path: lane.path,
        ...browser,
      });
    }
    if (request.method !== "GET" && request.method !== "HEAD")
      return text(405, `${request.method} is not supported here\n`);
    if (url.pathname.startsWith("/monaco/")) {
      // Under the installed version's own path a file never changes; under plain /monaco it may.
      const base = await monaco;
      const pinned = base !== "/monaco" && url.pathname.startsWith(`${base}/`);
      const path = url.pathname.slice((pinned ? base : "/monaco").length + 1);
      return withHeaders(await serveFileInside(monacoRoot, path, pinned ? immutable : revalidate, request), {});
    }
    switch (url.pathname) {
      case "/":
        // A build that already failed shows why; one still running is waited for by the page's
        // script alone, so the page's other files (Monaco) load meanwhile.
        return page(built?.ok === false ? built.message : undefined);
      case "/app.js":
        return script(request, await building);
      case recordingWorkerPath:
        return script(request, await recordingWorker());
      case "/app.css":
        return styles(request, await building);
      case sourceMapPath:
        return sourceMap(request, await building);
      case "/health":
        return withHeaders(Response.json({ ok: true, runnerUrl: session.runnerUrl }), { "cache-control": noStore });
      case "/examples/index.json":
        return examples();
      case "/assets/icon.svg":
        return withHeaders(await serveFileInside(join(projectRoot, "assets"), "icon.svg", revalidate, request), {});
      case "/types/editor.json":
        return withHeaders(await editorTypes.serve(request), {});
      case "/types/module":
        return withHeaders(await serveModuleTypes(url), {});
    }
    return text(404, `Not found: ${url.pathname}\n`);
  }

  async function examples(): Promise<Response> {
    try {
      return withHeaders(Response.json(await listExamples()), { "cache-control": noStore });
    } catch (error) {
      return text(500, `The examples could not be read: ${errorMessage(error)}\n`);
    }
  }

  async function page(buildFailure: string | undefined): Promise<Response> {
    if (buildFailure !== undefined) return buildFailedPage(buildFailure);
    const file = Bun.file(indexHtml);
    if (!(await file.exists())) return buildFailedPage(`The page ${indexHtml} is missing.`);
    const html = withTheme(withPreloads(await file.text(), await preloads), session.workspace()?.settings.theme);
    return new Response(html, {
      headers: {
        ...commonHeaders,
        "content-type": "text/html;charset=utf-8",
        "cache-control": noStore,
        "content-security-policy": pageContentSecurityPolicy,
      },
    });
  }

  function script(request: Request, bundle: WebviewBundle): Response {
    if (!bundle.ok) {
      // The page was served before the build failed: it shows the failure where it would have shown itself.
      const show = `document.body.replaceChildren(Object.assign(document.createElement("pre"), { textContent: ${JSON.stringify(`Stream Playground could not build its page.\n\n${bundle.message}`)} }));`;
      return new Response(show, {
        headers: { ...commonHeaders, "content-type": "text/javascript;charset=utf-8", "cache-control": noStore },
      });
    }
    return revalidated(request, bundle.js, "text/javascript;charset=utf-8");
  }

  function sourceMap(request: Request, bundle: WebviewBundle): Response {
    if (!bundle.ok || bundle.map === undefined) return text(404, "The page's script has no source map.\n");
    return revalidated(request, bundle.map, "application/json;charset=utf-8");
  }

  async function styles(request: Request, bundle: WebviewBundle): Promise<Response> {
    if (!bundle.ok) return buildFailedPage(bundle.message);
    const parts = bundle.css === undefined ? [] : [bundle.css];
    const appCss = bundle.appCss === undefined ? undefined : Bun.file(bundle.appCss);
    if (appCss && (await appCss.exists())) parts.push(await appCss.text());
    if (parts.length === 0)
      return text(404, "The page has no styles: its script imports no CSS and there is no app.css beside it.\n");
    return revalidated(request, parts.join("\n"), "text/css;charset=utf-8");
  }

  try {
    const [bundle] = await Promise.all([building, session.start()]);
    // The workspace folder exists once the session has started.
    if (options.port === "remembered" && server.port !== undefined && server.port !== remembered)
      await saveHostPort(workspaceDir, server.port).catch((error: unknown) =>
        log(`host: the next launch may listen elsewhere (its port could not be kept): ${errorMessage(error)}`),
      );
    if (!bundle.ok) log(`The page did not build; it shows this error instead:\n${bundle.message}`);
    else if ((await kept) === undefined)
      await savePageBuild({
        workspaceDir,
        entry: webviewEntry,
        mapPath: sourceMapPath,
        build: bundle,
        startedAt: buildStartedAt,
      }).catch((error: unknown) =>
        log(`host: the next launch will build the page again (this build could not be kept): ${errorMessage(error)}`),
      );
  } catch (error) {
    await stop();
    throw error;
  }

  async function stop(): Promise<void> {
    await server.stop(true);
    await session.stop();
  }

  return {
    launchUrl: guard.launchUrl,
    origin: `http://127.0.0.1:${server.port}`,
    cookieName: guard.cookieName,
    port: server.port ?? 0,
    hostname: server.hostname ?? "",
    session,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
