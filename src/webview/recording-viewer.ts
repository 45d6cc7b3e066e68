/**
 * Viewing a recording: its events take the live timeline's place in the timeline, the table, the
 * raw stream and the console (each works as it does live: zoom, pan, filters, details), its
 * source takes the editor's, read-only, and a bar says what is shown, with a way back to live.
 *
 * The live session goes on meanwhile: events the host sends are kept aside and shown again, with
 * everything before them, when the recording is closed.
 */

import {
  escapeInvisible,
  formatCount,
  type Recording,
  type RecordingHeader,
  type TimelineEvent,
  type VersionSource,
} from "../contract/index.ts";
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

/**
 * How many of a recording's events the timeline, the table and the rest take in one frame while it
 * is read: they take a batch in time proportional to its size, so the count follows how long the
 * last frames took, aiming at `frameBudgetMs` (fewer, larger batches cost less in all; a frame
 * much past it leaves the page unresponsive for that long).
 */
const eventsPerFrame = { first: 8_000, least: 2_000, most: 60_000 };
const frameBudgetMs = 30;

/** A recording being read, shown as its events arrive. */
export interface RecordingLoad {
  /** The file's header, once read. */
  header(header: RecordingHeader): void;
  /** More events, and how far the file has been read; false once the viewer no longer shows this load (Back to live). */
  append(events: readonly TimelineEvent[], progress: { done: number; total: number }): boolean;
  /** The whole file was read. */
  finish(): void;
  /** The file was refused part-way: back to live. */
  fail(): void;
}

export interface RecordingViewer {
  /** Shows a recording (or a `trace --json` file) in place of the live timeline. */
  open(recording: Recording, name: string): void;
  /** Starts showing a recording that is still being read: its events fill in as they arrive. */
  begin(name: string): RecordingLoad;
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
    delete bar.dataset.reading;
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

  /** A name from the file, its invisible characters written out (a U+202E cannot reorder the bar) and cut short. */
  const cut = (text: string, max: number) => {
    const visible = escapeInvisible(text);
    return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
  };

  /** What made a recording, as the bar says it; kept, as the bar is written again with every batch read. */
  let madeBy: { header: RecordingHeader | undefined; text: string } | undefined;
  function madeText(header: RecordingHeader | undefined): string {
    if (madeBy === undefined || madeBy.header !== header)
      madeBy = {
        header,
        text: header ? `recorded ${when(header.recordedAt)} by ${cut(header.by, 40)}` : "a trace --json timeline",
      };
    return madeBy.text;
  }

  /** The bar's text: what the recording is, and how far it has been read. */
  function describe(recording: OpenRecording, lanes: number, reading: string | undefined): string {
    const header = recording.header;
    const made = madeText(header);
    const count = `${formatCount(recording.events.length)} events, ${lanes} lane${lanes === 1 ? "" : "s"}`;
    const name = cut(recording.name, 80);
    const titled = header?.title ? ` (${cut(header.title, 80)})` : "";
    return reading === undefined
      ? `Recording ${name}${titled} · ${made} · ${count} · read-only`
      : `Opening ${name}${titled} · ${reading} · ${count} so far`;
  }

  /** Every load begun; a load no longer the latest (another opened, or Back to live) stops. */
  let loads = 0;

  function begin(name: string): RecordingLoad {
    const id = ++loads;
    if (!live) live = { start: store.timelineStart, events: [...store.events] };
    const shown: OpenRecording = { name, events: [] };
    open = shown;
    const current = () => open === shown && loads === id;
    /** The client lanes seen so far, counted as events arrive. */
    const lanes = new Set<number>();
    title.textContent = describe(shown, 0, "reading");
    title.title = title.textContent;
    // Set while the file is being read: the page (and a test) can tell a recording still filling in.
    bar.dataset.reading = "true";
    bar.hidden = false;
    document.body.dataset.recording = "true";
    showVersions(shown);
    view.follow(false);
    // Times are in ms since the recording's timeline began: its zero is 0.
    store.clear(0);
    options.onModeChange(true);
    let fitted = false;
    /** Events read but not yet handed to the views: `shown.events[handed…]`. */
    let handed = 0;
    let pumping = false;
    let perFrame = eventsPerFrame.first;
    /** When the last batch was handed: the time since is what the frame after it took. */
    let handedAt: number | undefined;
    /** Hands the views one frame's worth of what was read, then again next frame until none is left. */
    const pump = (now: number) => {
      pumping = false;
      if (!current()) return;
      if (handedAt !== undefined) {
        const took = Math.max(1, now - handedAt);
        perFrame = Math.round(
          Math.min(eventsPerFrame.most, Math.max(eventsPerFrame.least, perFrame * Math.min(2, frameBudgetMs / took))),
        );
      }
      const slice = shown.events.slice(handed, handed + perFrame);
      handed += slice.length;
      // Measured only while a backlog waits: a frame after which nothing was waiting says nothing of a batch's cost.
      handedAt = handed < shown.events.length ? now : undefined;
      if (slice.length > 0) store.append(slice);
      if (!fitted && slice.length > 0) {
        fitted = true;
        // The store hands the events to the timeline at the next frame; this runs right after.
        requestAnimationFrame(() => current() && view.fit());
      }
      if (handed < shown.events.length) schedule();
      else if (finished) showFinished();
    };
    const schedule = () => {
      if (pumping) return;
      pumping = true;
      requestAnimationFrame(pump);
    };
    let finished = false;
    const showFinished = () => {
      delete bar.dataset.reading;
      title.textContent = describe(shown, lanes.size, undefined);
      title.title = title.textContent;
      const range = shown.header?.view;
      requestAnimationFrame(() => {
        if (!current()) return;
        if (range) view.setRange(range.from, range.to);
        else view.fit();
      });
    };
    return {
      header(header) {
        if (!current()) return;
        shown.header = header;
        showVersions(shown);
      },
      append(events, progress) {
        if (!current()) return false;
        // One by one: a spread of a large batch would not fit on the stack.
        for (const event of events) {
          shown.events.push(event);
          if (event.lane > 0) lanes.add(event.lane);
        }
        schedule();
        const percent = progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : 100;
        title.textContent = describe(shown, lanes.size, `${percent}% read`);
        return true;
      },
      finish() {
        if (!current()) return;
        finished = true;
        if (handed === shown.events.length) showFinished();
        else schedule();
      },
      fail() {
        if (current()) close();
      },
    };
  }

  return {
    open(recording: Recording, name: string): void {
      const load = begin(name);
      if (recording.header) load.header(recording.header);
      load.append(recording.events, { done: 1, total: 1 });
      load.finish();
    },
    begin,
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
