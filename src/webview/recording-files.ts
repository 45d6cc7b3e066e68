/**
 * Recordings in and out of the page: Export → Recording (the timeline's events, the source of every
 * version they mention, each lane's request, the client controls and the view), Export →
 * Expectations (what the timeline already meets, as an expectation file), and File → Open
 * recording or a file dropped onto the window (a recording, or any `trace --json` output).
 */

import {
  errorMessage,
  maxRecordingBytes,
  rebaseTimeline,
  recordingWorkerPath,
  recordingFormat,
  recordingJsonLines,
  type ClientRequest,
  type RecordingHeader,
  type TimelineEvent,
} from "../contract/index.ts";
import { deriveExpectations, traceSettingsOf } from "../expect/index.ts";
import { byId } from "./dom.ts";
import type { HostConnection } from "./host-connection.ts";
import type { RecordingViewer } from "./recording-viewer.ts";
import {
  createEventRowsDecoder,
  type RecordingWorkerMessage,
  type RecordingWorkerRequest,
} from "./recording-worker-messages.ts";

export interface RecordingFilesOptions {
  connection: HostConnection;
  viewer: RecordingViewer;
  /** The live timeline: its events and where it began (host clock). */
  events: () => readonly TimelineEvent[];
  timelineStart: () => number;
  /** The time range the timeline shows (host clock), for the recording's view. */
  range: () => { from: number; to: number };
  /** The client controls as set. */
  controls: () => ClientRequest | undefined;
  /** The open snippet's file name (`events.ts`), for titles and suggested names. */
  documentName: () => string | undefined;
  /** The system's dialogs are there (the desktop app). */
  nativeDialogs: () => boolean;
  say: (text: string, tone?: "ok" | "error" | "") => void;
}

/** The versions a timeline's events name: loads, restarts and every server event's. */
function versionsIn(events: readonly TimelineEvent[]): number[] {
  const found = new Set<number>();
  for (const event of events)
    if ("version" in event && typeof event.version === "number" && event.version > 0) found.add(event.version);
  return [...found].sort((a, b) => a - b);
}

const baseName = (name: string | undefined) =>
  (name ?? "stream").replace(/\.[cm]?[jt]sx?$/, "").replace(/[^\w.-]+/g, "-") || "stream";

export interface RecordingFiles {
  /** Reads a file (or its text) as a recording and shows it as it is read, or says what is wrong with it. */
  openText(name: string, text: string): void;
  /** The recording's file: the open recording's as it is (with the view now), or the live timeline with its sources. */
  recordingText(): Promise<string>;
  /** The expectations the shown timeline meets, as an expectation file's text. */
  expectationsText(): Promise<string>;
  /** The suggested file name for Export → Recording (`events.recording.jsonl`). */
  recordingName(): string;
  /** The suggested file name for Export → Expectations (`events.expect.json`). */
  expectationsName(): string;
}

export function createRecordingFiles(options: RecordingFilesOptions): RecordingFiles {
  const { connection, viewer, say } = options;

  /** The worker reading the recording being opened, if one is. */
  let reading: Worker | undefined;

  /**
   * Reads a recording off the page's thread and shows it as its events arrive; the page stays
   * responsive meanwhile, and Back to live (or another recording) stops the reading.
   */
  function openSource(name: string, source: RecordingWorkerRequest["source"]): void {
    const size = typeof source === "string" ? source.length : source.size;
    if (size > maxRecordingBytes) {
      say(
        `${name} is not a recording the playground can open: it is ${Math.round(size / 2 ** 20)} MB, more than the ${maxRecordingBytes / 2 ** 20} MB the page reads`,
        "error",
      );
      return;
    }
    reading?.terminate();
    let worker: Worker;
    try {
      worker = new Worker(recordingWorkerPath, { type: "module" });
    } catch (error) {
      say(`${name} could not be read: ${errorMessage(error)}`, "error");
      return;
    }
    reading = worker;
    const load = viewer.begin(name);
    say(`Opening the recording ${name}…`, "");
    const stop = () => {
      worker.terminate();
      if (reading === worker) reading = undefined;
    };
    const decoder = createEventRowsDecoder();
    worker.onmessage = (message: MessageEvent<RecordingWorkerMessage>) => {
      const answer = message.data;
      switch (answer.type) {
        case "header":
          load.header(answer.header);
          return;
        case "events": {
          let events: TimelineEvent[];
          try {
            events = decoder.decode(answer);
          } catch (error) {
            stop();
            load.fail();
            say(`${name} could not be read: ${errorMessage(error)}`, "error");
            return;
          }
          if (!load.append(events, answer)) stop();
          return;
        }
        case "done":
          stop();
          load.finish();
          say(`Showing the recording ${name}; Back to live returns to the running snippet.`, "ok");
          return;
        case "failed":
          stop();
          load.fail();
          say(`${name} is not a recording the playground can open: ${answer.problem}`, "error");
          return;
        default: {
          const _never: never = answer;
          return _never;
        }
      }
    };
    worker.onerror = (error) => {
      stop();
      load.fail();
      say(`${name} could not be read: ${error.message || "the reader stopped"}`, "error");
    };
    worker.postMessage({ source } satisfies RecordingWorkerRequest);
  }

  function openText(name: string, text: string): void {
    openSource(name, text);
  }

  function openFile(file: File): void {
    openSource(file.name, file);
  }

  /** The recording's file: the open recording's as it is (with the view now), or the live timeline with its sources. */
  async function recordingText(): Promise<string> {
    const { from, to } = options.range();
    const shown = viewer.recording;
    if (shown) {
      const header: RecordingHeader = shown.header
        ? { ...shown.header, view: { from, to } }
        : {
            format: recordingFormat,
            version: 1,
            recordedAt: new Date().toISOString(),
            by: "the playground",
            title: shown.name,
            versions: [],
            lanes: [],
            view: { from, to },
          };
      return recordingJsonLines(header, shown.events);
    }
    const start = options.timelineStart();
    const events = options.events();
    const sources = await connection.request("recording-sources", { versions: versionsIn(events) });
    const controls = options.controls();
    const header: RecordingHeader = {
      format: recordingFormat,
      version: 1,
      recordedAt: new Date().toISOString(),
      by: "the playground",
      title: options.documentName(),
      versions: sources.versions,
      lanes: sources.lanes,
      ...(controls ? { controls } : {}),
      view: { from: from - start, to: to - start },
    };
    return recordingJsonLines(header, rebaseTimeline(events, start));
  }

  /** The expectations the shown timeline meets, as an expectation file's text. */
  async function expectationsText(): Promise<string> {
    const shown = viewer.recording;
    const events = shown ? shown.events : rebaseTimeline(options.events(), options.timelineStart());
    const lanes = shown
      ? (shown.header?.lanes ?? [])
      : (await connection.request("recording-sources", { versions: [] })).lanes;
    const file = deriveExpectations(events, { trace: traceSettingsOf(lanes, events) });
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  // File → Open recording: the system's dialog in the desktop app, the browser's file picker elsewhere.
  const input = byId("recording-file-input", HTMLInputElement);
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = "";
    if (file) openFile(file);
  });
  byId("file-open-recording", HTMLButtonElement).addEventListener("click", () => {
    byId("file-menu", HTMLDetailsElement).open = false;
    if (!options.nativeDialogs()) return input.click();
    connection.request("recording-open-dialog", {}).then(
      (reply) => {
        if (reply.type === "opened") openText(reply.name, reply.text);
      },
      (error: unknown) => say(errorMessage(error), "error"),
    );
  });

  // A file dropped anywhere on the window.
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") === true;
  document.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    // Without this the browser (or the desktop window) would navigate to the file.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    document.body.dataset.dropping = "true";
  });
  document.addEventListener("dragleave", (event) => {
    if (event.relatedTarget === null) document.body.dataset.dropping = "";
  });
  document.addEventListener("drop", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    document.body.dataset.dropping = "";
    const file = event.dataTransfer?.files[0];
    if (file) openFile(file);
  });

  return {
    openText,
    recordingText,
    expectationsText,
    recordingName: () =>
      `${baseName(viewer.recording?.name.replace(/\.recording\.jsonl$|\.jsonl?$/, "") ?? options.documentName())}.recording.jsonl`,
    expectationsName: () =>
      `${baseName(viewer.recording?.name.replace(/\.recording\.jsonl$|\.jsonl?$/, "") ?? options.documentName())}.expect.json`,
  };
}
