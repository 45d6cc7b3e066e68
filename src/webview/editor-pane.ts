/**
 * The editor's pane: Monaco started as fast as it can show the host's document (Bun's types and the
 * language workers come once it is on screen), edits that run the snippet after a pause when
 * auto-run is on, and the moment the editor is ready for typing, told to the host once.
 */

import { createTrailingDebounce, type WorkspaceState, errorMessage } from "../contract/index.ts";
import type { Documents } from "./documents.ts";
import { byId, element } from "./dom.ts";
import { createEditor, type SnippetEditor } from "./editor/create-editor.ts";
import { loadMonaco } from "./editor/monaco-loader.ts";
import {
  checkSyntaxOnly,
  createSnippetTypes,
  registerSyntaxOnlyTypeScript,
  type SnippetTypes,
} from "./editor/snippet-types.ts";
import { holdMonacoWorkers } from "./editor/worker-gate.ts";
import type { HostConnection } from "./host-connection.ts";
import type { PageSettings } from "./page-settings.ts";
import type { SnippetRuns } from "./snippet-runs.ts";
import { markStartup, startupTimes } from "./startup-marks.ts";
import type { StatusLine } from "./status-line.ts";

export interface EditorPaneOptions {
  connection: HostConnection;
  statusLine: StatusLine;
  documents: Documents;
  settings: PageSettings;
  runs: SnippetRuns;
  /**
   * The page has shown what serves, once after its editor became ready: the host's status, and the
   * result of the load the page started when nothing served. A word said then stays up.
   */
  onSettled?: (() => void) | undefined;
}

export interface EditorPane {
  /** The editor, once Monaco has loaded. */
  readonly editor: SnippetEditor | undefined;
  /** The files side of the session, as the host sent it when the page connected. */
  readonly workspace: WorkspaceState | undefined;
  /** The host sent the workspace: its document goes into the editor (once both are there) and runs. */
  showWorkspace(workspace: WorkspaceState): void;
  /**
   * The `checkTypes` setting, as the host has it: on, the snippet is checked against Bun's types;
   * off, it is only coloured. The editor's types wait for the first call (the workspace's settings).
   */
  checkTypes(on: boolean): void;
}

const autoRunDelayMs = 800;
/** How long Monaco's workers wait for Bun's types before starting without them (syntax checks only). */
const workersWaitForTypesMs = 5_000;
const paintWaitMs = 200;

/** Resolves once the page has painted what it shows now (or soon, in a tab the browser does not paint). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, paintWaitMs);
  });
}

/** Creates the pane and starts the editor in it; a failure to start is said in its place and in the status line. */
export function createEditorPane(options: EditorPaneOptions): EditorPane {
  const { connection, documents, settings, runs } = options;
  let editor: SnippetEditor | undefined;
  let workspace: WorkspaceState | undefined;
  let reportedReady = false;

  /** The page has shown what serves (see `onSettled`). */
  let settled = false;

  /** Whether the settings ask for Bun's types; known once the host's settings arrive. */
  let typesWanted: boolean | undefined;
  const typesSettingKnown = Promise.withResolvers<void>();
  /** Set once Monaco has loaded and the editor is on screen; changes of the setting apply from then. */
  let snippetTypes: SnippetTypes | undefined;

  async function applyTypeChecks(types: SnippetTypes, on: boolean): Promise<void> {
    try {
      await types.set(on);
      if (on) markStartup("types-applied");
    } catch (error) {
      // The editor works without the types: TypeScript checks only syntax then.
      console.warn("Bun's types did not load", error);
    }
    if (on && typesWanted) document.body.dataset.typesReady = "true";
    else if (!typesWanted) delete document.body.dataset.typesReady;
  }

  /** The editor is ready for typing once it shows the host's document: say so, once. */
  function reportReady(): void {
    if (reportedReady) return;
    reportedReady = true;
    markStartup("editor-ready");
    document.body.dataset.editorReady = "true";
    // The desktop app reports when its window is ready for typing (and `npm run bench` times it).
    void connection
      .request("page-ready", { editorReadyMs: performance.now(), marks: startupTimes() })
      .catch(options.statusLine.sayFailure);
  }

  /** Puts the host's document into the editor (once both have arrived) and runs it. */
  function restoreWorkspace(): void {
    if (!workspace || !editor) return;
    documents.restore(workspace);
    reportReady();
    // Whether something serves is the host's status to say, which may come just after the workspace.
    void runs.statusHeard().then(async () => {
      if (runs.status?.serving === undefined) await runs.run();
      if (settled) return;
      settled = true;
      options.onSettled?.();
    });
  }

  async function start(): Promise<void> {
    const monaco = await loadMonaco();
    markStartup("monaco-loaded");
    // First what typing needs; Bun's types and the workers once the editor is on screen.
    const workersMayStart = Promise.withResolvers<void>();
    holdMonacoWorkers(workersMayStart.promise);
    checkSyntaxOnly(monaco);
    const syntaxLanguage = registerSyntaxOnlyTypeScript(monaco);
    const debounce = createTrailingDebounce(() => void runs.run(), autoRunDelayMs);
    editor = createEditor(monaco, byId("editor", HTMLDivElement), {
      initialSource: workspace?.document.source ?? "",
      // TypeScript's service from the start when the settings (which usually come before Monaco)
      // ask for types: nothing to move later, and its worker waits for the types (worker-gate.ts).
      language: typesWanted === true ? "typescript" : syntaxLanguage,
      onRun: () => {
        debounce.cancel();
        documents.saveForRun();
        void runs.run();
      },
      onChange: () => {
        documents.edited();
        runs.edited();
        if (settings.autoRun) debounce.call();
      },
      snippetPath: () => documents.path,
    });
    markStartup("editor-created");
    editor.setDark(
      document.documentElement.dataset.theme === "dark" ||
        (document.documentElement.dataset.theme !== "light" && matchMedia("(prefers-color-scheme: dark)").matches),
    );
    restoreWorkspace();
    await afterPaint();
    setTimeout(() => workersMayStart.resolve(), workersWaitForTypesMs);
    await typesSettingKnown.promise;
    snippetTypes = createSnippetTypes(monaco, { model: editor.model, syntaxLanguage });
    await applyTypeChecks(snippetTypes, typesWanted ?? true);
    workersMayStart.resolve();
  }

  start().catch((error: unknown) => {
    const message = `The editor failed to start: ${errorMessage(error).replace(/\.$/, "")}`;
    options.statusLine.say(message, "error");
    // Where there is no editor, said in its place as well: the status line moves on to the host's news.
    if (!editor)
      byId("editor", HTMLDivElement).replaceChildren(
        element("p", { class: "editor-failed", role: "alert" }, `${message}. Reload the page to try again.`),
      );
  });

  return {
    get editor() {
      return editor;
    },
    get workspace() {
      return workspace;
    },
    showWorkspace(next) {
      workspace = next;
      if (editor) restoreWorkspace();
    },
    checkTypes(on) {
      if (on === typesWanted) return;
      typesWanted = on;
      typesSettingKnown.resolve();
      if (snippetTypes) void applyTypeChecks(snippetTypes, on);
    },
  };
}
