import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  clientEventCheck,
  hostPushChecks,
  loadFailures,
  number,
  object,
  optional,
  pageRequestChecks,
  runCheck,
  runnerPushChecks,
  runnerRequestChecks,
  string,
  timelineEventCheck,
  writeVias,
  type Check,
  type TimelineEvent,
} from "../src/contract/index.ts";
import { traceSnippet } from "../src/supervisor/trace.ts";
import { fixture } from "./support/timeline.ts";

const problemOf = <T>(check: Check<T>, value: unknown) => {
  const result = runCheck(check, value);
  return result.ok ? "accepted" : result.problem;
};

describe("checks of what crosses a boundary", () => {
  test("a well-formed request passes, rebuilt without the fields the contract does not name", () => {
    expect(
      runCheck(runnerRequestChecks.load.request, {
        type: "load",
        version: 2,
        source: "x",
        path: "/a.ts",
        injected: "dropped",
      }),
    ).toEqual({
      ok: true,
      value: { version: 2, source: "x", path: "/a.ts" },
    });
  });

  test("an object is copied only where a field is left behind, and then only as far out as that field", () => {
    const check = object({ name: string, inner: object({ n: number, tag: optional(string) }), note: optional(string) });
    const exact = JSON.parse(`{"name": "a", "inner": {"n": 1}}`) as unknown;
    const extraInside = JSON.parse(`{"name": "a", "inner": {"n": 1, "x": true}, "note": "b"}`) as {
      inner: object;
    };
    const extraOutside = JSON.parse(`{"name": "a", "inner": {"n": 1}, "x": true}`) as { inner: object };
    const fromInside = check(extraInside);
    const fromOutside = check(extraOutside);
    const seen: Record<string, unknown> = {
      exactIsItself: check(exact) === exact,
      fromInside,
      insideOrder: Object.keys(fromInside),
      insideCopied: fromInside !== extraInside && fromInside.inner !== extraInside.inner,
      fromOutside,
      outsideInnerKept: fromOutside !== extraOutside && fromOutside.inner === extraOutside.inner,
      originalsUntouched: [extraInside, extraOutside],
    };
    expect(seen).toEqual({
      exactIsItself: true,
      fromInside: { name: "a", inner: { n: 1 }, note: "b" },
      insideOrder: ["name", "inner", "note"],
      insideCopied: true,
      fromOutside: { name: "a", inner: { n: 1 } },
      outsideInnerKept: true,
      originalsUntouched: [
        { name: "a", inner: { n: 1, x: true }, note: "b" },
        { name: "a", inner: { n: 1 }, x: true },
      ],
    });
  });

  test("a field that is present but undefined, or an object that is not plain, comes back as a copy of the named fields", () => {
    const check = object({ n: number, tag: optional(string) });
    class Point {
      n = 1;
      get tag(): string {
        return "from the prototype";
      }
    }
    const point = new Point();
    const withUndefined = { n: 2, tag: undefined };
    const fromPoint = check(point);
    const fromUndefined = check(withUndefined);
    const seen: Record<string, unknown> = {
      fromPoint: { copied: fromPoint !== point, plain: Object.getPrototypeOf(fromPoint) === Object.prototype },
      pointFields: { ...fromPoint },
      fromUndefined: { copied: fromUndefined !== withUndefined, keys: Object.keys(fromUndefined) },
    };
    expect(seen).toEqual({
      fromPoint: { copied: true, plain: true },
      pointFields: { n: 1, tag: "from the prototype" },
      fromUndefined: { copied: true, keys: ["n"] },
    });
  });

  test.each([
    ["a missing field", runnerRequestChecks.load.request, { version: 1, source: "x" }, "path must be a string"],
    ["a wrong field type", runnerRequestChecks["clock-set"].request, { offsetMs: "3" }, "offsetMs must be a number"],
    [
      "a number that is not finite",
      runnerRequestChecks.settle.request,
      { timeoutMs: Number.NaN },
      "timeoutMs must be a number",
    ],
    ["not an object", runnerRequestChecks.settle.request, "hello", "must be an object"],
    ["an array for an object", runnerRequestChecks.settle.request, [1], "must be an object"],
  ])("%s is refused, saying where", (_name, check: Check<unknown>, value, problem) => {
    expect(problemOf(check, value)).toBe(problem);
  });

  test("a page's ready report keeps the milestones it names, each a number of ms, and refuses any other", () => {
    const ready = pageRequestChecks["page-ready"].request;
    const marks = { "page-script": 120.5, "monaco-loaded": 350, "editor-created": 400, "editor-ready": 401 };
    expect(runCheck(ready, { editorReadyMs: 401, marks })).toEqual({ ok: true, value: { editorReadyMs: 401, marks } });
    expect(runCheck(ready, { editorReadyMs: 401 })).toEqual({ ok: true, value: { editorReadyMs: 401 } });
    expect(problemOf(ready, { editorReadyMs: 1, marks: { "page-script": -1 } })).toBe(
      "marks.page-script must be a number of ms",
    );
    expect(problemOf(ready, { editorReadyMs: 1, marks: { "first-paint": 3 } })).toBe(
      "marks.first-paint is not one of the page's start milestones",
    );
  });

  test("a problem deep inside says its whole path", () => {
    const events = [
      {
        t: 1,
        lane: 1,
        side: "server",
        kind: "write",
        requestId: 1,
        version: 1,
        bytes: 3,
        text: "abc",
        via: "carrier-pigeon",
      },
    ];
    expect(problemOf(runnerPushChecks.events, { seq: 1, events })).toBe(
      `events[0].via must be one of ${writeVias.join(", ")}`,
    );
  });

  test("a kind that is a prototype member finds nothing", () => {
    expect([
      problemOf(timelineEventCheck, { kind: "toString", t: 1 }),
      problemOf(timelineEventCheck, { kind: "constructor" }),
    ]).toEqual([
      expect.stringMatching(/^kind must be one of loaded, load-error, /),
      expect.stringMatching(/^kind must be one of loaded, load-error, /),
    ]);
  });

  test("a header named __proto__ stays a plain field and changes no prototype", () => {
    const headers = JSON.parse(`{"__proto__": "x", "content-type": "text/plain"}`) as unknown;
    const result = runCheck(clientEventCheck, {
      t: 1,
      lane: 1,
      side: "client",
      kind: "headers",
      status: 200,
      headers,
      ttfbMs: 1,
    });
    if (!result.ok || result.value.kind !== "headers") throw new Error(`not accepted: ${JSON.stringify(result)}`);
    expect({
      prototype: Object.getPrototypeOf(result.value.headers) === Object.prototype,
      keys: Object.keys(result.value.headers),
    }).toEqual({
      prototype: true,
      keys: ["__proto__", "content-type"],
    });
  });

  test("the load failures a load-error may carry are the list the type is built from", () => {
    const event = (failure: string) => ({
      t: 1,
      lane: 0,
      side: "runner",
      kind: "load-error",
      version: 1,
      failure,
      message: "m",
    });
    expect(loadFailures.map((failure) => problemOf(timelineEventCheck, event(failure)))).toEqual(
      loadFailures.map(() => "accepted"),
    );
    expect(problemOf(timelineEventCheck, event("cosmic-rays"))).toBe(
      `failure must be one of ${loadFailures.join(", ")}`,
    );
  });

  test("every event a real trace records passes the event check unchanged", async () => {
    const trace = await traceSnippet({ snippetPath: fixture("stream-interval.ts"), durationMs: 400 });
    const sse = await traceSnippet({
      snippetPath: join(import.meta.dir, "../assets/examples/03-sse-generator.ts"),
      client: "eventsource",
      durationMs: 400,
    });
    const events: TimelineEvent[] = [...trace.events, ...sse.events];
    const rejected = events.flatMap((event) => {
      const result = runCheck(timelineEventCheck, event);
      return result.ok && Bun.deepEquals(result.value, event) ? [] : [{ event, result }];
    });
    expect({ kinds: new Set(events.map((e) => e.kind)).size > 8, rejected }).toEqual({ kinds: true, rejected: [] });
    expect(runCheck(hostPushChecks.events, { events }).ok).toBe(true);
  }, 20_000);
});
