/**
 * Tab indents in the editor, so a keyboard that tabbed into it needs a way out: the keys that make
 * Tab move focus instead (Ctrl+M; Ctrl+Shift+M on a Mac, where Cmd+M minimises the window), and
 * back. A hint in the editor's corner says so while the editor has focus from the keyboard, and
 * says what Tab does after each toggle; a pointer never sees it. Screen readers hear the keys in
 * the editor's label, and each toggle is announced.
 *
 * The toggle sets the editor's `tabFocusMode` option, so the hint reads the state Tab follows.
 */

import type * as Monaco from "monaco-editor";
import { element } from "../dom.ts";
import type { MonacoApi } from "./monaco-loader.ts";

const isApple = (platform: string) => /Mac|iPhone|iPad/.test(platform);

/** The keys that toggle whether Tab moves focus, as written for this platform. */
export function tabFocusKeys(platform: string): string {
  return isApple(platform) ? "Ctrl+Shift+M" : "Ctrl+M";
}

/** What the hint says: what Tab does now, and how to change it. */
function tabFocusHintText(tabMovesFocus: boolean, keys: string): string {
  return tabMovesFocus ? `Tab moves focus · ${keys}: Tab indents` : `Tab indents · ${keys}: Tab moves focus`;
}

export interface TabFocusHintOptions {
  monaco: MonacoApi;
  editor: Monaco.editor.IStandaloneCodeEditor;
  /** The editor's container, which the hint sits in. */
  container: HTMLElement;
  /** `navigator.platform` or the user agent: which keys toggle. */
  platform: string;
}

export function addTabFocusToggle({ monaco, editor, container, platform }: TabFocusHintOptions): void {
  const { KeyCode, KeyMod } = monaco;
  const keys = tabFocusKeys(platform);
  const hint = element("div", { class: "tab-focus-hint", "aria-hidden": "true", hidden: "" });
  const announcer = element("div", { class: "visually-hidden", role: "status" });
  container.append(hint, announcer);
  const tabMovesFocus = () => editor.getOption(monaco.editor.EditorOption.tabFocusMode);
  /** Whether the last thing the user did was press a key (Tab into the editor) rather than point. */
  let fromKeyboard = false;
  const show = () => {
    hint.textContent = tabFocusHintText(tabMovesFocus(), keys);
    hint.hidden = false;
  };
  const hide = () => {
    hint.hidden = true;
  };

  editor.addCommand(
    isApple(platform) ? KeyMod.WinCtrl | KeyMod.Shift | KeyCode.KeyM : KeyMod.CtrlCmd | KeyCode.KeyM,
    () => {
      editor.updateOptions({ tabFocusMode: !tabMovesFocus() });
      announcer.textContent = tabMovesFocus() ? "Tab now moves focus out of the editor" : "Tab now indents";
      show();
    },
  );
  document.addEventListener("keydown", () => (fromKeyboard = true), { capture: true });
  document.addEventListener(
    "pointerdown",
    () => {
      fromKeyboard = false;
      hide();
    },
    { capture: true },
  );
  editor.onDidFocusEditorText(() => {
    if (fromKeyboard) show();
  });
  editor.onDidBlurEditorText(hide);
}
