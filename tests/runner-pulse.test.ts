import { describe, expect, test } from "bun:test";
import { closeSync, fstatSync, openSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createPulseReader, openPulseWriter, pulseDescriptor, runnerPulseVariable } from "../src/shared/index.ts";

const shared = fileURLToPath(new URL("../src/shared/index.ts", import.meta.url));

/** Pulse files of this process that have a name in the temp folder. */
const namedPulses = () =>
  readdirSync(tmpdir()).filter((name) => name.startsWith(`stream-playground-pulse-${process.pid}-`));

describe("the runner's pulse file", () => {
  test("has no name from the start, is this user's alone, and shows each beat a child process counts through the descriptor it was given", async () => {
    const reader = createPulseReader();
    try {
      expect(reader.fd).toBeNumber();
      const stat = fstatSync(reader.fd!);
      // Nothing in the temp folder to find, or to leave behind if either process is killed.
      expect(stat.nlink).toBe(0);
      expect(namedPulses()).toEqual([]);
      expect(stat.mode & 0o777).toBe(0o600);
      // Nothing written yet: no count, rather than a zero a runner never wrote.
      expect(reader.read()).toBeUndefined();
      const child = Bun.spawn(
        [
          process.execPath,
          "-e",
          `const { openPulseWriter } = await import(${JSON.stringify(shared)});
           const writer = openPulseWriter(process.env.${runnerPulseVariable});
           for (let i = 0; i < 3; i++) writer.beat();`,
        ],
        {
          env: { ...process.env, [runnerPulseVariable]: String(pulseDescriptor) },
          stdio: ["ignore", "ignore", "pipe", reader.fd!],
        },
      );
      const exitCode = await child.exited;
      expect(await new Response(child.stderr).text()).toBe("");
      expect(exitCode).toBe(0);
      expect(reader.read()).toBe(3);
    } finally {
      reader.close();
    }
    expect(reader.fd).toBeUndefined();
    expect(reader.read()).toBeUndefined();
  });

  test("each runner gets a file of its own, and a writer given no descriptor, or one that is not a file, beats nowhere", () => {
    const first = createPulseReader();
    const second = createPulseReader();
    const folder = openSync(tmpdir(), "r");
    try {
      expect(first.fd).not.toBe(second.fd);
      openPulseWriter(String(first.fd)).beat();
      expect(first.read()).toBe(1);
      expect(second.read()).toBeUndefined();
      for (const value of [undefined, "", "three", String(folder), "9999"]) {
        expect(() => openPulseWriter(value).beat()).not.toThrow();
      }
      expect(second.read()).toBeUndefined();
    } finally {
      closeSync(folder);
      first.close();
      second.close();
    }
    expect(namedPulses()).toEqual([]);
  });
});
