/**
 * The page's theme, set in the HTML the host serves: the page would otherwise take the theme only
 * once the host's settings reach its script, and a dark window would flash white while it loads.
 */

import type { Theme } from "../contract/index.ts";

/** `html` with the chosen theme on its root element; "system" leaves it to the stylesheet's media query. */
export function withTheme(html: string, theme: Theme | undefined): string {
  return theme === "light" || theme === "dark" ? html.replace(/<html(?=[\s>])/, `<html data-theme="${theme}"`) : html;
}
