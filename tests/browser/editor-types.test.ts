/**
 * The editor agrees with Bun: in real Chromium, Monaco shows no error marker for any snippet Bun
 * runs (every lesson, the starter snippet, Bun's and Deno's documented streaming APIs; the same
 * corpus tsc accepts in tests/editor-types.test.ts), still marks real mistakes, shows Bun's docs
 * on hover, and gives imports the types of the packages installed beside the snippet.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startHost, type Host } from "../../src/main/host-server.ts";
import { loadSnippetCorpus, mistakenSnippet } from "../support/snippet-corpus.ts";
import { waitFor } from "../support/desktop-session.ts";
import { artifactsDir, launchChromium } from "./chromium.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A host on a fresh workspace folder (where untitled snippets live, so imports resolve from it). */
async function withHost<T>(
  prepare: (workspaceDir: string) => void,
  use: (host: Host, workspaceDir: string) => Promise<T>,
): Promise<T> {
  const workspaceDir = mkdtempSync(join(tmpdir(), "editor-types-"));
  prepare(workspaceDir);
  const host = await startHost({ port: 0, session: { workspaceDir } });
  try {
    return await use(host, workspaceDir);
  } finally {
    await host.stop();
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

/** A browser context of the test's own, closed whatever happens. */
async function withContext<T>(use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    return await use(context);
  } finally {
    await context.close();
  }
}

async function openPage(context: BrowserContext, host: Host): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(host.launchUrl);
  await page.waitForSelector("body[data-types-ready]");
  return page;
}

/** What a marker shows: `line N: message`, for errors and warnings (hints and infos are not marks of a mistake). */
interface MarkerView {
  line: number;
  column: number;
  owner: string;
  message: string;
}

/** The errors and warnings on screen, in the order of the text. */
function markersOnScreen(page: Page): Promise<MarkerView[]> {
  return page.evaluate(() => {
    const monaco = window.monaco!;
    return monaco.editor
      .getModelMarkers({ resource: monaco.Uri.parse("file:///snippet.ts") })
      .filter((m) => m.severity >= monaco.MarkerSeverity.Warning)
      .map((m) => ({ line: m.startLineNumber, column: m.startColumn, owner: m.owner, message: m.message }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
  });
}

/**
 * Puts `source` into the editor and waits until Monaco's markers are those of this text: asks
 * TypeScript's worker for the diagnostics Monaco shows (less the codes it is told to ignore), waits
 * for the markers to match them in number, and for the editor's import check of this version.
 * Returns the errors and warnings on screen, in the order of the text.
 */
async function markersFor(page: Page, source: string): Promise<MarkerView[]> {
  const { expected, version } = await page.evaluate(async (text) => {
    const monaco = window.monaco!;
    const model = monaco.editor.getModel(monaco.Uri.parse("file:///snippet.ts"))!;
    model.setValue(text);
    const worker = await (await monaco.typescript.getTypeScriptWorker())(model.uri);
    const uri = model.uri.toString();
    const ignored = monaco.typescript.typescriptDefaults.getDiagnosticsOptions().diagnosticCodesToIgnore ?? [];
    const diagnostics = [...(await worker.getSyntacticDiagnostics(uri)), ...(await worker.getSemanticDiagnostics(uri))];
    // Category 1 is an error, 0 a warning.
    return {
      expected: diagnostics.filter((d) => !ignored.includes(d.code) && (d.category === 0 || d.category === 1)).length,
      version: model.getVersionId(),
    };
  }, source);
  await page
    .waitForFunction(
      ([count, checked]) => {
        const monaco = window.monaco!;
        const markers = monaco.editor.getModelMarkers({
          owner: "typescript",
          resource: monaco.Uri.parse("file:///snippet.ts"),
        });
        const typescriptDone = markers.filter((m) => m.severity >= monaco.MarkerSeverity.Warning).length === count;
        return typescriptDone && document.getElementById("editor")?.dataset.importsChecked === String(checked);
      },
      [expected, version],
      { timeout: 15_000 },
    )
    // The assertion after this shows what is on screen; a timeout here would only hide it.
    .catch(() => {});
  return markersOnScreen(page);
}

/** Points the mouse at `line`:`column`, as a reader would, and returns the hover's text once it contains `waitFor`. */
async function hoverText(page: Page, line: number, column: number, waitFor: string): Promise<string> {
  const point = await page.evaluate(
    ([lineNumber, col]) => {
      const editor = window.monaco!.editor.getEditors()[0]!;
      editor.revealLine(lineNumber!);
      const position = editor.getScrolledVisiblePosition({ lineNumber: lineNumber!, column: col! })!;
      const box = editor.getDomNode()!.getBoundingClientRect();
      return { x: box.left + position.left + 2, y: box.top + position.top + position.height / 2 };
    },
    [line, column],
  );
  // Away first, so an earlier hover closes and this one opens afresh.
  await page.mouse.move(1, 1);
  await page.mouse.move(point.x, point.y, { steps: 4 });
  const hover = page.locator(".monaco-hover-content").filter({ hasText: waitFor }).first();
  await hover.waitFor({ timeout: 15_000 });
  return (await hover.textContent()) ?? "";
}

describe("the editor's types in Chromium", () => {
  test("every lesson, the starter snippet and the documented Bun and Deno snippets show no error marker", async () => {
    const corpus = await loadSnippetCorpus();
    await withHost(
      () => {},
      async (host) => {
        await withContext(async (context) => {
          const page = await openPage(context, host);
          // The options Monaco's TypeScript was given are valid for it (an unknown lib or a bad enum would show here).
          const optionErrors = await page.evaluate(async () => {
            const monaco = window.monaco!;
            const worker = await (await monaco.typescript.getTypeScriptWorker())(
              monaco.Uri.parse("file:///snippet.ts"),
            );
            return (await worker.getCompilerOptionsDiagnostics("file:///snippet.ts")).map((d) =>
              typeof d.messageText === "string" ? d.messageText : d.messageText.messageText,
            );
          });
          expect(optionErrors).toEqual([]);
          const results: Record<string, MarkerView[]> = {};
          for (const snippet of corpus) results[snippet.name] = await markersFor(page, snippet.source);
          expect(results).toEqual(Object.fromEntries(corpus.map((snippet) => [snippet.name, []])));
        });
      },
    );
  }, 240_000);

  test("real mistakes still show: a string status and a number body are errors at their places", async () => {
    await withHost(
      () => {},
      async (host) => {
        await withContext(async (context) => {
          const page = await openPage(context, host);
          const markers = await markersFor(page, mistakenSnippet);
          expect(markers.map(({ line, column, owner }) => ({ line, column, owner }))).toEqual([
            { line: 2, column: 32, owner: "typescript" },
            { line: 3, column: 23, owner: "typescript" },
          ]);
          expect(markers[0]!.message).toContain("Type 'string' is not assignable to type 'number'");
          expect(markers[1]!.message).toContain(
            "Argument of type '42' is not assignable to parameter of type 'BodyInit | null | undefined'",
          );
        });
      },
    );
  }, 60_000);

  test("hover over Bun.serve shows Bun's documentation, and Deno.upgradeWebSocket is typed as Deno has it", async () => {
    await withHost(
      () => {},
      async (host) => {
        await withContext(async (context) => {
          const page = await openPage(context, host);
          await markersFor(page, `Bun.serve({\n  fetch: () => new Response("hi"),\n});\n`);
          const docs = await hoverText(page, 1, 6, "high-performance");
          expect(docs).toContain("Bun.serve starts a high-performance HTTP server with built-in routing.");
          await page.screenshot({ path: join(artifactsDir, "editor-hover-bun-serve.png") });

          await markersFor(page, `Deno.serve((req) => Deno.upgradeWebSocket(req).response);\n`);
          const deprecated = await page.evaluate(() => {
            const monaco = window.monaco!;
            return monaco.editor
              .getModelMarkers({ resource: monaco.Uri.parse("file:///snippet.ts") })
              .filter((m) => m.tags?.includes(monaco.MarkerTag.Deprecated))
              .map((m) => ({
                column: m.startColumn,
                severity: m.severity === monaco.MarkerSeverity.Hint ? "hint" : m.severity,
              }));
          });
          expect(deprecated).toEqual([]);
          expect(await hoverText(page, 1, 28, "Upgrades a request to a WebSocket")).toContain(
            "The playground traces both sides of the socket.",
          );
        });
      },
    );
  }, 60_000);

  test("types that arrive after the editor opened: no marker meanwhile, Bun's types after", async () => {
    await withHost(
      () => {},
      async (host) => {
        await withContext(async (context) => {
          let release = () => {};
          const held = new Promise<void>((resolve) => {
            release = resolve;
          });
          await context.route("**/types/editor.json", async (route) => {
            await held;
            await route.continue();
          });
          const page = await context.newPage();
          const consoleErrors: string[] = [];
          page.on("console", (message) => {
            if (message.type() === "error") consoleErrors.push(message.text());
          });
          await page.goto(host.launchUrl);
          await page.waitForSelector("body[data-editor-ready]");
          // The starter snippet uses Bun.sleep: without Bun's types a semantic check would mark it.
          const before = await page.evaluate(() => {
            const monaco = window.monaco!;
            return {
              semantic: !monaco.typescript.typescriptDefaults.getDiagnosticsOptions().noSemanticValidation,
              markers: monaco.editor
                .getModelMarkers({ resource: monaco.Uri.parse("file:///snippet.ts") })
                .filter((m) => m.severity >= monaco.MarkerSeverity.Warning).length,
            };
          });
          release();
          await page.waitForSelector("body[data-types-ready]");
          const starter = await page.evaluate(() =>
            window.monaco!.editor.getModel(window.monaco!.Uri.parse("file:///snippet.ts"))!.getValue(),
          );
          expect({
            before,
            starter: await markersFor(page, starter),
            // Semantic checks are on, with Bun's BodyInit: the mistakes show.
            mistakes: (await markersFor(page, mistakenSnippet)).map((m) => m.line),
            consoleErrors,
          }).toEqual({ before: { semantic: false, markers: 0 }, starter: [], mistakes: [2, 3], consoleErrors: [] });
        });
      },
    );
  }, 60_000);
});

/** The errors and warnings on screen once `count` of them show (a wait that gives up leaves what shows to the assertion). */
async function markersOnceThere(page: Page, count: number): Promise<MarkerView[]> {
  await page
    .waitForFunction(
      (expected) => {
        const monaco = window.monaco!;
        const markers = monaco.editor.getModelMarkers({ resource: monaco.Uri.parse("file:///snippet.ts") });
        return markers.filter((m) => m.severity >= monaco.MarkerSeverity.Warning).length === expected;
      },
      count,
      { timeout: 15_000 },
    )
    .catch(() => {});
  return markersOnScreen(page);
}

/**
 * Waits until the host has saved the Types setting as `expected`, failing with what it waited for
 * after 5 s: the page sends a change over its socket, and the host may take a moment on a busy machine.
 */
function savedCheckTypes(host: Host, expected: boolean): Promise<boolean> {
  return waitFor(
    `the host to save checkTypes: ${expected}`,
    () => (host.session.workspace()?.settings.checkTypes === expected ? expected : undefined),
    5_000,
  );
}

describe("the Types setting", () => {
  test("off (as saved), the editor fetches no declarations and starts no TypeScript worker, and the runner marks a load error; on, TypeScript marks the mistakes; the choice is saved", async () => {
    await withHost(
      (dir) => writeFileSync(join(dir, "settings.json"), JSON.stringify({ checkTypes: false })),
      async (host) => {
        await withContext(async (context) => {
          const declarationFetches: string[] = [];
          // TypeScript's worker, as the page starts it: Monaco's build fetches its script (~7 MB).
          const typescriptWorkerFetches: string[] = [];
          context.on("request", (request) => {
            const { pathname } = new URL(request.url());
            if (pathname === "/types/editor.json") declarationFetches.push(pathname);
            if (/\/vs\/assets\/ts\.worker-[^/]*\.js$/.test(pathname)) typescriptWorkerFetches.push(pathname);
          });
          const page = await context.newPage();
          page.on("pageerror", (error) => console.error("page error:", error.message));
          await page.goto(host.launchUrl);
          await page.waitForSelector("body[data-editor-ready]");
          const lines = (markers: MarkerView[]) => markers.map((m) => `${m.line}:${m.owner}`).sort();
          const state = () =>
            page.evaluate(() => ({
              checkbox: (document.getElementById("check-types") as HTMLInputElement).checked,
              typesReady: document.body.dataset.typesReady ?? null,
              language: window.monaco!.editor.getModel(window.monaco!.Uri.parse("file:///snippet.ts"))!.getLanguageId(),
            }));

          // Two type mistakes (lines 2 and 3) and a syntax error (line 5), run: the runner marks the error.
          const source = `${mistakenSnippet}const late = ;\n`;
          await page.evaluate((text) => {
            window.monaco!.editor.getModel(window.monaco!.Uri.parse("file:///snippet.ts"))!.setValue(text);
          }, source);
          await page.click("#run");
          await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("did not load"));
          const off = { markers: lines(await markersOnceThere(page, 1)), ...(await state()) };
          const offWorkers = typescriptWorkerFetches.length;

          await page.click("#check-types");
          await page.waitForSelector("body[data-types-ready]");
          const on = { markers: lines(await markersFor(page, source)), ...(await state()) };
          const onWorkers = typescriptWorkerFetches.length;
          await savedCheckTypes(host, true);

          await page.click("#check-types");
          await page.waitForFunction(() => document.body.dataset.typesReady === undefined);
          const offAgain = { markers: lines(await markersOnceThere(page, 1)), ...(await state()) };

          expect({ off, offWorkers, on, onWorkers, offAgain, fetches: declarationFetches.length }).toEqual({
            off: {
              markers: ["5:stream-playground"],
              checkbox: false,
              typesReady: null,
              language: "typescript-syntax",
            },
            offWorkers: 0,
            on: {
              markers: ["2:typescript", "3:typescript", "5:stream-playground", "5:typescript"],
              checkbox: true,
              typesReady: "true",
              language: "typescript",
            },
            onWorkers: 1,
            offAgain: {
              markers: ["5:stream-playground"],
              checkbox: false,
              typesReady: null,
              language: "typescript-syntax",
            },
            fetches: 1,
          });
          await savedCheckTypes(host, false);
        });
      },
    );
  }, 60_000);
});

describe("imports in the editor, resolved from the snippet's folder", () => {
  const write = (dir: string, path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  test("an installed package brings its types, an untyped one and a JSON file are quiet, missing ones are errors with the loader's message", async () => {
    await withHost(
      (dir) => {
        write(
          dir,
          "node_modules/tiny-stream/package.json",
          JSON.stringify({ name: "tiny-stream", main: "index.js", types: "index.d.ts" }),
        );
        write(dir, "node_modules/tiny-stream/index.js", "export const tick = (label) => `tick: ${label}`;\n");
        write(
          dir,
          "node_modules/tiny-stream/index.d.ts",
          `/** One tick, labelled. */\nexport declare function tick(label: string): \`tick: \${string}\`;\n`,
        );
        write(dir, "node_modules/plain-js/package.json", JSON.stringify({ name: "plain-js", main: "index.js" }));
        write(dir, "node_modules/plain-js/index.js", "export default 42;\n");
        write(dir, "settings.json", `{ "greeting": "hi" }\n`);
      },
      async (host, dir) => {
        await withContext(async (context) => {
          const page = await openPage(context, host);
          const source = [
            `import { tick } from "tiny-stream";`,
            `import answer from "plain-js";`,
            `import settings from "./settings.json";`,
            `import { missing } from "not-installed";`,
            `import { gone } from "./gone.ts";`,
            `const label: number = tick("a");`,
            "export default () => new Response(`${label} ${answer} ${settings} ${missing} ${gone}`);",
            "",
          ].join("\n");
          // The editor's import check fetches the package's types from the host; once they are in,
          // the same text is checked against them.
          await page.evaluate(
            (text) => window.monaco!.editor.getModel(window.monaco!.Uri.parse("file:///snippet.ts"))!.setValue(text),
            source,
          );
          await page.waitForFunction(
            () =>
              "file:///node_modules/tiny-stream/index.d.ts" in
              window.monaco!.typescript.typescriptDefaults.getExtraLibs(),
            undefined,
            { timeout: 15_000 },
          );
          const markers = await markersFor(page, source);
          expect(markers).toEqual([
            {
              line: 4,
              column: 25,
              owner: "stream-playground-imports",
              message: `Cannot find package 'not-installed' imported from ${dir}`,
            },
            {
              line: 5,
              column: 22,
              owner: "stream-playground-imports",
              message: `Cannot find module './gone.ts' imported from ${dir}`,
            },
            {
              line: 6,
              column: 7,
              owner: "typescript",
              message: "Type '`tick: ${string}`' is not assignable to type 'number'.",
            },
          ]);
          expect(await hoverText(page, 1, 11, "One tick")).toContain("One tick, labelled.");
        });
      },
    );
  }, 60_000);
});
