import { describe, expect, test } from "bun:test";
import { createFloodGate, type Fold, untimedRun } from "../src/shared/flood-gate.ts";

const options = { burst: 2, perSecond: 1, foldWindowMs: 100 };

describe("a flood gate counting writes without a time", () => {
  test("counts nothing while the stream is not folding: the caller reads the clock", () => {
    const gate = createFloodGate(options);
    expect(gate.count(10)).toBe(false);
    expect(gate.admit(0, 10, () => {})).toBe(true);
    expect(gate.count(10)).toBe(false);
  });

  test("counts into the fold between timed events, and asks for a time after a run of them", () => {
    const gate = createFloodGate(options);
    const closed: Fold[] = [];
    const onFold = (fold: Fold) => closed.push(fold);
    gate.admit(0, 1, onFold);
    gate.admit(1, 1, onFold);
    // Tokens spent: this one starts folding.
    expect(gate.admit(2, 5, onFold)).toBe(false);
    let counted = 0;
    while (gate.count(5)) counted++;
    expect(counted).toBe(untimedRun);
    // A timed event inside the window is folded too, and starts a new run.
    expect(gate.admit(50, 5, onFold)).toBe(false);
    expect(gate.count(5)).toBe(true);
    // The window is over: the next timed event closes the fold with every event in it.
    gate.admit(200, 1, onFold);
    expect(closed).toEqual([{ count: untimedRun + 3, bytes: 5 * (untimedRun + 3), since: 2, until: 50 }]);
  });

  test("a tally kept elsewhere: room for as many as count would take, counted together", () => {
    const gate = createFloodGate({ ...options, burst: 0 });
    expect(gate.room()).toBe(0);
    // Folding from the first timed event on.
    gate.admit(10, 1, () => {});
    expect(gate.room()).toBe(untimedRun);
    gate.count(2);
    gate.count(2);
    expect(gate.room()).toBe(untimedRun - 2);
    gate.countMany(untimedRun - 2, 3 * (untimedRun - 2));
    // The run without a time is used up, as if each had gone through count: the next needs a time.
    expect(gate.room()).toBe(0);
    expect(gate.count(2)).toBe(false);
    expect(gate.flush()).toEqual({ count: untimedRun + 1, bytes: 1 + 4 + 3 * (untimedRun - 2), since: 10, until: 10 });
  });

  test("a tally counted after its fold was flushed starts one at the last time read, and loses nothing", () => {
    const gate = createFloodGate({ ...options, burst: 0 });
    gate.admit(10, 1, () => {});
    gate.admit(40, 1, () => {});
    gate.flush();
    gate.countMany(5, 50);
    expect(gate.flush()).toEqual({ count: 5, bytes: 50, since: 40, until: 40 });
  });

  test("what was counted is in the fold that ending the stream flushes", () => {
    const gate = createFloodGate({ ...options, burst: 0 });
    gate.admit(0, 1, () => {});
    gate.count(3);
    gate.count(3);
    expect(gate.flush()).toEqual({ count: 3, bytes: 7, since: 0, until: 0 });
  });
});
