/**
 * Code from the SDKs' and the platform's own docs answers through the playground with the bytes
 * plain Bun puts on the wire: the same status, headers and body bytes, read with `node:http`
 * (which shows a compressed body as it travelled). The oracle is the same file run by `bun`.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { answerOf, startOracle } from "./support/oracle.ts";
import { runnerPerTest } from "./support/test-runner.ts";

const startRunner = runnerPerTest();
const wire = join(import.meta.dir, "fixtures", "wire");

describe("documented streams answer with plain Bun's wire bytes", () => {
  test.each([
    ["ai-sdk-ui-message-stream.ts", "/"],
    ["gzip-compression-stream.ts", "/"],
  ])(
    "%s",
    async (fixture, path) => {
      const file = join(wire, fixture);
      const { runner } = await startRunner();
      const load = await runner.load(await Bun.file(file).text(), file);
      expect(load.kind).toBe("loaded");
      await using oracle = await startOracle(file);
      const [played, plain] = await Promise.all([
        answerOf(new URL(path, runner.url).href),
        answerOf(new URL(path, oracle.url).href),
      ]);
      expect(played).toEqual(plain);
    },
    30_000,
  );
});
