import { describe, expect, test } from "bun:test";
import type { TimelineEvent } from "../src/contract/index.ts";
import { createEventStore } from "../src/webview/event-store.ts";

// The store announces new events once per animation frame; this file runs outside a browser.
globalThis.requestAnimationFrame ??= (callback: FrameRequestCallback) =>
  Number(setTimeout(() => callback(performance.now()), 0));

const log = (t: number): TimelineEvent => ({
  t,
  lane: 0,
  side: "runner",
  kind: "log",
  level: "log",
  text: `event ${t}`,
});

describe("the page's event store", () => {
  test("announces a burst of appends once, from the first new event", async () => {
    const store = createEventStore();
    const announced: number[] = [];
    const { promise, resolve } = Promise.withResolvers<void>();
    store.subscribe({
      appended: (from) => {
        announced.push(from);
        resolve();
      },
      cleared: () => {},
    });
    store.append([log(1), log(2)]);
    store.append([log(3)]);
    await promise;
    expect(announced).toEqual([0]);
    expect(store.events.length).toBe(3);
  });

  test("past its limit it keeps the newest events and has the views rebuild from them", async () => {
    const store = createEventStore({ maxEvents: 10, keepAfterTrim: 6 });
    const heard: string[] = [];
    const { promise, resolve } = Promise.withResolvers<void>();
    store.subscribe({
      appended: (from) => {
        heard.push(`appended from ${from}`);
        resolve();
      },
      cleared: (_start, why) => heard.push(why),
    });
    store.append(Array.from({ length: 12 }, (_, i) => log(i)));
    await promise;
    expect(heard).toEqual(["trimmed", "appended from 0"]);
    expect(store.events.map((e) => e.t)).toEqual([6, 7, 8, 9, 10, 11]);
  });
});
