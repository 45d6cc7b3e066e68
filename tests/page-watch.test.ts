import { describe, expect, test } from "bun:test";
import { createPageWatch, type PageLossReason } from "../src/main/page-watch.ts";
import { createManualTimers } from "./support/manual-timers.ts";

function watch() {
  const clock = createManualTimers();
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
