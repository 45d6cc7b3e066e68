/**
 * Loads Monaco's prebuilt build (served by the host at /monaco) with its own AMD loader. The
 * prebuilt build brings its own workers, which load from the same origin like any page's. Its
 * TypeScript gets Bun's types from snippet-types.ts.
 */

import type * as Monaco from "monaco-editor";

export type MonacoApi = typeof Monaco;

interface AmdRequire {
  config(options: { paths: Record<string, string> }): void;
  (modules: string[], onLoad: () => void, onError: (error: unknown) => void): void;
}

declare global {
  interface Window {
    require?: AmdRequire;
    monaco?: MonacoApi;
  }
}

/**
 * Where the host serves Monaco's modules: beside the loader the page was given, which is under the
 * installed Monaco's version (`/monaco/0.57.0/vs/loader.js`), so the browser keeps them for good.
 */
function modulesPath(): string {
  const loader = document.querySelector<HTMLScriptElement>('script[src$="/vs/loader.js"]');
  return loader ? new URL(loader.src).pathname.replace(/\/loader\.js$/, "") : "/monaco/vs";
}

export async function loadMonaco(): Promise<MonacoApi> {
  const amd = window.require;
  if (!amd) throw new Error("Monaco's loader (/monaco/vs/loader.js) did not load");
  amd.config({ paths: { vs: modulesPath() } });
  await new Promise<void>((resolve, reject) => amd(["vs/editor/editor.main"], resolve, reject));
  const monaco = window.monaco;
  if (!monaco) throw new Error("Monaco loaded but did not define its API");
  return monaco;
}
