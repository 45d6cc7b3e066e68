/**
 * Imports the editor cannot resolve on its own. The runner resolves a snippet's imports from the
 * snippet's folder, where any package may be installed; the editor knows only the declarations it
 * was given. So instead of TypeScript's "Cannot find module" (turned off in snippet-types.ts), the
 * editor asks the host what each such import resolves to from the snippet's folder:
 * - an installed package with declarations: they are added to the editor, so the import has its
 *   real types, completions and errors;
 * - something that resolves without declarations (a relative file, an untyped package): no marker,
 *   and its values are `any`, as TypeScript treats any module it has no types for;
 * - nothing: an error marker at the specifier, with the message loading the snippet would fail with.
 * A reply that does not come marks nothing: no answer is not evidence of a mistake.
 */

import type * as Monaco from "monaco-editor";
import { parseModuleTypes, type ModuleTypes } from "../../contract/index.ts";
import type { MonacoApi } from "./monaco-loader.ts";
import { unresolvedModuleCodes } from "./snippet-types.ts";

export interface ImportTypesOptions {
  /** The snippet's file, whose folder imports resolve from; undefined until the page knows it. */
  snippetPath: () => string | undefined;
  /** Pause after an edit before looking at the imports again. */
  delayMs?: number;
  /** How long one question to the host may take. */
  timeoutMs?: number;
  /** After each check, with the model version it checked: its import markers are up to date. */
  onChecked?: (modelVersion: number) => void;
}

const owner = "stream-playground-imports";

function folderOf(path: string): string {
  return path.replace(/[\\/][^\\/]*$/, "") || "/";
}

async function askHost(specifier: string, from: string, timeoutMs: number): Promise<ModuleTypes> {
  const query = new URLSearchParams({ specifier, from });
  const response = await fetch(`/types/module?${query}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).trim()}`);
  return parseModuleTypes(await response.json());
}

/** An import TypeScript could not resolve: its specifier and where it is written. */
interface UnresolvedImport {
  specifier: string;
  range: Monaco.IRange;
}

/** The types of what the snippet imports, kept in the editor while it is open. */
export interface ImportTypes {
  /** Stops following the snippet's imports and takes their types out of the editor. */
  dispose(): void;
}

export function createImportTypes(
  monaco: MonacoApi,
  model: Monaco.editor.ITextModel,
  options: ImportTypesOptions,
): ImportTypes {
  const defaults = monaco.typescript.typescriptDefaults;
  const delayMs = options.delayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  /** The folder the answers and the added declarations are for; another folder starts afresh. */
  let folder: string | undefined;
  const answers = new Map<string, Promise<ModuleTypes | undefined>>();
  let added: Monaco.IDisposable[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let checking = Promise.resolve();

  async function unresolvedImports(): Promise<UnresolvedImport[]> {
    const getWorker = await monaco.typescript.getTypeScriptWorker();
    const worker = await getWorker(model.uri);
    const diagnostics = await worker.getSemanticDiagnostics(model.uri.toString());
    const found: UnresolvedImport[] = [];
    for (const diagnostic of diagnostics) {
      if (
        !unresolvedModuleCodes.includes(diagnostic.code) ||
        diagnostic.start === undefined ||
        diagnostic.length === undefined
      )
        continue;
      const start = model.getPositionAt(diagnostic.start);
      const end = model.getPositionAt(diagnostic.start + diagnostic.length);
      const range = {
        startLineNumber: start.lineNumber,
        startColumn: start.column,
        endLineNumber: end.lineNumber,
        endColumn: end.column,
      };
      // The diagnostic spans the specifier's string literal, quotes included.
      const literal = model.getValueInRange(range);
      if (literal.length >= 2) found.push({ specifier: literal.slice(1, -1), range });
    }
    return found;
  }

  function answer(specifier: string, from: string): Promise<ModuleTypes | undefined> {
    let pending = answers.get(specifier);
    if (!pending) {
      pending = askHost(specifier, from, timeoutMs).then(
        (reply) => {
          if (reply.kind === "package" && folder === folderOf(from)) {
            const present = defaults.getExtraLibs();
            for (const [path, text] of Object.entries(reply.files))
              if (!(path in present)) added.push(defaults.addExtraLib(text, path));
          }
          return reply;
        },
        (error: unknown) => {
          console.warn(`the editor could not ask the host about the import ${JSON.stringify(specifier)}:`, error);
          // Asked again after the next edit.
          answers.delete(specifier);
          return undefined;
        },
      );
      answers.set(specifier, pending);
    }
    return pending;
  }

  async function check(): Promise<void> {
    const version = model.getVersionId();
    try {
      await checkImports(version);
    } finally {
      options.onChecked?.(version);
    }
  }

  async function checkImports(version: number): Promise<void> {
    const path = options.snippetPath();
    // Without Bun's types (not loaded yet, or failed) every name looks wrong; wait for them.
    if (path === undefined || defaults.getDiagnosticsOptions().noSemanticValidation) return;
    if (folderOf(path) !== folder) {
      folder = folderOf(path);
      answers.clear();
      for (const lib of added) lib.dispose();
      added = [];
    }
    const unresolved = await unresolvedImports();
    const replies = await Promise.all(unresolved.map((item) => answer(item.specifier, path)));
    // Edited meanwhile: these ranges are stale, and the edit has scheduled the next check.
    if (model.isDisposed() || model.getVersionId() !== version || options.snippetPath() !== path) return;
    const markers: Monaco.editor.IMarkerData[] = [];
    unresolved.forEach((item, i) => {
      const reply = replies[i];
      if (reply?.kind === "missing")
        markers.push({
          ...item.range,
          severity: monaco.MarkerSeverity.Error,
          message: reply.message,
          source: "imports",
        });
    });
    monaco.editor.setModelMarkers(model, owner, markers);
  }

  /** Runs checks one after another, so an older check never overwrites a newer one's markers. */
  function schedule(delay: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      checking = checking
        .then(check)
        .catch((error: unknown) => console.warn("checking the snippet's imports failed:", error));
    }, delay);
  }

  const subscriptions = [
    model.onDidChangeContent(() => schedule(delayMs)),
    defaults.onDidChange(() => schedule(0)),
    defaults.onDidExtraLibsChange(() => schedule(delayMs)),
  ];
  schedule(0);

  return {
    dispose() {
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.dispose();
      for (const lib of added) lib.dispose();
    },
  };
}
