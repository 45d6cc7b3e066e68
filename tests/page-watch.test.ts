import { describe, expect, test } from "bun:test";
import { createPageWatch, type PageLossReason, type PageWatchTimers } from "../src/main/page-watch.ts";

/** Timers on a clock the test moves. */
function fakeTimers() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: PageWatchTimers = {
    setTimeout(run, ms) {
      pending.set(++next, { at: now + ms, run });
      return next;
    },
    clearTimeout: (id) => pending.delete(id as number),
  };
  function advance(ms: number): void {
    const until = now + ms;
    for (;;) {
      const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  }
  return { timers, advance };
}

function watch() {
  const clock = fakeTimers();
  const lost: PageLossReason[] = [];
  const pages = createPageWatch({
    reconnectGraceMs: 5_000,
    silenceMs: 30_000,
    onLost: (reason) => lost.push(reason),
    timers: clock.timers,
  });
  return { pages, lost, advance: clock.advance };
}

describe("the page watch", () => {
  test("a page that reloads is back within the grace period and counts as nothing", () => {
    const { pages, lost, advance } = watch();
    pages.attached();
    advance(10_000);
    pages.detached();
    advance(1_500);
    pages.attached();
    advance(20_000);
    pages.heard();
    advance(20_000);
    expect(lost).toEqual([]);
  });

  test("a page whose connection closed and stayed away is lost once; watching starts again with the next page", () => {
    const { pages, lost, advance } = watch();
    pages.attached();
    pages.detached();
    advance(4_999);
    const before = [...lost];
    advance(1);
    advance(60_000);
    pages.attached();
    pages.detached();
    advance(5_000);
    expect({ before, lost }).toEqual({ before: [], lost: ["closed", "closed"] });
  });

  test("a connected page that sends nothing for the silence limit has hung; its heartbeat keeps it alive", () => {
    const { pages, lost, advance } = watch();
    pages.attached();
    for (let beat = 0; beat < 10; beat++) {
      advance(5_000);
      pages.heard();
    }
    const alive = [...lost];
    advance(30_000);
    expect({ alive, lost }).toEqual({ alive: [], lost: ["silent"] });
  });

  test("nothing is lost once the app is quitting and its page is meant to go", () => {
    const { pages, lost, advance } = watch();
    pages.attached();
    pages.stop();
    pages.detached();
    advance(60_000);
    expect(lost).toEqual([]);
  });
});
