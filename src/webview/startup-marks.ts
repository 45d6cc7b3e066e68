/**
 * Milestones of the page's start, as `performance.mark`s: where the time to an editor ready for
 * typing goes (`npm run bench` reads them to split `ui-ready-ms` and `desktop-ready-ms` into parts).
 * Each is marked once, at the first time it happens.
 */

export const startupMarks = [
  /** The page's own script began running. */
  "page-script",
  /** Monaco's editor modules were loaded and its API defined. */
  "monaco-loaded",
  /** The host's workspace (the open document) arrived over the page's WebSocket. */
  "workspace-received",
  /** The editor exists, with its model, in the page. */
  "editor-created",
  /** The editor shows the host's document: ready for typing. */
  "editor-ready",
  /** Bun's type declarations are in the editor's TypeScript. */
  "types-applied",
] as const;

export type StartupMark = (typeof startupMarks)[number];

const marked = new Set<StartupMark>();

/** Marks `name` now, unless it was marked already. */
export function markStartup(name: StartupMark): void {
  if (marked.has(name)) return;
  marked.add(name);
  performance.mark(`startup:${name}`);
}
