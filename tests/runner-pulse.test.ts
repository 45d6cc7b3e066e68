import { describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { createPulseReader, openPulseWriter } from "../src/shared/index.ts";

describe("the runner's pulse file", () => {
  test("the reader sees each beat the writer counts, after its name is gone too, and nothing once closed", () => {
    const reader = createPulseReader();
    try {
      expect(statSync(reader.path).mode & 0o777).toBe(0o600);
      // Nothing written yet: no count, rather than a zero a runner never wrote.
      expect(reader.read()).toBeUndefined();
      const writer = openPulseWriter(reader.path);
      writer.beat();
      expect(reader.read()).toBe(1);
      reader.unlink();
      expect(existsSync(reader.path)).toBe(false);
      writer.beat();
      writer.beat();
      expect(reader.read()).toBe(3);
    } finally {
      reader.close();
    }
    expect(reader.read()).toBeUndefined();
  });

  test("each runner gets a file of its own, and a runner told of none beats nowhere", () => {
    const first = createPulseReader();
    const second = createPulseReader();
    try {
      expect(first.path).not.toBe(second.path);
      openPulseWriter(first.path).beat();
      expect(second.read()).toBeUndefined();
      expect(() => openPulseWriter(undefined).beat()).not.toThrow();
      expect(() => openPulseWriter(`${first.path}-not-there`).beat()).not.toThrow();
    } finally {
      first.close();
      second.close();
    }
    expect(existsSync(first.path)).toBe(false);
    expect(existsSync(second.path)).toBe(false);
  });
});
