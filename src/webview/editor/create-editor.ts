/**
 * The snippet editor: Monaco with TypeScript and Bun's types (snippet-types.ts), and the types of
 * the packages installed beside the snippet (import-types.ts). Ctrl/Cmd+S runs the snippet; load
 * errors, runtime errors and leaks become markers at their lines. Tab indents; a keyboard leaves
 * the editor by making Tab move focus, which a hint names (tab-focus-hint.ts).
 */

import type * as Monaco from "monaco-editor";
import type { LoadErrorEvent, TimelineEvent } from "../../contract/index.ts";
import { createImportTypes } from "./import-types.ts";
import type { MonacoApi } from "./monaco-loader.ts";
import { addTabFocusToggle, tabFocusKeys } from "./tab-focus-hint.ts";

export interface EditorOptions {
  initialSource: string;
  /** The language the snippet starts in: TypeScript's, or its syntax alone (snippet-types.ts). */
  language: string;
  /** Ctrl/Cmd+S or the Run button. */
  onRun: () => void;
  /** Any edit. */
  onChange: () => void;
  /** The snippet's file: its imports resolve from its folder, in the runner and in the editor. */
  snippetPath: () => string | undefined;
}

const owner = "stream-playground";

function themeFor(dark: boolean): string {
  return dark ? "vs-dark" : "vs";
}

export interface SnippetEditor {
  /** The snippet's text; setting it replaces the whole text. */
  source: string;
  /** Monaco's model of the snippet. */
  readonly model: Monaco.editor.ITextModel;
  /** Moves the keyboard focus into the editor. */
  focus(): void;
  /** Follows the page's theme (the user's choice, or the system's). */
  setDark(dark: boolean): void;
  /** Shows a load error at its line (line 1 when it has none). */
  showLoadError(event: LoadErrorEvent): void;
  /** The snippet loaded: its earlier load error no longer applies. */
  clearLoadError(): void;
  /**
   * Markers for runtime errors, leaks and load notices among `events`, for `version`. Called with
   * each batch of new events as it arrives; a different version starts the markers afresh.
   */
  noteEvents(events: readonly TimelineEvent[], version: number | undefined): void;
  /** Scrolls `line` to the middle of the editor and puts the cursor at its start (a console line's link). */
  revealLine(line: number): void;
}

export function createEditor(monaco: MonacoApi, container: HTMLElement, options: EditorOptions): SnippetEditor {
  const model = monaco.editor.createModel(
    options.initialSource,
    options.language,
    monaco.Uri.parse("file:///snippet.ts"),
  );
  const platform = navigator.platform || navigator.userAgent;
  const editor = monaco.editor.create(container, {
    model,
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    scrollBeyondLastLine: false,
    theme: themeFor(matchMedia("(prefers-color-scheme: dark)").matches),
    tabSize: 2,
    ariaLabel: `Snippet editor. Tab indents; ${tabFocusKeys(platform)} makes Tab move focus out of the editor, and back.`,
  });
  addTabFocusToggle({ monaco, editor, container, platform });
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, options.onRun);
  model.onDidChangeContent(options.onChange);
  createImportTypes(monaco, model, {
    snippetPath: options.snippetPath,
    // A state others can wait for, as for data-editor-ready.
    onChecked: (version) => {
      container.dataset.importsChecked = String(version);
    },
  });

  const lineRange = (line: number, column = 1): Monaco.IRange => ({
    startLineNumber: line,
    startColumn: column,
    endLineNumber: line,
    endColumn: Math.max(column + 1, model.getLineMaxColumn(Math.min(line, model.getLineCount()))),
  });

  /** The latest load's error, shown until a load succeeds; runtime markers never hide it. */
  let loadError: Monaco.editor.IMarkerData | undefined;
  let runtime: Monaco.editor.IMarkerData[] = [];
  /** The version the runtime markers are for, and what they already show. */
  let markersVersion: number | undefined;
  const seen = new Set<string>();

  function render(): void {
    monaco.editor.setModelMarkers(model, owner, loadError ? [loadError, ...runtime] : runtime);
  }

  return {
    model,
    get source(): string {
      return model.getValue();
    },
    set source(value: string) {
      model.setValue(value);
    },
    focus: () => editor.focus(),
    setDark: (dark: boolean) => monaco.editor.setTheme(themeFor(dark)),
    showLoadError(event: LoadErrorEvent): void {
      loadError = {
        ...lineRange(event.line ?? 1, event.column ?? 1),
        severity: monaco.MarkerSeverity.Error,
        message: `${event.failure}: ${event.message}`,
        source: "load",
      };
      render();
    },
    clearLoadError(): void {
      loadError = undefined;
      render();
    },
    noteEvents(events: readonly TimelineEvent[], version: number | undefined): void {
      // Another version serves: what the last one did is not this source's (its lines are another text's).
      const replaced = version !== markersVersion;
      if (replaced) {
        markersVersion = version;
        runtime = [];
        seen.clear();
      }
      const before = runtime.length;
      const add = (line: number | undefined, severity: Monaco.MarkerSeverity, message: string, source: string) => {
        if (line === undefined) return;
        const key = `${line}:${message}`;
        if (seen.has(key)) return;
        seen.add(key);
        runtime.push({ ...lineRange(line), severity, message, source });
      };
      for (const event of events) {
        if (event.kind === "loaded" && event.version === version) {
          for (const notice of event.notices) add(notice.line, monaco.MarkerSeverity.Warning, notice.message, "notice");
        } else if (event.kind === "uncaught" && event.version === version)
          add(event.line, monaco.MarkerSeverity.Error, event.message, "runtime");
        else if (event.kind === "error" && event.version === version)
          add(
            event.line,
            monaco.MarkerSeverity.Error,
            `${event.message} (thrown in the ${event.handler === undefined ? event.during : `websocket ${event.handler} handler`})`,
            "runtime",
          );
        else if (event.kind === "pitfall" && (event.version === undefined || event.version === version))
          add(event.line, monaco.MarkerSeverity.Warning, `${event.pitfall}: ${event.message}`, "pitfall");
        else if (event.kind === "leak" && event.version === version)
          add(event.line, monaco.MarkerSeverity.Warning, `leak (${event.what}): ${event.detail}`, "leak");
      }
      if (replaced || runtime.length !== before || events.length === 0) render();
    },
    revealLine(line: number): void {
      editor.revealLineInCenter(line);
      editor.setPosition({ lineNumber: line, column: 1 });
    },
  };
}
