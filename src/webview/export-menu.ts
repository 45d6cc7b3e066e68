/**
 * The Export menu: the timeline as JSON lines or a PNG, the snippet as a standalone server file
 * for Bun or Deno, a recording, and the expectations the timeline meets. Each is saved the way the
 * page saves files (a download, or the desktop app's dialog), and the status line says where.
 */

import {
  countWithNoun,
  rebaseTimeline,
  timelineJsonLines,
  tryRequestOf,
  type ClientRequest,
  type ExportResult,
  type ExportTarget,
  type TryRequest,
} from "../contract/index.ts";
import { byId } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import type { HostConnection } from "./host-connection.ts";
import type { RecordingFiles } from "./recording-files.ts";
import type { RecordingViewer } from "./recording-viewer.ts";
import { describeSave, type FileSaver, type SaveRequest } from "./save-file.ts";
import type { StatusLine } from "./status-line.ts";

export interface ExportMenuOptions {
  connection: HostConnection;
  fileSaver: FileSaver;
  statusLine: StatusLine;
  /** The timeline's events, live or a recording's. */
  store: EventStore;
  /** Tells whether a recording is shown, whose events are already in ms since its start. */
  viewer: RecordingViewer;
  recordings: RecordingFiles;
  /** The editor's snippet; undefined before the editor has started. */
  source: () => string | undefined;
  /** The timeline as drawn, as a PNG. */
  timelinePng: () => Promise<Blob>;
  /** The open snippet's file name (`events.ts`), for the exported server file's name. */
  documentName: () => string | undefined;
  /** The request the client controls describe now (the next Connect's), undefined while a field makes no sense. */
  clientRequest: () => ClientRequest | undefined;
}

/**
 * The request the exported file's `curl` line makes: the one the client controls are set to, when
 * they name a path of the snippet's own other than `/`; else the open lesson's; else none (the
 * export then guesses from the snippet's routes).
 */
export function tryRequestFor(
  controls: ClientRequest | undefined,
  suggested: TryRequest | undefined,
): TryRequest | undefined {
  if (controls === undefined || !controls.path.startsWith("/") || controls.path === "/") return suggested;
  return tryRequestOf(controls);
}

/** The name offered for a snippet's server file: `events.server.ts` for `events.ts`; `server.ts` for an untitled one. */
export function serverFileName(documentName: string | undefined): string {
  const stem = documentName?.replace(/\.(?:[cm]?[jt]sx?)$/, "");
  return stem && !/[/\\]/.test(stem) ? `${stem}.server.ts` : "server.ts";
}

export interface ExportMenu {
  /** The request the open lesson suggests (none when it names no path), for the exported server file's `curl` line. */
  suggestRequest(request: Partial<ClientRequest>): void;
}

export function createExportMenu(options: ExportMenuOptions): ExportMenu {
  const { connection, fileSaver, statusLine, store, viewer, recordings } = options;
  const { sayFailure } = statusLine;
  const menu = byId("export-menu", HTMLDetailsElement);
  let suggestedRequest: TryRequest | undefined;

  /** Saves an export and says in the status line where it went, or why it did not. */
  async function saveExport(request: SaveRequest, content: Blob): Promise<void> {
    const { text, tone } = describeSave(await fileSaver.save(request, content), request.name);
    statusLine.say(text, tone);
  }

  /** Exports the editor's snippet as a standalone server file and downloads it, or says why not. */
  async function exportServerFile(target: ExportTarget): Promise<void> {
    const source = options.source();
    if (source === undefined) return;
    statusLine.say(`Exporting for ${target === "bun" ? "Bun" : "Deno"}…`);
    let result: ExportResult;
    try {
      const tryRequest = tryRequestFor(options.clientRequest(), suggestedRequest);
      result = await connection.request("export", { source, target, tryRequest });
    } catch (error) {
      return sayFailure(error);
    }
    if (!result.ok) {
      const where =
        result.error.line === undefined
          ? ""
          : ` (line ${result.error.line}${result.error.column === undefined ? "" : `:${result.error.column}`})`;
      return statusLine.say(`Not exported for ${target}${where}: ${result.error.message}`, "error");
    }
    const runtime = target === "bun" ? "Bun" : "Deno";
    const name = serverFileName(options.documentName());
    const outcome = await fileSaver.save(
      { name, kind: "server", what: `the server file for ${runtime}` },
      new Blob([result.code], { type: "text/typescript" }),
    );
    const { text, tone } = describeSave(outcome, `${name} for ${runtime}`);
    const changed =
      outcome.saved && result.changes.length
        ? ` · ${countWithNoun(result.changes.length, "change")} listed in its header`
        : "";
    statusLine.say(text + changed, tone);
  }

  /** Wires a menu item: picking it closes the menu first. */
  function item(id: string, pick: () => void): void {
    byId(id, HTMLButtonElement).addEventListener("click", () => {
      menu.open = false;
      pick();
    });
  }

  item("export-json", () => {
    // A recording's events are already in ms since its start.
    const lines = timelineJsonLines(rebaseTimeline(store.events, viewer.active ? 0 : store.timelineStart));
    void saveExport(
      { name: "timeline.jsonl", kind: "timeline", what: "the timeline as JSON lines" },
      new Blob([lines], { type: "application/x-ndjson" }),
    );
  });
  for (const target of ["bun", "deno"] as const) item(`export-${target}`, () => void exportServerFile(target));
  item("export-png", async () => {
    await saveExport(
      { name: "timeline.png", kind: "image", what: "the timeline as a picture" },
      await options.timelinePng(),
    );
  });
  item("export-recording", () => {
    const name = recordings.recordingName();
    recordings
      .recordingText()
      .then(
        (text) =>
          saveExport(
            { name, kind: "recording", what: "the recording" },
            new Blob([text], { type: "application/x-ndjson" }),
          ),
        sayFailure,
      );
  });
  item("export-expectations", () => {
    const name = recordings.expectationsName();
    recordings
      .expectationsText()
      .then(
        (text) =>
          saveExport({ name, kind: "timeline", what: "the expectations" }, new Blob([text], { type: "text/plain" })),
        sayFailure,
      );
  });

  return {
    suggestRequest(request) {
      suggestedRequest = request.path === undefined ? undefined : tryRequestOf({ ...request, path: request.path });
    },
  };
}
