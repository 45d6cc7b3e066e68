/** The recently opened files: newest first, each once, at most `maxRecentFiles`. */

export const maxRecentFiles = 10;

/** `recent` with `path` moved (or added) to the front. */
export function withRecentFile(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((entry) => entry !== path)].slice(0, maxRecentFiles);
}
