import { describe, expect, test } from "bun:test";
import { parseExpectationFile, type Expectation, type TimelineEvent } from "../src/contract/index.ts";
import { evaluateExpectations, formatReport } from "../src/expect/index.ts";

/** Two lanes of an SSE stream: connected, two ticks, then the client leaves and cleanup runs. */
function sseTimeline(lanes = [1, 2], tick2 = "tick 2"): TimelineEvent[] {
  return lanes.flatMap((lane, i): TimelineEvent[] => {
    const at = (t: number) => t + i * 0.5;
    const requestId = lane;
    return [
      {
        t: at(1),
        lane,
        side: "client",
        kind: "open",
        client: "eventsource",
        method: "GET",
        url: "http://127.0.0.1:1/events",
        attempt: 1,
      },
      { t: at(2), lane, side: "server", kind: "request", requestId, version: 1, method: "GET", path: "/events" },
      {
        t: at(3),
        lane,
        side: "client",
        kind: "headers",
        status: 200,
        headers: { "content-type": "text/event-stream" },
        ttfbMs: 2,
      },
      { t: at(4), lane, side: "client", kind: "sse", event: "connected", lastEventId: "", data: "hello" },
      { t: at(504), lane, side: "client", kind: "sse", event: "message", id: "1", lastEventId: "1", data: "tick 1" },
      {
        t: at(1004),
        lane,
        side: "client",
        kind: "sse",
        event: "message",
        id: "2",
        lastEventId: "2",
        data: lane === 2 ? tick2 : "tick 2",
      },
      { t: at(1300), lane, side: "client", kind: "disconnect", by: "client", bytes: 70, chunks: 3 },
      { t: at(1301), lane, side: "server", kind: "abort", requestId, version: 1 },
      { t: at(1302), lane, side: "server", kind: "cleanup", requestId, version: 1, afterMs: 1.5, via: "stream-cancel" },
    ];
  });
}

function results(expectations: Expectation[], events: TimelineEvent[]) {
  return evaluateExpectations(expectations, events).results.map(({ ok, summary, differences }) => ({
    ok,
    summary,
    differences,
  }));
}

describe("expectation files", () => {
  test("a valid file reads as its expectations and trace settings", () => {
    const text = JSON.stringify({
      version: 1,
      trace: { path: "/events", client: "eventsource", clients: 2, slow: { readBytesPerSecond: 1000 } },
      expect: [
        {
          happens: { kind: "sse", event: "update", "value.done": true, data: { match: "^tick", flags: "i" } },
          after: { kind: "open" },
          withinMs: 200,
        },
        { never: { kind: { oneOf: ["leak", "error"] } } },
      ],
    });
    expect(parseExpectationFile(text)).toEqual({
      ok: false,
      problem:
        "expect[0].happens.value.done is not a field of sse (its fields: t, lane, side, kind, event, id, lastEventId, data)",
    });
    const fixed = text.replace('"value.done":true,', "");
    expect(parseExpectationFile(fixed)).toEqual({
      ok: true,
      file: {
        version: 1,
        trace: { path: "/events", client: "eventsource", clients: 2, slow: { readBytesPerSecond: 1000 } },
        expect: [
          {
            happens: { kind: "sse", event: "update", data: { match: "^tick", flags: "i" } },
            after: { kind: "open" },
            withinMs: 200,
          },
          { never: { kind: { oneOf: ["leak", "error"] } } },
        ],
      },
    });
  });

  test("each mistake is refused with where it is and what would be right", () => {
    const problems = [
      "{",
      "[]",
      JSON.stringify({ expect: [{ happens: { kind: "sse" }, never: { kind: "leak" } }] }),
      JSON.stringify({ expect: [{ name: "x" }] }),
      JSON.stringify({ expect: [{ happens: { kind: "sses" } }] }),
      JSON.stringify({ expect: [{ happens: { kind: { oneOf: ["sse", "jsonline"] } } }] }),
      JSON.stringify({ expect: [{ happens: { kind: "chunk", text: { match: "(" } } }] }),
      JSON.stringify({ expect: [{ happens: { kind: "chunk", text: { mach: "x" } } }] }),
      JSON.stringify({ expect: [{ happens: { kind: "json-line", value: { done: true } } }] }),
      JSON.stringify({ expect: [{ happens: { kind: "chunk", bytes: { min: 1, equals: 3 } } }] }),
      JSON.stringify({ expect: [{ happens: { kind: "chunk" }, withinMs: 100 }] }),
      JSON.stringify({ expect: [{ happens: { kind: "chunk" }, count: { min: 3, max: 1 } }] }),
      JSON.stringify({ expect: [{ never: { kind: "leak" }, withinMs: 5 }] }),
      JSON.stringify({ expect: [{ inOrder: [{ kind: "open" }] }] }),
      JSON.stringify({ trace: { path: "events" }, expect: [{ never: { kind: "leak" } }] }),
      JSON.stringify({ trace: { slow: { stallMs: 5 } }, expect: [{ never: { kind: "leak" } }] }),
      JSON.stringify({ version: 2, expect: [{ never: { kind: "leak" } }] }),
      JSON.stringify({ expectations: [] }),
    ].map((text) => {
      const read = parseExpectationFile(text);
      return read.ok ? "valid" : read.problem;
    });
    expect(problems).toEqual([
      "it is not JSON: line 1, column 2: expected a property name in double quotes",
      "expect must list at least one expectation",
      "expect[0] must check one thing, not happens and never: make them separate expectations",
      "expect[0] says nothing to check: give one of happens, never, inOrder, sameOnEveryLane, endsOnItsVersion, steady, message",
      expect.stringContaining(
        'expect[0].happens.kind "sses" is not a kind of event; the kinds are loaded, load-error,',
      ),
      expect.stringContaining('expect[0].happens.kind.oneOf[1] "jsonline" is not a kind of event; the kinds are'),
      "expect[0].happens.text.match is not a regular expression: Invalid regular expression: missing )",
      'expect[0].happens.text is an object, so it must be an operator (equals, match, includes, min, max, exists, oneOf, not); "mach" is not one. To compare a whole object, write {"equals": {…}}; to test a field inside one, use a dotted key such as "value.mach"',
      'expect[0].happens.value is an object, so it must be an operator (equals, match, includes, min, max, exists, oneOf, not); "done" is not one. To compare a whole object, write {"equals": {…}}; to test a field inside one, use a dotted key such as "value.done"',
      "expect[0].happens.bytes must have exactly one operator (min and max may go together), not min and equals",
      'expect[0] withinMs counts from an "after" event: add one, such as "after": {"kind": "open"}',
      "expect[0].count has min 3 above max 1",
      'expect[0].withinMs is not an option of a "never" expectation (its options: name, never, eachLane)',
      "expect[0].inOrder must list at least two patterns",
      "trace.path must start with /",
      "trace.slow stallMs needs stallAfterMs: when the stall begins",
      "version must be 1: this playground reads version 1 of the format",
      "expectations is not part of an expectation file (it has version, trace and expect)",
    ]);
  });
});

describe("happens", () => {
  test("holds with the first match, and says what matched where", () => {
    expect(results([{ happens: { kind: "sse", data: { match: "^tick" } } }], sseTimeline())).toEqual([
      { ok: true, summary: '4 matched; the first: sse at 504.0 ms, lane 1: message #1 "tick 1"', differences: [] },
    ]);
  });

  test("without a match, names the nearest miss and each field that differs", () => {
    expect(results([{ happens: { kind: "sse", event: "update", data: "tick 1" } }], sseTimeline([1]))).toEqual([
      {
        ok: false,
        summary: 'no sse with event "update", data "tick 1"; nearest: sse at 504.0 ms, lane 1: message #1 "tick 1"',
        differences: ['event is "message", wanted "update"'],
      },
    ]);
  });

  test("when no event is of the kind at all, says which kinds there are", () => {
    expect(results([{ happens: { kind: "json-line" } }], sseTimeline([1]))[0]!.summary).toBe(
      "no json-line: no json-line at all (the kinds there: open, request, headers, sse, disconnect, abort, cleanup)",
    );
  });

  test("within a time after another event, per lane; a late match says how late", () => {
    const events = sseTimeline();
    expect(
      results([{ happens: { kind: "sse", event: "connected" }, after: { kind: "open" }, withinMs: 10 }], events)[0]!.ok,
    ).toBe(true);
    expect(
      results([{ happens: { kind: "sse", data: "tick 1" }, after: { kind: "open" }, withinMs: 200 }], events),
    ).toEqual([
      {
        ok: false,
        summary:
          'the first sse with data "tick 1" came 503.0 ms after open at 1.0 ms, past the limit of 200 ms: sse at 504.0 ms, lane 1: message #1 "tick 1"',
        differences: [],
      },
    ]);
  });

  test("a count, on each lane", () => {
    const events = sseTimeline();
    expect(results([{ happens: { kind: "sse" }, count: 3, eachLane: true }], events)[0]!.ok).toBe(true);
    expect(results([{ happens: { kind: "sse" }, count: { min: 4 }, eachLane: true }], events)[0]!.summary).toBe(
      "lane 1: only 3 matched, wanted at least 4",
    );
    expect(results([{ happens: { kind: "sse" }, count: { max: 2 } }], events)[0]!.summary).toBe(
      "6 matched, wanted from 1 to 2",
    );
  });

  test("a dotted key reaches into a JSON line's value", () => {
    const line = (t: number, value: { done: boolean; response: string }): TimelineEvent => ({
      t,
      lane: 1,
      side: "client",
      kind: "json-line",
      line: t,
      bytes: 10,
      text: JSON.stringify(value),
      value,
    });
    const events = [line(1, { done: false, response: "Hel" }), line(2, { done: true, response: "" })];
    expect(
      results(
        [
          { happens: { kind: "json-line", "value.done": true } },
          { happens: { kind: "json-line", "value.response": { includes: "el" } }, count: 1 },
        ],
        events,
      ).map((result) => result.ok),
    ).toEqual([true, true]);
  });
});

describe("never", () => {
  test("fails with the events that happened", () => {
    const leak: TimelineEvent = {
      t: 1400,
      lane: 1,
      side: "server",
      kind: "leak",
      requestId: 1,
      version: 1,
      what: "interval",
      line: 11,
      detail: "an interval is still running",
    };
    expect(results([{ never: { kind: "leak" } }], [...sseTimeline([1]), leak])).toEqual([
      {
        ok: false,
        summary: "it happened: leak at 1400.0 ms, lane 1: interval (line 11): an interval is still running",
        differences: [],
      },
    ]);
    expect(results([{ never: { kind: "leak" } }], sseTimeline([1]))).toEqual([
      { ok: true, summary: "none among 9 events", differences: [] },
    ]);
  });
});

describe("inOrder", () => {
  test("holds when the steps come in order, others between them", () => {
    expect(
      results(
        [
          {
            inOrder: [{ kind: "open" }, { kind: "sse", event: "connected" }, { kind: "disconnect", by: "client" }],
            eachLane: true,
          },
        ],
        sseTimeline(),
      )[0]!.ok,
    ).toBe(true);
  });

  test("names the steps that held and the one that did not", () => {
    expect(
      results([{ inOrder: [{ kind: "open" }, { kind: "disconnect" }, { kind: "sse" }] }], sseTimeline([1])),
    ).toEqual([
      {
        ok: false,
        summary:
          "open at 1.0 ms → disconnect at 1300.0 ms, then no sse after 1300.0 ms: no sse at all (the kinds there: abort, cleanup)",
        differences: [],
      },
    ]);
  });

  test("in order but too slow", () => {
    expect(
      results([{ inOrder: [{ kind: "open" }, { kind: "disconnect" }], withinMs: 1000 }], sseTimeline([1]))[0]!.summary,
    ).toBe("in order, but over 1299.0 ms from first to last (limit 1000 ms)");
  });
});

describe("sameOnEveryLane, endsOnItsVersion, steady", () => {
  test("every lane the same, or where the first difference is", () => {
    expect(results([{ sameOnEveryLane: { kind: "sse" }, compare: ["event", "data"] }], sseTimeline())[0]!.summary).toBe(
      "2 lanes each got the same 3",
    );
    expect(
      results([{ sameOnEveryLane: { kind: "sse" }, compare: ["event", "data"] }], sseTimeline([1, 2], "tick two")),
    ).toEqual([
      {
        ok: false,
        summary: "lane 2's 3rd sse differs from lane 1's",
        differences: ['data: lane 1 "tick 2", lane 2 "tick two"'],
      },
    ]);
  });

  test("a request that never ended, or ended on another version", () => {
    const events = sseTimeline([1]);
    expect(results([{ endsOnItsVersion: true }], events)[0]!.ok).toBe(true);
    const unended = events.filter((event) => event.kind !== "abort" && event.kind !== "cleanup");
    expect(results([{ endsOnItsVersion: true }], unended)[0]!.summary).toBe(
      "request 1 (GET /events, opened on v1) never ended: nothing followed it",
    );
    const moved = events.map((event) => (event.kind === "cleanup" ? { ...event, version: 2 } : event));
    expect(results([{ endsOnItsVersion: true }], moved)[0]!.summary).toBe(
      "request 1 (GET /events, opened on v1) ended on v2: cleanup at 1302.0 ms, lane 1: stream-cancel finished 1.5 ms after the client left",
    );
  });

  test("a gap longer than the limit, counting the quiet before the client left", () => {
    expect(results([{ steady: { kind: "sse" }, maxGapMs: 600 }], sseTimeline([1]))[0]).toEqual({
      ok: true,
      summary: "the widest gap: 500.0 ms on lane 1, from sse at 4.0 ms to sse at 504.0 ms",
      differences: [],
    });
    expect(results([{ steady: { kind: "sse" }, maxGapMs: 400 }], sseTimeline([1]))[0]!.summary).toBe(
      "a gap of 500.0 ms on lane 1, from sse at 4.0 ms to sse at 504.0 ms (limit 400 ms)",
    );
  });
});

describe("the report", () => {
  test("each expectation with ✓ or ✗, its name, what held or broke it, and a count at the end", () => {
    const evaluation = evaluateExpectations(
      [
        { name: "connected first", happens: { kind: "sse", event: "connected" } },
        { happens: { kind: "sse", event: "update" } },
      ],
      sseTimeline([1]),
    );
    expect(formatReport(evaluation)).toBe(
      [
        "  ✓ 1  connected first",
        '       sse at 4.0 ms, lane 1: connected "hello"',
        '  ✗ 2  sse with event "update"',
        '       no sse with event "update"; nearest: sse at 4.0 ms, lane 1: connected "hello"',
        '         event is "connected", wanted "update"',
        "",
        "1 of 2 expectations held; 1 did not.",
      ].join("\n"),
    );
  });
});
