/**
 * What the page fetches to load Monaco, named up front: `editor.main` pulls in its modules a level
 * at a time (its own file, then the chunks it names, then theirs), each level after the last has
 * been fetched and run. Listed in the page's `<head>` as preloads, they are all fetched at once
 * while the page itself loads, and compiled as they arrive.
 *
 * The list is read from the build's own `define("id", [deps], …)` headers, so it follows whatever
 * chunks the installed Monaco has.
 */

import { open, readFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";

/** Monaco's entry module, as the page's loader asks for it. */
export const monacoEntry = "vs/editor/editor.main";

/** Enough of a file to hold its `define(…)` header (the longest in Monaco 0.57 is ~500 bytes). */
const headerBytes = 4096;

/** A module file's `define(…)` header and its size in bytes; undefined when there is no such file. */
async function readHeader(path: string): Promise<{ header: string; size: number } | undefined> {
  const file = await open(path).catch(() => undefined);
  if (!file) return undefined;
  try {
    const buffer = Buffer.alloc(headerBytes);
    const { bytesRead } = await file.read(buffer, 0, headerBytes, 0);
    return { header: buffer.toString("utf8", 0, bytesRead), size: (await file.stat()).size };
  } finally {
    await file.close();
  }
}

/** The module ids a `define("id", ["dep", …], …)` header names, relative ones resolved against `id`. */
export function definedDependencies(id: string, header: string): string[] {
  const match = /^define\(\s*"[^"]*"\s*,\s*\[([^\]]*)\]/.exec(header);
  if (!match) return [];
  const deps: string[] = [];
  for (const quoted of match[1]!.matchAll(/"([^"]*)"/g)) {
    // A loader plugin (`vs/nls.messages-loader!`) is a module too; its resource part is not a file.
    const dep = quoted[1]!.split("!")[0]!;
    if (dep === "" || dep === "exports" || dep === "require" || dep === "module") continue;
    deps.push(dep.startsWith(".") ? posix.join(posix.dirname(id), dep) : dep);
  }
  return deps;
}

/**
 * Where the page finds Monaco's build: `/monaco/<version>`, so a file's URL changes whenever an
 * `npm install` changes Monaco, and the browser may keep every file under it for good. Plain
 * `/monaco` when the installed version cannot be read.
 */
export async function monacoBase(monacoRoot: string): Promise<string> {
  try {
    const { version } = JSON.parse(await readFile(join(dirname(monacoRoot), "package.json"), "utf8")) as {
      version?: unknown;
    };
    if (typeof version === "string" && /^[0-9A-Za-z.+-]+$/.test(version)) return `/monaco/${version}`;
  } catch {
    // Not where it should be: the page is served Monaco unversioned, checked again on each load.
  }
  return "/monaco";
}

/** What the page is told to fetch for Monaco, under `base` (`monacoBase`). */
export interface MonacoPreloads {
  /** Monaco's AMD loader, which the page runs first. */
  loader: string;
  scripts: string[];
  styles: string[];
}

/**
 * The URL paths (under `base`) of every script `editor.main` loads before Monaco's API is
 * defined, largest first, and its stylesheet; no scripts when the build is not where it should be
 * (the page then loads Monaco without the hints).
 *
 * Largest first: a browser fetches a few files from one host at a time, and compiles a script as it
 * arrives; Monaco's two largest chunks (3.7 of its 4.2 MB) listed among its small ones waited
 * for a connection behind them, and the editor waited for the largest to arrive and compile.
 */
export async function monacoPreloads(monacoRoot: string, base = "/monaco"): Promise<MonacoPreloads> {
  const loader = `${base}/vs/loader.js`;
  const seen = new Set<string>();
  const found: { href: string; size: number }[] = [];
  const pending = [monacoEntry];
  while (pending.length > 0) {
    const id = pending.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const file = await readHeader(join(monacoRoot, `${id}.js`));
    if (file === undefined) continue;
    found.push({ href: `${base}/${id}.js`, size: file.size });
    pending.push(...definedDependencies(id, file.header));
  }
  if (found.length === 0) return { loader, scripts: [], styles: [] };
  const scripts = found.toSorted((a, b) => b.size - a.size).map((script) => script.href);
  // editor.main adds this stylesheet when it runs; the editor lays itself out with it.
  return { loader, scripts, styles: [`${base}/${monacoEntry}.css`] };
}

/**
 * `html` with preload hints put at the end of its `<head>`, in the order the page needs them:
 * Monaco's loader and the page's own script (which opens the connection to the host and asks for
 * Monaco) before Monaco's stylesheet and modules. A browser fetches only a few files from one host
 * at a time: listed after the modules, the loader (which the page's script waits for) came last.
 */
export function withPreloads(html: string, preloads: MonacoPreloads, pageScript = "/app.js"): string {
  // The page names Monaco's loader unversioned (`/monaco/vs/loader.js`); it is fetched where the build is served.
  const page = html.replace('src="/monaco/vs/loader.js"', `src="${preloads.loader}"`);
  if (preloads.scripts.length === 0) return page;
  const links = [
    `<link rel="preload" as="script" href="${preloads.loader}" />`,
    `<link rel="modulepreload" href="${pageScript}" />`,
    ...preloads.styles.map((href) => `<link rel="preload" as="style" href="${href}" />`),
    ...preloads.scripts.map((href) => `<link rel="preload" as="script" href="${href}" />`),
  ];
  const at = page.indexOf("</head>");
  return at === -1 ? page : `${page.slice(0, at)}    ${links.join("\n    ")}\n  ${page.slice(at)}`;
}
