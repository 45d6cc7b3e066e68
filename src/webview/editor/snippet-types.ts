/**
 * The editor's TypeScript, set up as `tsc` checks snippets (src/main/editor-types.ts): Bun's
 * compiler options and the declarations of bun-types, @types/node, undici-types and the
 * playground's `Deno`, all from the host.
 *
 * The request starts with the page, beside Monaco's own files, and normally arrives first: then
 * everything is in place before the editor's model exists, and the TypeScript worker starts once,
 * already with Bun's types. If the types are late, the editor opens without waiting for them and
 * checks only syntax until they arrive, rather than marking every `Bun` and `Response` as unknown.
 */

import type * as Monaco from "monaco-editor";
import { parseEditorTypes, type EditorTypes } from "../../contract/editor-types.ts";
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
  defaults.setDiagnosticsOptions({ ...defaults.getDiagnosticsOptions(), noSemanticValidation: false, diagnosticCodesToIgnore: unresolvedModuleCodes });
}

/** Starts loading the types now; `prepare` and `apply` put them into Monaco once it has loaded. */
export function requestSnippetTypes() {
  const request = fetchEditorTypes();
  let arrived: EditorTypes | undefined;
  let applied = false;
  request.then(
    (types) => {
      arrived = types;
    },
    // `apply` reports the failure; this only keeps it from being unhandled before then.
    () => {},
  );

  return {
    /** Before the editor's model exists: the types if they are here, else syntax checks only until they are. */
    prepare(monaco: MonacoApi): void {
      if (arrived) {
        applyTypes(monaco, arrived);
        applied = true;
        return;
      }
      const defaults = monaco.typescript.typescriptDefaults;
      defaults.setDiagnosticsOptions({ ...defaults.getDiagnosticsOptions(), noSemanticValidation: true });
    },
    /** Resolves once the types are in the editor; rejects if they could not be loaded. */
    async apply(monaco: MonacoApi): Promise<void> {
      const types = await request;
      if (!applied) applyTypes(monaco, types);
      applied = true;
    },
  };
}

export type SnippetTypes = ReturnType<typeof requestSnippetTypes>;
