/**
 * The editor's TypeScript, set up as `tsc` checks snippets (src/main/editor-types.ts): Bun's
 * compiler options and the declarations of bun-types, @types/node, undici-types and the
 * playground's `Deno`, all from the host.
 *
 * They come after the editor can be typed into: the snippet starts in Monaco's TypeScript service
 * checking only syntax (rather than marking every `Bun` and `Response` as unknown), and
 * `SnippetTypes.set(true)` then fetches the types (~4 MB) and turns the semantic checks on;
 * TypeScript's worker is held back until then (worker-gate.ts), so it starts once, with Bun's types.
 * With the `checkTypes` setting off the snippet is in TypeScript's syntax alone instead, a language
 * of its own (`registerSyntaxOnlyTypeScript`): neither the declarations nor TypeScript's worker are
 * loaded, which is seconds of a core at every start on a small machine, and a version that does not
 * load is still marked at its line, by the runner. A snippet whose settings have not come by the
 * time the editor is made starts there too, until they say.
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

/** The snippet's language while its types are not checked (see `registerSyntaxOnlyTypeScript`). */
const syntaxOnlyLanguage = "typescript-syntax";

/** What Monaco's TypeScript syntax module gives: the colouring's grammar and the brackets, comments and indents. */
interface TypeScriptSyntax {
  conf: Monaco.languages.LanguageConfiguration;
  language: Monaco.languages.IMonarchLanguage;
}

/**
 * Registers TypeScript's syntax (Monaco's own colouring, brackets and comments for it) under a
 * language of its own, which Monaco's TypeScript service does not serve: while the snippet is in
 * it, no TypeScript worker starts (a ~7 MB script and a core for seconds on a small machine), and
 * the editor looks the same. Monaco registers TypeScript with the loader of that syntax; a Monaco
 * that does not leaves the snippet in "typescript", checking only syntax while types are off.
 * Returns the language the snippet starts in.
 */
export function registerSyntaxOnlyTypeScript(monaco: MonacoApi): string {
  const typescript = monaco.languages.getLanguages().find((language) => language.id === "typescript");
  const loader = (typescript as { loader?: unknown } | undefined)?.loader;
  if (typeof loader !== "function") return "typescript";
  // Asked for now, before the snippet's model exists: its colours come sooner after its text.
  const syntax = (loader as () => Promise<TypeScriptSyntax>)();
  // A failure is said where the syntax is used (below, and by Monaco's colouring), not here as well.
  syntax.catch(() => {});
  monaco.languages.register({ id: syntaxOnlyLanguage });
  monaco.languages.registerTokensProviderFactory(syntaxOnlyLanguage, { create: async () => (await syntax).language });
  monaco.languages.onLanguage(syntaxOnlyLanguage, () => {
    syntax.then(
      ({ conf }) => monaco.languages.setLanguageConfiguration(syntaxOnlyLanguage, conf),
      (error: unknown) => console.warn("TypeScript's brackets and comments did not load", error),
    );
  });
  return syntaxOnlyLanguage;
}

/** The editor's checks against Bun's types (the `checkTypes` setting), turned on and off as it changes. */
export interface SnippetTypes {
  /**
   * On: fetches the declarations the first time, turns the semantic checks on and gives the
   * snippet to TypeScript's service; rejects if the declarations could not be loaded (the service
   * then checks syntax only, and the next `set(true)` tries again). Off: the snippet goes back to
   * TypeScript's syntax alone, and its markers from TypeScript go. The last call wins when one is
   * still fetching.
   */
  set(on: boolean): Promise<void>;
}

export interface SnippetTypesOptions {
  /** The snippet's model. */
  model: Monaco.editor.ITextModel;
  /** Its language while types are off: `registerSyntaxOnlyTypeScript`'s answer. */
  syntaxLanguage: string;
}

export function createSnippetTypes(monaco: MonacoApi, { model, syntaxLanguage }: SnippetTypesOptions): SnippetTypes {
  let declarations: Promise<void> | undefined;
  let wanted = false;
  const moveTo = (language: string) => {
    if (model.getLanguageId() !== language) monaco.editor.setModelLanguage(model, language);
  };
  return {
    async set(on) {
      wanted = on;
      if (!on) {
        semanticChecks(monaco, false);
        moveTo(syntaxLanguage);
        return;
      }
      declarations ??= fetchEditorTypes().then(
        (types) => addDeclarations(monaco, types),
        (error: unknown) => {
          declarations = undefined;
          throw error;
        },
      );
      try {
        await declarations;
      } catch (error) {
        if (!wanted) return;
        moveTo("typescript");
        throw error;
      }
      if (!wanted) return;
      // Options first: a change of them restarts the worker, which the language change starts.
      semanticChecks(monaco, true);
      moveTo("typescript");
    },
  };
}
