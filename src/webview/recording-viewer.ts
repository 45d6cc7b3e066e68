/**
 * Viewing a recording: its events take the live timeline's place in the timeline, the table, the
 * raw stream and the console (each works as it does live: zoom, pan, filters, details), its
 * source takes the editor's, read-only, and a bar says what is shown, with a way back to live.
 *
 * The live session goes on meanwhile: events the host sends are kept aside and shown again, with
 * everything before them, when the recording is closed.
 */

import type { Recording, TimelineEvent, VersionSource } from "../contract/index.ts";
import { byId, element } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import { createRecordingSource } from "./recording-source.ts";
import type { TimelineView } from "./timeline/index.ts";

export interface RecordingViewerOptions {
  store: EventStore;
  view: TimelineView;
  /** A recording was opened (true) or closed (false): the page locks or unlocks what only live can do. */
  onModeChange: (viewing: boolean) => void;
}

/** The recording on show, with its file's name. */
export interface OpenRecording extends Recording {
  name: string;
}

/** `2025-06-01 14:03`, in the viewer's own time zone. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : `${date.toLocaleDateString()} ${date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
}

export interface RecordingViewer {
  /** Shows a recording (or a `trace --json` file) in place of the live timeline. */
  open(recording: Recording, name: string): void;
  /**
   * Back to live: the live timeline returns with everything that arrived meanwhile. Nothing happens when none is shown.
   */
  close(): void;
  /** True while a recording is shown. */
  readonly active: boolean;
  /** The recording on show. */
  readonly recording: OpenRecording | undefined;
  /** Live events that arrived while a recording is shown. */
  holdLive(events: readonly TimelineEvent[]): void;
  /** The live timeline was cleared (here or on another page) while a recording is shown. */
  resetLive(start: number): void;
  /** Scrolls the recording's source to `line` and marks it (a console line's link). */
  revealLine(line: number): void;
}

export function createRecordingViewer(options: RecordingViewerOptions): RecordingViewer {
  const { store, view } = options;
  const bar = byId("recording-bar", HTMLDivElement);
  const title = byId("recording-title", HTMLSpanElement);
  const versions = byId("recording-version", HTMLSelectElement);
  const back = byId("recording-close", HTMLButtonElement);
  const source = createRecordingSource(byId("recording-source", HTMLDivElement));
  let open: OpenRecording | undefined;
  /** The live timeline while a recording is shown: where it started, and its events. */
  let live: { start: number; events: TimelineEvent[] } | undefined;
  /** The time range to show once the recording's events have reached the timeline. */
  let pendingRange: { from: number; to: number } | "fit" | undefined;

  store.subscribe({
    appended() {
      if (pendingRange === undefined) return;
      // Subscribed after the timeline, so its model already holds the events.
      if (pendingRange === "fit") view.fit();
      else view.setRange(pendingRange.from, pendingRange.to);
      pendingRange = undefined;
    },
    cleared() {},
  });

  function versionOf(number: number): VersionSource | undefined {
    return open?.header?.versions.find((version) => version.version === number);
  }

  function showVersions(recording: OpenRecording): void {
    const known = recording.header?.versions ?? [];
    versions.replaceChildren(
      ...known.map((version) =>
        element(
          "option",
          { value: String(version.version) },
          `v${version.version}${version.path ? ` · ${version.path.split("/").at(-1)}` : ""}`,
        ),
      ),
    );
    versions.hidden = known.length < 2;
    // The version that was serving last: the newest one loaded.
    const last = [...recording.events].reverse().find((event) => event.kind === "loaded");
    const shown =
      known.find((version) => version.version === (last?.kind === "loaded" ? last.version : undefined)) ?? known.at(-1);
    if (shown) versions.value = String(shown.version);
    void source.show(shown);
  }

  versions.addEventListener("change", () => void source.show(versionOf(Number(versions.value))));
  back.addEventListener("click", () => close());

  function close(): void {
    if (!open || !live) return;
    const { start, events } = live;
    open = undefined;
    live = undefined;
    bar.hidden = true;
    document.body.dataset.recording = "";
    store.clear(start);
    store.append(events);
    view.follow(true);
    options.onModeChange(false);
  }

  return {
    open(recording: Recording, name: string): void {
      if (!live) live = { start: store.timelineStart, events: [...store.events] };
      open = { ...recording, name };
      const header = recording.header;
      const lanes = new Set(recording.events.filter((event) => event.lane > 0).map((event) => event.lane)).size;
      const made = header ? `recorded ${when(header.recordedAt)} by ${header.by}` : "a trace --json timeline";
      title.textContent = `Recording ${name}${header?.title ? ` (${header.title})` : ""} · ${made} · ${recording.events.length} events, ${lanes} lane${lanes === 1 ? "" : "s"} · read-only`;
      bar.hidden = false;
      document.body.dataset.recording = "true";
      showVersions(open);
      pendingRange = header?.view ?? "fit";
      view.follow(false);
      // Times are in ms since the recording's timeline began: its zero is 0.
      store.clear(0);
      store.append(recording.events);
      options.onModeChange(true);
    },
    close,
    get active(): boolean {
      return open !== undefined;
    },
    get recording(): OpenRecording | undefined {
      return open;
    },
    holdLive(events: readonly TimelineEvent[]): void {
      // One by one: a spread of a large batch would not fit on the stack.
      if (live) for (const event of events) live.events.push(event);
    },
    resetLive(start: number): void {
      if (live) live = { start, events: [] };
    },
    revealLine: (line: number) => source.revealLine(line),
  };
}
