/**
 * Loads Monaco's prebuilt build (served by the host at /monaco) with its own AMD loader, and
 * Bun's type definitions into its TypeScript service, so `Bun.serve`, `Bun.sleep`, `Request` and
 * friends complete and show their docs on hover. The prebuilt build brings its own workers, which
 * load from the same origin like any page's.
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

export async function loadMonaco(): Promise<MonacoApi> {
  const amd = window.require;
  if (!amd) throw new Error("Monaco's loader (/monaco/vs/loader.js) did not load");
  amd.config({ paths: { vs: "/monaco/vs" } });
  await new Promise<void>((resolve, reject) => amd(["vs/editor/editor.main"], resolve, reject));
  const monaco = window.monaco;
  if (!monaco) throw new Error("Monaco loaded but did not define its API");
  return monaco;
}

/** Fetches Bun's (and Node's) .d.ts files from the host and hands them to the TypeScript service. */
export async function addBunTypes(monaco: MonacoApi): Promise<void> {
  const ts = monaco.typescript;
  const defaults = ts.typescriptDefaults;
  defaults.setCompilerOptions({
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    allowNonTsExtensions: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    // Snippets are pasted from docs that leave parameters untyped; that is fine here.
    noImplicitAny: false,
    types: ["bun-types"],
    lib: ["esnext", "dom", "dom.iterable"],
  });
  const response = await fetch("/types/bun.json");
  if (!response.ok) throw new Error(`could not load Bun's types: HTTP ${response.status}`);
  const files: unknown = await response.json();
  if (files === null || typeof files !== "object") throw new Error("Bun's types arrived in an unexpected shape");
  for (const [path, text] of Object.entries(files)) {
    if (typeof text === "string") defaults.addExtraLib(text, path);
  }
  defaults.addExtraLib('/// <reference types="bun-types" />\n', "file:///stream-playground-globals.d.ts");
}
