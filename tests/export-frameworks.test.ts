/**
 * Framework snippets exported as standalone files: each either runs under its target and answers
 * as the same app does under plain Bun (the oracle), or is refused with a reason and its line. The
 * header's `curl` line asks for a path the app serves.
 */

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ExportTarget } from "../src/contract/index.ts";
import { exportSnippet } from "../src/export/index.ts";
import { freePort, runExported } from "./support/exported-server.ts";
import { answerOf, startOracle } from "./support/oracle.ts";

const frameworks = join(import.meta.dir, "fixtures", "frameworks");
// Inside the project, so the exported files find the frameworks as they would beside the snippet.
const scratch = mkdtempSync(join(frameworks, ".exported-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Deno fetches the npm packages on first use: the first Deno test of a run can take a while. */
const exportTimeoutMs = 60_000;

interface Case {
  fixture: string;
  paths: string[];
  /** The path the header's `curl` line asks for: the one that streams. */
  tryPath: string;
  /** Per target: the file runs, or the export refuses at this line of the snippet. */
  deno: "runs" | { refusedAt: number };
}

const cases: Case[] = [
  { fixture: "hono.ts", paths: ["/", "/text"], tryPath: "/sse", deno: "runs" },
  { fixture: "express.ts", paths: ["/json", "/missing"], tryPath: "/events", deno: "runs" },
  { fixture: "node-http.ts", paths: ["/", "/stream"], tryPath: "/", deno: "runs" },
  { fixture: "itty-router.ts", paths: ["/", "/stream"], tryPath: "/stream", deno: "runs" },
  { fixture: "h3.ts", paths: ["/", "/stream"], tryPath: "/stream", deno: "runs" },
  { fixture: "elysia.ts", paths: ["/", "/count"], tryPath: "/count", deno: { refusedAt: 12 } },
];

/** A response's status and content type; its body, which may stream for ever, is not read. */
async function headOf(base: string, path: string): Promise<{ status: number; type: string | undefined }> {
  const response = await fetch(new URL(path, base), { signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
  return { status: response.status, type: response.headers.get("content-type")?.toLowerCase().replace(/\s/g, "") };
}

async function expectServesLikeTheOracle(
  target: ExportTarget,
  { fixture, paths, tryPath }: Pick<Case, "fixture" | "paths" | "tryPath">,
): Promise<void> {
  const path = join(frameworks, fixture);
  const port = freePort();
  const result = await exportSnippet({ source: await Bun.file(path).text(), path, target, port });
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  // The try line asks for the path that streams, and the app answers it (the oracle check below holds it to the app's answer).
  const tried = new RegExp(`^// Try it: {2}curl -N http://localhost:${port}(\\S*)$`, "m").exec(result.code)?.[1];
  expect(tried).toBe(tryPath);
  const permissions = /^\/\/ Run it: {2}deno run (.*) server\.ts$/m
    .exec(result.code)?.[1]
    ?.split(" ")
    .filter((flag) => flag !== "--allow-net");
  await using exported = await runExported({ target, code: result.code, port, scratch, permissions });
  await using oracle = await startOracle(path);
  // The streaming path may never end: its response head is what says it is served.
  const [triedFile, triedPlain] = await Promise.all([headOf(exported.url, tryPath), headOf(oracle.url, tryPath)]);
  expect(triedFile).toEqual(triedPlain);
  expect(triedFile.status).toBe(200);
  for (const requestPath of paths) {
    const [fromFile, plain] = await Promise.all([
      answerOf(new URL(requestPath, exported.url).href),
      answerOf(new URL(requestPath, oracle.url).href),
    ]);
    // Deno spells a charset its own way (RFC 9110 §8.3.2: case-insensitive).
    const lower = (answer: typeof plain) => ({
      ...answer,
      headers: Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, value.toLowerCase()])),
    });
    expect({ path: requestPath, ...lower(fromFile) }).toEqual({ path: requestPath, ...lower(plain) });
  }
}

describe("framework snippets exported for bun", () => {
  test.each(cases.map((c) => [c.fixture, c] as const))(
    "%s runs under bun and answers as the oracle",
    async (_name, c) => {
      await expectServesLikeTheOracle("bun", c);
    },
    exportTimeoutMs,
  );
});

describe("framework snippets exported for deno", () => {
  test.each(cases.map((c) => [c.fixture, c] as const))(
    "%s runs under deno and answers as the oracle, or is refused at its line",
    async (_name, c) => {
      const { fixture, deno } = c;
      if (deno === "runs") {
        await expectServesLikeTheOracle("deno", c);
        return;
      }
      const path = join(frameworks, fixture);
      const result = await exportSnippet({ source: await Bun.file(path).text(), path, target: "deno" });
      expect(
        result.ok
          ? "exported"
          : { kind: result.error.kind, line: result.error.line, why: result.error.message.includes("Bun.serve") },
      ).toEqual({
        kind: "unsupported",
        line: deno.refusedAt,
        why: true,
      });
    },
    exportTimeoutMs,
  );
});

describe("the exported file keeps the snippet's own server", () => {
  test(
    "node:http: only the port in listen() changes",
    async () => {
      const path = join(frameworks, "node-http.ts");
      const source = await Bun.file(path).text();
      const result = await exportSnippet({ source, path, target: "bun", port: 4321 });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.code.slice(result.code.indexOf("\n\n") + 2)).toBe(
        source.replace("server.listen(8001)", "server.listen(4321)"),
      );
    },
    exportTimeoutMs,
  );

  test(
    "node:http without a port asked for keeps the snippet's, and the curl line uses it",
    async () => {
      const path = join(frameworks, "node-http.ts");
      const source = await Bun.file(path).text();
      const result = await exportSnippet({ source, path, target: "bun" });
      if (!result.ok) throw new Error(result.error.message);
      expect([result.code.slice(result.code.indexOf("\n\n") + 2), result.code.split("\n")[3]]).toEqual([
        source,
        "// Try it:  curl -N http://localhost:8001/",
      ]);
    },
    exportTimeoutMs,
  );
});
