/**
 * The settings the page shows and the host keeps: theme (system, light, dark), auto-run, checking
 * types, and the default client. The theme is applied at once to the page, the editor and the
 * timeline; checking types, to the editor.
 */

import type { ClientKind, Settings } from "../contract/index.ts";
import { byId } from "./dom.ts";

export interface PageSettingsOptions {
  save: (settings: Partial<Settings>) => void;
  /** The effective theme changed (a choice, or the system's, when following it). */
  onTheme: (dark: boolean) => void;
  /** Whether the editor checks the snippet's types: told with the host's settings, and when it is changed. */
  onCheckTypes: (on: boolean) => void;
}

export interface PageSettings {
  /** Shows the host's settings and applies the theme they choose. */
  apply(settings: Settings): void;
  /** Remembers the client kind last connected with, as the default for next time. */
  rememberClient(kind: ClientKind): void;
  /** Whether an edit runs the snippet by itself after a pause in typing. */
  readonly autoRun: boolean;
}

export function createPageSettings(options: PageSettingsOptions): PageSettings {
  const themeSelect = byId("theme", HTMLSelectElement);
  const autoRun = byId("auto-run", HTMLInputElement);
  const checkTypes = byId("check-types", HTMLInputElement);
  const clientKind = byId("client-kind", HTMLSelectElement);
  const systemDark = matchMedia("(prefers-color-scheme: dark)");
  let theme: Settings["theme"] = "system";

  function applyTheme(): void {
    if (theme === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    options.onTheme(theme === "dark" || (theme === "system" && systemDark.matches));
  }

  systemDark.addEventListener("change", () => {
    if (theme === "system") applyTheme();
  });
  themeSelect.addEventListener("change", () => {
    theme = themeSelect.value as Settings["theme"];
    applyTheme();
    options.save({ theme });
  });
  autoRun.addEventListener("change", () => options.save({ autoRun: autoRun.checked }));
  checkTypes.addEventListener("change", () => {
    options.onCheckTypes(checkTypes.checked);
    options.save({ checkTypes: checkTypes.checked });
  });

  return {
    apply(settings) {
      theme = settings.theme;
      themeSelect.value = theme;
      autoRun.checked = settings.autoRun;
      checkTypes.checked = settings.checkTypes;
      options.onCheckTypes(settings.checkTypes);
      clientKind.value = settings.defaultClient;
      clientKind.dispatchEvent(new Event("change"));
      applyTheme();
    },
    rememberClient(kind) {
      options.save({ defaultClient: kind });
    },
    get autoRun() {
      return autoRun.checked;
    },
  };
}
