import { describe, expect, test } from "bun:test";
import { formatTick, niceStep, ticksFor } from "../src/webview/timeline/time-axis.ts";
import { centreOn, fitRange, maxWidth, minWidth, panBy, zoomAround } from "../src/webview/timeline/viewport.ts";

describe("time axis", () => {
  test("steps are 1, 2 or 5 × 10ⁿ ms, the smallest at least the minimum", () => {
    expect([0.013, 0.3, 1, 1.01, 3, 7, 40, 180, 999, 4200].map(niceStep)).toEqual([
      0.02, 0.5, 1, 2, 5, 10, 50, 200, 1000, 5000,
    ]);
  });

  test("ticks cover the range at multiples of the step", () => {
    expect(ticksFor(-30, 140, 4)).toEqual({ step: 50, values: [0, 50, 100] });
    expect(ticksFor(12.3, 12.9, 3)).toEqual({ step: 0.2, values: [12.4, 12.6, 12.8] });
  });

  test("labels show as many decimals as the step needs, and seconds from 1 s steps on", () => {
    expect([
      formatTick(0, 100),
      formatTick(250, 50),
      formatTick(12.25, 0.05),
      formatTick(1500, 500),
      formatTick(3000, 1000),
      formatTick(-1500, 500),
    ]).toEqual(["0", "250 ms", "12.25 ms", "1500 ms", "3 s", "-1500 ms"]);
    expect([formatTick(2500, 2000), formatTick(1200, 100)]).toEqual(["3 s", "1200 ms"]);
  });
});

describe("viewport", () => {
  test("zooming keeps the anchor time at the same place on screen", () => {
    const range = { from: 100, to: 300 };
    const zoomed = zoomAround(range, 150, 0.5);
    expect(zoomed).toEqual({ from: 125, to: 225 });
    expect((150 - zoomed.from) / (zoomed.to - zoomed.from)).toBe((150 - range.from) / (range.to - range.from));
  });

  test("zoom stops at the narrowest and widest ranges", () => {
    expect(zoomAround({ from: 0, to: 1 }, 0, 1e-9).to).toBe(minWidth);
    expect(zoomAround({ from: 0, to: 1 }, 0, 1e12).to).toBe(maxWidth);
  });

  test("pan, fit and centre move the range as named", () => {
    expect({
      pan: panBy({ from: 0, to: 10 }, 5),
      fit: fitRange(0, 100, 0.25),
      centre: centreOn({ from: 0, to: 10 }, 50),
    }).toEqual({ pan: { from: 5, to: 15 }, fit: { from: -25, to: 125 }, centre: { from: 45, to: 55 } });
  });
});
