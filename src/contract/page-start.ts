/**
 * The milestones of a page's start, which the page marks as they happen and reports with
 * `page-ready`: where the time to an editor ready for typing went. The desktop app prints them
 * with its `editor ready` line; `npm run bench` reads them from the browser's page and from that line.
 */

import { type Check, number, partialObject, refine } from "./check.ts";

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

/** When each milestone came, in ms from the page's navigation by its own clock; those not reached yet are absent. */
export type StartupTimes = Partial<Record<StartupMark, number>>;

/** A page's start to its editor ready, in parts (ms): its script, Monaco's modules, the editor, its document. */
export interface StartupParts {
  /** Navigation → the page's script running: the page's HTML, styles and script loaded. */
  page: number;
  /** The script running → Monaco's modules loaded. */
  monaco: number;
  /** Monaco loaded → the editor made. */
  editor: number;
  /** The editor made → it shows the host's document. */
  document: number;
}

/** The parts of a start whose milestones up to `editor-ready` were all reached; otherwise undefined. */
export function startupParts(times: StartupTimes): StartupParts | undefined {
  const { "page-script": script, "monaco-loaded": monaco, "editor-created": created, "editor-ready": ready } = times;
  if (script === undefined || monaco === undefined || created === undefined || ready === undefined) return undefined;
  return { page: script, monaco: monaco - script, editor: created - monaco, document: ready - created };
}

const msCheck = refine(number, (ms) => ms >= 0, "must be a number of ms");

export const startupTimesCheck: Check<StartupTimes> = partialObject(
  Object.fromEntries(startupMarks.map((mark) => [mark, msCheck])) as Record<StartupMark, Check<number>>,
  "is not one of the page's start milestones",
);
