/**
 * The editor's TypeScript, set up as `tsc` checks snippets (src/main/editor-types.ts): Bun's
 * compiler options and the declarations of bun-types, @types/node, undici-types and the
 * playground's `Deno`, all from the host.
 *
 * They come after the editor can be typed into: the editor opens checking only syntax (rather than
 * marking every `Bun` and `Response` as unknown), and `loadSnippetTypes` then fetches the types
 * (~4 MB) and turns the semantic checks on. Monaco's TypeScript worker is held back until then
 * (worker-gate.ts), so it starts once, already with Bun's types.
 */

import type * as Monaco from "monaco-editor";
import { parseEditorTypes, type EditorTypes } from "../../contract/index.ts";
import type { MonacoApi } from "./monaco-loader.ts";

/** How long the page waits for the types before giving up on them. */
const typesTimeoutMs = 30_000;

/**
 * "Cannot find module" (2307; 2792, its variant that suggests another moduleResolution; 2732, its
 * variant for a `.json` file): the editor sees only the declarations it was given, while the runner
 * resolves imports from the snippet's folder. Whether an import resolves is asked of the host
 * instead (import-types.ts), which reports the modules that really are missing.
 */
export const unresolvedModuleCodes = [2307, 2792, 2732];

async function fetchEditorTypes(): Promise<EditorTypes> {
  const response = await fetch("/types/editor.json", { signal: AbortSignal.timeout(typesTimeoutMs) });
  if (!response.ok) throw new Error(`the editor's types did not load: HTTP ${response.status}`);
  return parseEditorTypes(await response.json());
}

function applyTypes(monaco: MonacoApi, types: EditorTypes): void {
  const defaults = monaco.typescript.typescriptDefaults;
  defaults.setExtraLibs(Object.entries(types.files).map(([filePath, content]) => ({ filePath, content })));
  // Parsed by the host's TypeScript, the same version as Monaco's: values Monaco's narrower enum
  // declarations do not list (module Preserve, moduleResolution Bundler) are valid there.
  defaults.setCompilerOptions(types.compilerOptions as Monaco.typescript.CompilerOptions);
  defaults.setDiagnosticsOptions({
    ...defaults.getDiagnosticsOptions(),
    noSemanticValidation: false,
    diagnosticCodesToIgnore: unresolvedModuleCodes,
  });
}

/** Before the editor's model exists: syntax checks only, until `loadSnippetTypes` has put the types in. */
export function checkSyntaxOnly(monaco: MonacoApi): void {
  const defaults = monaco.typescript.typescriptDefaults;
  defaults.setDiagnosticsOptions({ ...defaults.getDiagnosticsOptions(), noSemanticValidation: true });
}

/** Fetches the types and puts them into Monaco; rejects if they could not be loaded. */
export async function loadSnippetTypes(monaco: MonacoApi): Promise<void> {
  applyTypes(monaco, await fetchEditorTypes());
}
