/**
 * Recordings: a timeline saved to be opened again, on this machine or another. The file is JSON
 * Lines: a header (what made it, the snippet's source for every version the timeline mentions,
 * each lane's request, the client controls, the view), then the events exactly as `trace --json`
 * writes them (`t` in ms since the timeline began). A `trace --json` file, which has no header, is
 * read the same way; it only lacks the sources and settings.
 */

import {
  array,
  CheckProblem,
  integer,
  literal,
  number,
  object,
  optional,
  string,
  tagged,
  type Check,
} from "./check.ts";
import { clientRequestCheck, type ClientRequest } from "./client-request.ts";
import { formatCount } from "./format-count.ts";
import { timelineEventCheck } from "./timeline-checks.ts";
import type { TimelineEvent } from "./timeline-events.ts";
import { timelineJsonLines } from "./timeline-file.ts";
import { escapeInvisibleInJson } from "./visible-text.ts";
import { errorMessage } from "./error-message.ts";

/** The header's `format`: what tells a recording from any other JSON lines. */
export const recordingFormat = "stream-playground-recording";

/** The source of one version of the snippet. */
export interface VersionSource {
  version: number;
  source: string;
  /** The snippet's file when it ran, for its name. */
  path?: string | undefined;
}

/** The request a lane's client made. */
export interface LaneRequest {
  lane: number;
  request: ClientRequest;
}

/** The view when the recording was made: the time range shown, in ms since the timeline began. */
export interface RecordingView {
  from: number;
  to: number;
}

export interface RecordingHeader {
  format: typeof recordingFormat;
  version: 1;
  /** When it was made, ISO 8601. */
  recordedAt: string;
  /** What made it: `the playground`, `trace`. */
  by: string;
  /** What it is of: the snippet's file name, or the URL the clients requested. */
  title?: string | undefined;
  /** The snippet's source for every version the timeline mentions (those the maker still had). */
  versions: VersionSource[];
  /** Each lane's request. */
  lanes: LaneRequest[];
  /** The client controls as they were set. */
  controls?: ClientRequest | undefined;
  view?: RecordingView | undefined;
}

/** A recording as read: its header (none for a `trace --json` file) and its events. */
export interface Recording {
  header?: RecordingHeader | undefined;
  events: TimelineEvent[];
}

/** What the host asks for a recording: each version's source, and each lane's request. */
export interface RecordingSources {
  versions: VersionSource[];
  lanes: LaneRequest[];
}

/** A recording file the user chose with the system's dialog: its name and text, or nothing chosen. */
export type RecordingFileReply = { type: "opened"; name: string; text: string } | { type: "cancelled" };

/** Events a recording may hold: as many as the page keeps. */
export const maxRecordingEvents = 1_000_000;

/** The largest recording file the page opens: a million events of the playground's own fit well within it. */
export const maxRecordingBytes = 512 * 1024 * 1024;

/** Where the host serves the script that reads a recording off the page's thread. */
export const recordingWorkerPath = "/recording-worker.js";

const versionSourceCheck: Check<VersionSource> = object({
  version: integer(1),
  source: string,
  path: optional(string),
});
const laneRequestCheck: Check<LaneRequest> = object({ lane: integer(1), request: clientRequestCheck });

export const recordingSourcesCheck: Check<RecordingSources> = object({
  versions: array(versionSourceCheck),
  lanes: array(laneRequestCheck),
});

export const recordingFileReplyCheck: Check<RecordingFileReply> = tagged("type", {
  opened: object({ type: literal("opened"), name: string, text: string }),
  cancelled: object({ type: literal("cancelled") }),
});

export const recordingHeaderCheck: Check<RecordingHeader> = object({
  format: literal(recordingFormat),
  version: literal(1),
  recordedAt: string,
  by: string,
  title: optional(string),
  versions: array(versionSourceCheck),
  lanes: array(laneRequestCheck),
  controls: optional(clientRequestCheck),
  view: optional(object({ from: number, to: number })),
});

/** The file's text: the header, then one event per line. */
export function recordingJsonLines(header: RecordingHeader, events: readonly TimelineEvent[]): string {
  return `${escapeInvisibleInJson(JSON.stringify(header))}\n${timelineJsonLines(events)}`;
}

const isFields = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** What a piece of a recording's text gave: the header once it is read, and the events it finished. */
export type RecordingRead =
  | {
      ok: true;
      header?: RecordingHeader | undefined;
      /** The events as checked: the fields the contract names, nothing else of the line. */
      events: TimelineEvent[];
    }
  | { ok: false; problem: string };

/**
 * Reads a recording, or a `trace --json` file, a piece at a time as it arrives (a line may be cut
 * between pieces): the header when the first line is one, and every event, checked. A problem
 * names the line it is on; nothing is read after it.
 */
export interface RecordingReader {
  push(text: string): RecordingRead;
  /** The file ended: its last line, and a problem if it held nothing. */
  end(): RecordingRead;
}

/** The `kind` of the lines `trace --json` prints for a lane's lens, beside its events. */
export const derivedLensKind = "lens";

export function createRecordingReader(): RecordingReader {
  let pending = "";
  let lineNumber = 0;
  let seenContent = false;
  let count = 0;
  let failed: string | undefined;

  function readLine(line: string, into: TimelineEvent[], found: { header?: RecordingHeader }): string | undefined {
    lineNumber++;
    if (line.trim() === "") return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return `line ${lineNumber} is not JSON (${errorMessage(error)}): a recording has one JSON object per line`;
    }
    const isHeader = !seenContent && isFields(value) && Object.hasOwn(value, "format");
    // `trace --json` ends a lane read through a protocol lens with a `lens` line: what the lens made
    // of the lane's events, made again from them wherever they are shown, so it is not an event.
    if (!isHeader && isFields(value) && value.kind === derivedLensKind) {
      seenContent = true;
      return undefined;
    }
    try {
      if (isHeader) found.header = recordingHeaderCheck(value);
      else {
        const event = timelineEventCheck(value);
        // The closing summary is counted from the events, never shown as one.
        if (event.kind !== "summary") {
          into.push(event);
          count++;
        }
      }
    } catch (error) {
      if (!(error instanceof CheckProblem)) throw error;
      return `line ${lineNumber}, ${isHeader ? "the header" : "an event"}: ${error.message}`;
    }
    seenContent = true;
    if (count > maxRecordingEvents)
      return `it has more than ${formatCount(maxRecordingEvents)} events, more than the page keeps`;
    return undefined;
  }

  function read(lines: string[]): RecordingRead {
    if (failed !== undefined) return { ok: false, problem: failed };
    const events: TimelineEvent[] = [];
    const found: { header?: RecordingHeader } = {};
    for (const line of lines) {
      failed = readLine(line, events, found);
      if (failed !== undefined) return { ok: false, problem: failed };
    }
    return { ok: true, header: found.header, events };
  }

  return {
    push(text) {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      return read(lines);
    },
    end() {
      const last = read([pending]);
      pending = "";
      if (last.ok && !seenContent) return { ok: false, problem: "it is empty" };
      return last;
    },
  };
}

/**
 * Reads a whole recording, or a `trace --json` file: the header when the first line is one, and
 * every event, checked. A problem names the line it is on.
 */
export function parseRecording(text: string): { ok: true; recording: Recording } | { ok: false; problem: string } {
  const reader = createRecordingReader();
  const body = reader.push(text);
  if (!body.ok) return body;
  const last = reader.end();
  if (!last.ok) return last;
  const events = body.events;
  for (const event of last.events) events.push(event);
  return { ok: true, recording: { header: body.header ?? last.header, events } };
}
