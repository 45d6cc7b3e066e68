/**
 * The editor's TypeScript, set up as `tsc` checks snippets (src/main/editor-types.ts): Bun's
 * compiler options and the declarations of bun-types, @types/node, undici-types and the
 * playground's `Deno`, all from the host.
 *
 * They come after the editor can be typed into: the editor opens checking only syntax (rather than
 * marking every `Bun` and `Response` as unknown), and `SnippetTypes.set(true)` then fetches the
 * types (~4 MB) and turns the semantic checks on. Monaco's TypeScript worker is held back until
 * then (worker-gate.ts), so it starts once, already with Bun's types. With the `checkTypes` setting
 * off, the declarations are never fetched and the editor checks only syntax: what reading and
 * checking them costs (seconds of a core at every start on a small machine) is not spent.
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

/** Puts the declarations and Bun's compiler options into Monaco's TypeScript. */
function addDeclarations(monaco: MonacoApi, types: EditorTypes): void {
  const defaults = monaco.typescript.typescriptDefaults;
  defaults.setExtraLibs(Object.entries(types.files).map(([filePath, content]) => ({ filePath, content })));
  // Parsed by the host's TypeScript, the same version as Monaco's: values Monaco's narrower enum
  // declarations do not list (module Preserve, moduleResolution Bundler) are valid there.
  defaults.setCompilerOptions(types.compilerOptions as Monaco.typescript.CompilerOptions);
}

function semanticChecks(monaco: MonacoApi, on: boolean): void {
  const defaults = monaco.typescript.typescriptDefaults;
  defaults.setDiagnosticsOptions({
    ...defaults.getDiagnosticsOptions(),
    noSemanticValidation: !on,
    diagnosticCodesToIgnore: unresolvedModuleCodes,
  });
}

/** Before the editor's model exists: syntax checks only, until the snippet's types are turned on. */
export function checkSyntaxOnly(monaco: MonacoApi): void {
  semanticChecks(monaco, false);
}

/** The editor's checks against Bun's types (the `checkTypes` setting), turned on and off as it changes. */
export interface SnippetTypes {
  /**
   * On: fetches the declarations the first time and turns the semantic checks on; rejects if they
   * could not be loaded (the editor goes on checking syntax, and the next `set(true)` tries again).
   * Off: syntax checks only. The last call wins when one is still fetching.
   */
  set(on: boolean): Promise<void>;
}

export function createSnippetTypes(monaco: MonacoApi): SnippetTypes {
  let declarations: Promise<void> | undefined;
  let wanted = false;
  return {
    async set(on) {
      wanted = on;
      if (!on) {
        semanticChecks(monaco, false);
        return;
      }
      declarations ??= fetchEditorTypes().then(
        (types) => addDeclarations(monaco, types),
        (error: unknown) => {
          declarations = undefined;
          throw error;
        },
      );
      await declarations;
      if (wanted) semanticChecks(monaco, true);
    },
  };
}
