/**
 * The expectations a timeline already meets, as a starting point for a file: nothing went wrong,
 * each lane's stream opened, answered, sent its data and ended as it did, the first data came in
 * about the time it did (with room to spare), the same events reached every lane, cleanup ran soon
 * after a client left. Each is checked against the timeline before it is offered: what is saved
 * holds for the timeline it came from. What a hand on the page did, which a trace of the file's
 * settings cannot repeat, is asked for as the trace can meet it (who closed a socket, not the code
 * typed) or left out (the replies to messages typed into a lane's box).
 */

import type {
  EventPattern,
  Expectation,
  ExpectationFile,
  TimelineEvent,
  TimelineKind,
  TraceSettings,
} from "../contract/index.ts";
import { evaluateExpectations } from "./evaluate.ts";
import { createTimelineIndex } from "./timeline-index.ts";

/** Kinds that mean something went wrong; a timeline without them gets a `never` for those. */
const troubleKinds = [
  "error",
  "uncaught",
  "leak",
  "load-error",
  "restarted",
  "sse-invalid",
  "ws-error",
] as const satisfies readonly TimelineKind[];

/** What a client receives as data, by preference: parsed events before the raw chunks. */
const dataKinds = ["sse", "json-line", "ws-message", "chunk"] as const satisfies readonly TimelineKind[];

/**
 * Up, to a round number of ms with room to spare: twice what was seen, and a quarter second more.
 * The file is checked again by `trace`, most often in CI: a fresh runner whose first request is
 * cold, on a machine busy with other work. Twice what was seen and 50 ms more was missed there by
 * a trace of a stream that sends an event every 40 ms.
 */
function roomy(ms: number, factor = 2, extra = 250): number {
  const wanted = ms * factor + extra;
  const step = wanted < 1_000 ? 10 : 100;
  return Math.ceil(wanted / step) * step;
}

const firstOf = (events: readonly TimelineEvent[], kind: TimelineKind) => events.find((event) => event.kind === kind);

/** Each lane's data kind: the first of `dataKinds` it has. */
function dataKindOf(events: readonly TimelineEvent[]): (typeof dataKinds)[number] | undefined {
  return dataKinds.find((kind) => events.some((event) => event.kind === kind && event.side === "client"));
}

const sameList = (lists: readonly unknown[][]) =>
  lists.every((list) => JSON.stringify(list) === JSON.stringify(lists[0]));

/**
 * Whether a lane's first message from the server came only after the client sent one its trace
 * settings do not (typed into the lane's box on the page): a trace of the file would not send it,
 * so the reply is not the stream's to expect. Compared by text, as the timeline keeps it (a preview
 * of a long message: a scripted message is matched by its start).
 */
function repliedToHand(events: readonly TimelineEvent[], scripted: readonly string[]): boolean {
  const firstReply = events.find((event) => event.kind === "ws-message" && event.side === "client");
  if (firstReply === undefined) return false;
  return events.some(
    (event) =>
      event.kind === "ws-send" &&
      event.side === "client" &&
      event.t <= firstReply.t &&
      (event.binary || !scripted.some((message) => message.startsWith(event.text))),
  );
}

/** The order each lane's stream went in: open, the response, its data (when it is the stream's own), its end. */
function laneOrder(events: readonly TimelineEvent[], data: (typeof dataKinds)[number] | undefined): EventPattern[] {
  const steps: EventPattern[] = [{ kind: "open" }];
  const headers = firstOf(events, "headers");
  if (headers?.kind === "headers") steps.push({ kind: "headers", status: headers.status });
  const wsOpen = events.find((event) => event.kind === "ws-open" && event.side === "client");
  if (wsOpen) steps.push({ kind: "ws-open", side: "client" });
  if (data !== undefined) steps.push(data === "ws-message" ? { kind: data, side: "client" } : { kind: data });
  const end = events.findLast(
    (event) => event.kind === "disconnect" || (event.kind === "ws-close" && event.side === "client"),
  );
  if (end?.kind === "disconnect") steps.push({ kind: "disconnect", by: end.by });
  // A close the client began has the code it chose (`trace` ends a lane with 1000, a close asked
  // for on the page with the code typed there): who closed is what a trace can hold to.
  else if (end?.kind === "ws-close")
    steps.push(
      end.by === "client"
        ? { kind: "ws-close", side: "client", by: "client" }
        : { kind: "ws-close", side: "client", code: end.code },
    );
  return steps;
}

export interface DeriveOptions {
  /** How the timeline's clients were run, for the file's `trace` settings. */
  trace?: TraceSettings | undefined;
}

export function deriveExpectations(events: readonly TimelineEvent[], options: DeriveOptions = {}): ExpectationFile {
  const index = createTimelineIndex(events.filter((event) => event.kind !== "summary"));
  const lanes = index.clientLanes.map((lane) => ({ lane, events: index.lane(lane) }));
  const candidates: Expectation[] = [];

  const absent = troubleKinds.filter((kind) => !index.events.some((event) => event.kind === kind));
  if (absent.length > 0)
    candidates.push({
      name: "nothing went wrong",
      never: { kind: absent.length === 1 ? absent[0]! : { oneOf: [...absent] } },
    });
  if (
    index.events.some((event) => event.kind === "json-line") &&
    !index.events.some((event) => event.kind === "json-line" && event.error !== undefined)
  ) {
    candidates.push({ name: "every JSON line is JSON", never: { kind: "json-line", error: { exists: true } } });
  }

  if (lanes.length > 0) {
    // Replies to messages typed by hand are left out: `trace --expect` runs the file's settings, which do not send them.
    const scripted = options.trace?.send ?? [];
    const byHand = options.trace !== undefined && lanes.some(({ events: own }) => repliedToHand(own, scripted));
    const ownData = (own: readonly TimelineEvent[]) => {
      const kind = dataKindOf(own);
      return kind === "ws-message" && byHand ? undefined : kind;
    };
    const orders = lanes.map(({ events: own }) => laneOrder(own, ownData(own)));
    if (sameList(orders))
      candidates.push({
        name: "each stream opens, answers, sends its data and ends",
        inOrder: orders[0]!,
        eachLane: true,
      });
    else
      lanes.forEach(({ lane }, i) => {
        candidates.push({
          name: `lane ${lane}'s stream opens, answers, sends its data and ends`,
          inOrder: orders[i]!.map((step) => ({ ...step, lane })),
        });
      });

    // How soon the first data came, with room to spare.
    const data = ownData(index.events);
    if (data !== undefined) {
      const waits = lanes.flatMap(({ events: own }) => {
        const open = firstOf(own, "open");
        const first = own.find(
          (event) => event.kind === data && event.side === "client" && open !== undefined && event.t >= open.t,
        );
        return open && first ? [first.t - open.t] : [];
      });
      if (waits.length === lanes.length) {
        candidates.push({
          name: `the first ${data} comes soon after the client opens`,
          happens: { kind: data, side: "client" },
          after: { kind: "open", attempt: 1 },
          withinMs: roomy(Math.max(...waits)),
          eachLane: true,
        });
      }
    }

    // How many events of each SSE type, and JSON lines, every lane got at least.
    const sseTypes = [...new Set(index.events.flatMap((event) => (event.kind === "sse" ? [event.event] : [])))].slice(
      0,
      5,
    );
    for (const type of sseTypes) {
      const min = Math.min(
        ...lanes.map(({ events: own }) => own.filter((event) => event.kind === "sse" && event.event === type).length),
      );
      if (min > 0)
        candidates.push({
          name: `at least ${min} "${type}" event${min === 1 ? "" : "s"} on each lane`,
          happens: { kind: "sse", event: type },
          count: { min },
          eachLane: true,
        });
    }
    const lines = Math.min(...lanes.map(({ events: own }) => own.filter((event) => event.kind === "json-line").length));
    if (lines > 0)
      candidates.push({
        name: `at least ${lines} JSON line${lines === 1 ? "" : "s"} on each lane`,
        happens: { kind: "json-line" },
        count: { min: lines },
        eachLane: true,
      });

    if (lanes.length > 1) {
      if (sseTypes.length > 0)
        candidates.push({
          name: "every lane got the same SSE events",
          sameOnEveryLane: { kind: "sse" },
          compare: ["event", "data"],
        });
      else if (lines > 0)
        candidates.push({
          name: "every lane got the same JSON lines",
          sameOnEveryLane: { kind: "json-line" },
          compare: ["text"],
        });
    }

    // A steady stream of events: no gap much longer than the longest seen.
    if (
      sseTypes.length > 0 &&
      lanes.every(({ events: own }) => own.filter((event) => event.kind === "sse").length >= 3)
    ) {
      const gaps = lanes.flatMap(({ events: own }) => {
        const times = own.filter((event) => event.kind === "sse").map((event) => event.t);
        return times.slice(1).map((t, i) => t - times[i]!);
      });
      candidates.push({
        name: "SSE events keep coming",
        steady: { kind: "sse" },
        maxGapMs: roomy(Math.max(...gaps), 1.5),
      });
    }

    // Cleanup soon after a client left.
    const cleanupWaits = lanes.flatMap(({ events: own }) => {
      const left = own.find((event) => event.kind === "disconnect" && event.by === "client");
      const cleanup = left && own.find((event) => event.kind === "cleanup" && event.t >= left.t);
      return left && cleanup ? [cleanup.t - left.t] : [];
    });
    if (cleanupWaits.length > 0) {
      candidates.push({
        name: "cleanup runs soon after the client leaves",
        happens: { kind: "cleanup" },
        after: { kind: "disconnect", by: "client" },
        withinMs: roomy(Math.max(...cleanupWaits)),
        eachLane: cleanupWaits.length === lanes.length,
      });
    }
  }

  if (index.events.some((event) => event.kind === "request"))
    candidates.push({ name: "every request ends on the version that opened it", endsOnItsVersion: true });

  // Only what holds: a guess above that this timeline does not meet is left out.
  const { results } = evaluateExpectations(candidates, index.events);
  const expect = candidates.filter((_, i) => results[i]!.ok);
  return { version: 1, ...(options.trace ? { trace: options.trace } : {}), expect };
}
