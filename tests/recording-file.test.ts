import { describe, expect, test } from "bun:test";
import {
  describeEvent,
  maxRecordingEvents,
  parseRecording,
  recordingFormat,
  recordingJsonLines,
  rebaseTimeline,
  timelineJsonLines,
  type RecordingHeader,
  type TimelineEvent,
} from "../src/contract/index.ts";
import { createTimelineModel } from "../src/webview/timeline/index.ts";

const events: TimelineEvent[] = [
  {
    t: 100,
    lane: 0,
    side: "runner",
    kind: "loaded",
    version: 1,
    form: "default-function",
    notices: [],
    loadMs: 1,
    url: "http://127.0.0.1:1/",
  },
  {
    t: 110,
    lane: 1,
    side: "client",
    kind: "open",
    client: "stream",
    method: "GET",
    url: "http://localhost:8080/api",
    attempt: 1,
    external: true,
    slow: { readBytesPerSecond: 65_536, stallAfterMs: 500, stallMs: 2000, dropAfterBytes: 1024 },
  },
  {
    t: 120,
    lane: 1,
    side: "client",
    kind: "json-line",
    line: 1,
    bytes: 12,
    text: '{"a":"\uFEFF"}',
    value: { a: "\uFEFF" },
  },
  {
    t: 125,
    lane: 1,
    side: "client",
    kind: "json-line",
    line: 2,
    bytes: 3,
    text: "nah",
    error: 'JSON Parse error: Unexpected identifier "nah"',
  },
  { t: 130, lane: 1, side: "client", kind: "reading", state: "paused", cause: "stall" },
  {
    t: 140,
    lane: 1,
    side: "client",
    kind: "disconnect",
    by: "drop",
    message: "dropped after 1 KiB of the body, by the lane's setting",
    bytes: 1024,
    chunks: 2,
  },
];

const header: RecordingHeader = {
  format: recordingFormat,
  version: 1,
  recordedAt: "2026-01-02T03:04:05.000Z",
  by: "the playground",
  title: "events.ts",
  versions: [{ version: 1, source: "export default () => new Response('\uFEFF');\n", path: "/tmp/events.ts" }],
  lanes: [
    {
      lane: 1,
      request: {
        client: "stream",
        path: "http://localhost:8080/api",
        method: "GET",
        headers: {},
        clients: 1,
        slow: { readBytesPerSecond: 65_536 },
      },
    },
  ],
  view: { from: 0, to: 50 },
};

describe("recording files", () => {
  test("a recording reads back as its header and its events, invisible characters written out in the file and whole again when read", () => {
    const timeline = rebaseTimeline(events, 100);
    const text = recordingJsonLines(header, timeline);
    expect(text).toContain("\\uFEFF");
    expect(text).not.toContain("\uFEFF");
    expect(parseRecording(text)).toEqual({
      ok: true,
      recording: { header, events: timeline.filter((event) => event.kind !== "summary") },
    });
  });

  test("trace --json output reads as events without a header", () => {
    const timeline = rebaseTimeline(events, 100);
    expect(parseRecording(timelineJsonLines(timeline))).toEqual({
      ok: true,
      recording: { header: undefined, events: timeline.slice(0, -1) },
    });
  });

  test("what is not a recording is refused with the line it is on", () => {
    const good = timelineJsonLines(rebaseTimeline(events, 100));
    expect([
      parseRecording(""),
      parseRecording("not json\n"),
      parseRecording(`${good}{"t":1,"lane":1,"side":"client","kind":"json-line","line":0,"bytes":1,"text":"x"}\n`),
      parseRecording(`${JSON.stringify({ ...header, version: 2 })}\n${good}`),
      parseRecording(`${good}${JSON.stringify(header)}\n`),
    ]).toEqual([
      { ok: false, problem: "it is empty" },
      {
        ok: false,
        problem:
          'line 1 is not JSON (JSON Parse error: Unexpected identifier "not"): a recording has one JSON object per line',
      },
      { ok: false, problem: "line 8, an event: line must be a whole number of at least 1" },
      { ok: false, problem: "line 1, the header: version must be 1" },
      // A header anywhere but first is not one: it is checked as an event, and is not one.
      { ok: false, problem: expect.stringContaining("line 8, an event: kind must be one of") },
    ]);
  });
});

describe("the new events, as they read", () => {
  test("in the table and the trace: a JSON line, a line that is not JSON, a pause, a drop, an open to another server by a slow client", () => {
    expect(events.slice(1).map((event) => describeEvent(event))).toEqual([
      {
        detail:
          "stream GET http://localhost:8080/api (server side not visible; reads ≤ 64 KiB/s, stalls at 500 ms for 2000 ms, drops after 1 KiB)",
        colour: "cyan",
      },
      { detail: 'line 1: {"a":"\\uFEFF"}', colour: "magenta" },
      { detail: 'line 2 is not JSON (JSON Parse error: Unexpected identifier "nah"): nah', colour: "yellow" },
      { detail: "paused reading (the lane's stall setting)", colour: "yellow" },
      { detail: "dropped after 2 chunks, 1024 B, as the lane's setting says: no clean close", colour: "yellow" },
    ]);
  });

  test("on the timeline: JSON lines drawn as SSE events are, the rest as what they mean", () => {
    const model = createTimelineModel(0);
    model.append(events);
    const looks = events.slice(2).map((event) => {
      const mark = model.markOf(event);
      return mark && { role: mark.role, label: mark.label, size: mark.size };
    });
    expect(looks).toEqual([
      { role: "sse", label: '{"a":"\\uFEFF"}', size: 0.55 },
      { role: "error", label: "line 2: not JSON", size: 1 },
      { role: "abort", label: "paused reading", size: 0.55 },
      { role: "abort", label: "dropped", size: 0.9 },
    ]);
  });

  test("the server row of a lane against another server says its side is not visible", () => {
    const model = createTimelineModel(0);
    model.append(events);
    expect(model.rows.map((row) => ({ label: row.label, note: row.note }))).toEqual([
      { label: "runner", note: undefined },
      {
        label: "client 1 · server",
        note: "server side not visible: http://localhost:8080/api is not the playground's server",
      },
      { label: "client 1 · client", note: undefined },
    ]);
  });

  test("a recording opens with as many events as the page keeps, and one more is refused", () => {
    const line = `${JSON.stringify(events[5])}\n`;
    const full = parseRecording(line.repeat(maxRecordingEvents));
    expect(full.ok && full.recording.events.length).toBe(1_000_000);
    expect(parseRecording(line.repeat(maxRecordingEvents + 1))).toEqual({
      ok: false,
      problem: "it has more than 1,000,000 events, more than the page keeps",
    });
  });
});
