/**
 * The GTK theme the desktop app starts with. GTK draws the window before its page has painted, and
 * draws the page's drop-down lists and the Open dialog itself: with the playground's theme set to
 * dark, GTK's light default would flash white at start and open light menus over a dark page.
 */

import type { Theme } from "../../contract/index.ts";

/**
 * `GTK_THEME` for the app's environment: Adwaita's dark variant for the dark theme, unless the user
 * set a GTK theme of their own; undefined leaves GTK to the desktop's choice (the system theme).
 */
export function gtkThemeFor(theme: Theme, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.GTK_THEME) return undefined;
  return theme === "dark" ? "Adwaita:dark" : undefined;
}
