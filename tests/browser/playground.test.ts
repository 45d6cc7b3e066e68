import { describe, expect, test } from "bun:test";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { waitFor } from "../support/desktop-session.ts";
import { artifactsDir } from "./chromium.ts";
import {
  liveVersion,
  openLesson,
  pasteAndRun,
  showOnly,
  tableRows,
  usePlaygroundInChromium,
  waitForRow,
} from "./playground-page.ts";

const playground = usePlaygroundInChromium({ settings: { checkTypes: false } });
const openPlayground = (colorScheme: "light" | "dark" = "light") => playground.open(colorScheme);

const ticker = `export default function (req: Request) {
  async function* body() {
    for (let i = 1; i <= 3; i++) {
      yield "tick " + i + "\\n";
      await Bun.sleep(50);
    }
  }
  return new Response(body(), { headers: { "content-type": "text/plain" } });
}
`;

describe("the playground in Chromium", () => {
  test("a pasted snippet runs, and a client's writes and chunks show in the table and the timeline", async () => {
    const page = await openPlayground();
    await pasteAndRun(page, ticker);
    await page.click("#connect");
    // Both ends of the stream: the client's disconnect and the server's end travel separately.
    await waitForRow(page, /^1 client disconnect by server/);
    await waitForRow(page, /^1 server end/);
    const rows = await tableRows(page);
    const lane1 = rows.filter((row) => row.startsWith("1 ")).map((row) => row.split(" ").slice(1, 3).join(" "));
    expect(lane1.filter((row) => row.startsWith("server"))).toEqual([
      "server request",
      "server response",
      "server write",
      "server write",
      "server write",
      "server end",
    ]);
    // The client reads what the wire carried: three writes 50 ms apart are three chunks on a quiet
    // machine, fewer when a busy one reads late and finds two waiting. Every byte arrives either way.
    const chunkBytes = rows
      .filter((row) => row.startsWith("1 client chunk "))
      .map((row) => Number(/^1 client chunk (\d+) B/.exec(row)?.[1] ?? Number.NaN));
    expect(chunkBytes.length).toBeGreaterThanOrEqual(1);
    expect(chunkBytes.reduce((sum, bytes) => sum + bytes, 0)).toBe(3 * "tick 1\n".length);
    // The canvas says what it shows: events on the runner row and the client's server and client rows.
    const label = await page.getAttribute(".timeline canvas", "aria-label");
    expect(label).toMatch(/^Timeline of \d+ events on 3 rows/);
    await page.screenshot({ path: join(artifactsDir, "playground-run.png") });
  });

  test("the Requests tab lists each client's request and how it ended; choosing one frames it on the timeline", async () => {
    const page = await openPlayground();
    await pasteAndRun(page, ticker);
    await page.fill("#client-count", "2");
    await page.click("#connect");
    await page.click("#tab-requests");
    await page.waitForFunction(
      () => document.querySelectorAll(".requests-table td.ending.tone-ok").length === 2,
      undefined,
      { timeout: 10_000 },
    );
    const cells = await page.$$eval(".requests-table tbody tr", (rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(
      cells.map(([lane, status, request, , , received, ending]) => [lane, status, request, received, ending]),
    ).toEqual([
      ["#1", "200", "GET /", "21 B", "complete"],
      ["#2", "200", "GET /", "21 B", "complete"],
    ]);
    // Three writes 50 ms apart: a duration in milliseconds, and a first byte after the request.
    for (const row of cells)
      expect(row.slice(3, 5)).toEqual([expect.stringMatching(/^\+[\d.]+ ms$/), expect.stringMatching(/^\d+ ms$/)]);
    const label = () => page.getAttribute(".timeline canvas", "aria-label");
    // Ended, the run is fitted, counted from its first request, while the view still follows.
    await page.waitForFunction(() =>
      /from client [12]'s request, following live/.test(
        document.querySelector(".timeline canvas")?.getAttribute("aria-label") ?? "",
      ),
    );
    await page.click('.requests-table tr[data-lane="2"]');
    await page.waitForFunction(() =>
      /from client 2's request\. /.test(document.querySelector(".timeline canvas")?.getAttribute("aria-label") ?? ""),
    );
    // Framed from just before its request to its last event: milliseconds wide, not the session's seconds.
    expect(await label()).toMatch(/showing −[\d.]+ ms to \+\d+ ms from client 2's request\. /);
    expect(await page.getAttribute("#timeline-follow", "aria-pressed")).toBe("false");
    expect(await page.getAttribute('.requests-table tr[data-lane="2"]', "aria-selected")).toBe("true");
    expect(await page.inputValue('[aria-label="Filter by lane"]')).toBe("2");
    await page.screenshot({ path: join(artifactsDir, "playground-requests.png") });
    // The raw stream shows the request chosen, too.
    await page.click("#tab-raw");
    expect(await page.inputValue('[aria-label="Client lane for the raw stream"]')).toBe("2");
  });

  test("Follow live's dot beats while a request is live and is still otherwise: a page with nothing live runs no animation", async () => {
    const page = await openPlayground();
    // Nothing has connected: once the editor's scrollbar has faded, nothing moves (a beat would
    // redraw the page every frame).
    await page.waitForFunction(() => document.getAnimations().length === 0);
    expect(await page.getAttribute("#timeline-follow", "data-live")).not.toBe("true");
    await pasteAndRun(
      page,
      `export default () => new Response(async function* () {
  for (let i = 1; i <= 10; i++) {
    yield "tick " + i + "\\n";
    await Bun.sleep(150);
  }
});
`,
    );
    await page.click("#connect");
    await page.waitForFunction(() =>
      document.getAnimations().some((a) => (a as CSSAnimation).animationName === "live-beat"),
    );
    expect(await page.getAttribute("#timeline-follow", "data-live")).toBe("true");
    await waitForRow(page, /^1 client disconnect by server/);
    await waitForRow(page, /^1 server end/);
    await page.waitForFunction(() => document.getAnimations().length === 0);
    expect(await page.getAttribute("#timeline-follow", "data-live")).toBe("false");
    expect(await page.getAttribute("#timeline-follow", "aria-pressed")).toBe("true");
  });

  test("a syntax error becomes a marker at its line while the last good version keeps serving", async () => {
    const page = await openPlayground();
    await pasteAndRun(page, ticker);
    const good = await liveVersion(page);
    await pasteAndRun(page, `export default function () {\n  const broken = ;\n  return new Response("never");\n}\n`);
    expect(await page.textContent("#status")).toContain(`syntax at line 2`);
    expect(await page.textContent("#status")).toContain(`v${good} keeps serving`);
    const markers = await page.evaluate(() =>
      window.monaco!.editor.getModelMarkers({}).map((m) => ({ line: m.startLineNumber, message: m.message })),
    );
    expect(markers).toEqual([{ line: 2, message: "syntax: Unexpected ;" }]);
    await page.click("#connect");
    await waitForRow(page, /client disconnect/);
    await showOnly(page, { kind: "chunk" });
    // The last good version's three ticks reach the client, in as many reads as the wire made of them.
    const received = (await tableRows(page)).map((row) => JSON.parse(row.replace(/^\d+ client chunk \d+ B /, "")));
    expect(received.join("")).toBe("tick 1\ntick 2\ntick 3\n");
    await page.screenshot({ path: join(artifactsDir, "playground-syntax-error.png") });
  });

  test("a body that throws: the console shows Bun's print as one entry, the editor's lines kept whole and the caret under the column", async () => {
    const page = await openPlayground();
    await page.setViewportSize({ width: 1024, height: 768 });
    const throwing = `export default function handler() {
  async function* rows() {
    yield "row 0 of a report that is wider than the console is at this width\\n";
    await Bun.sleep(5);
    throw new Error("the rows ran out");
  }
  return new Response(rows());
}
`;
    await pasteAndRun(page, throwing);
    await page.click("#connect");
    await page.click("#tab-console");
    await page.waitForSelector(".console-print", { timeout: 10_000 });
    const print = await page.$eval(".console-print", (element) => {
      const text = element.firstChild as Text;
      const lines = text.data.split("\n");
      /** Where the character at `column` (1-based) of line `index` is drawn. */
      const leftOf = (index: number, column: number) => {
        const start = lines.slice(0, index).reduce((sum, line) => sum + line.length + 1, 0) + column - 1;
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + 1);
        return range.getBoundingClientRect().left;
      };
      const caret = lines.findIndex((line) => /^ +\^$/.test(line));
      const thrown = lines[caret - 1]!;
      return {
        lines,
        // The caret's left against the left of the column it points at, on the line above.
        caretOff: leftOf(caret, lines[caret]!.length) - leftOf(caret - 1, thrown.indexOf("Error") + 1),
        overflows: element.scrollWidth > element.clientWidth,
      };
    });
    expect(print.lines.slice(0, 5)).toEqual(
      throwing
        .split("\n")
        .slice(0, 5)
        .map((line, i) => `${i + 1} | ${line}`),
    );
    expect(print.lines.slice(6)).toEqual([
      "error: the rows ran out",
      expect.stringMatching(/^ {6}at rows \(.*:5:15\)$/),
    ]);
    expect(Math.abs(print.caretOff)).toBeLessThan(1);
    // The longest line is wider than the panel: it scrolls rather than wrapping under the caret.
    expect(print.overflows).toBe(true);
    expect(await page.locator(".console-lines li").count()).toBe(1);
  });

  test("markers belong to the version serving: an older version's leaked timer still throwing marks nothing in the new one", async () => {
    const page = await openPlayground();
    const markers = () =>
      page.evaluate(() =>
        window
          .monaco!.editor.getModelMarkers({ owner: "stream-playground" })
          .map((m) => [m.startLineNumber, m.message]),
      );
    // A timer nobody clears throws every 50 ms, for as long as the runner lives (each error its own, so none is folded).
    await pasteAndRun(
      page,
      `let n = 0;\nsetInterval(() => {\n  throw new Error(\`tick \${++n} failed\`);\n}, 50);\nexport default () => new Response("v1");\n`,
    );
    await page.waitForFunction(() =>
      window.monaco!.editor.getModelMarkers({ owner: "stream-playground" }).some((m) => m.message.includes("failed")),
    );
    expect((await markers())[0]).toEqual([3, "Error: tick 1 failed"]);

    await pasteAndRun(
      page,
      `// another snippet, whose line 3 is blank\n\n\nexport default () => new Response("v2");\n`,
    );
    // v1's timer goes on throwing at v1's line 3 while v2 serves.
    await showOnly(page, { kind: "uncaught" });
    const thrown = () => page.textContent(".row-count").then((text) => Number(/^([\d,]+)/.exec(text ?? "")?.[1]));
    const before = await thrown();
    await page.waitForFunction(
      (count) => Number(/^([\d,]+)/.exec(document.querySelector(".row-count")?.textContent ?? "")?.[1]) > count + 2,
      before,
    );
    expect(await markers()).toEqual([]);
  });

  test("SSE fields arrive parsed and their details show the wire text", async () => {
    const page = await openPlayground("dark");
    await pasteAndRun(
      page,
      `export default () => new Response(async function* () {
  yield ": ping\\n\\nretry: 2000\\n\\n";
  yield "event: greeting\\nid: 7\\ndata: hello\\ndata: world\\n\\n";
}, { headers: { "content-type": "text/event-stream" } });
`,
    );
    await page.click("#connect");
    await waitForRow(page, /client disconnect/);
    const sse = (await tableRows(page))
      .filter((row) => / client sse/.test(row))
      .map((row) => row.replace(/^\d+ client /, ""));
    expect(sse).toEqual(['sse-comment "ping"', "sse-retry 2000.0 ms", 'sse greeting #7 "hello\\nworld"']);
    await page.click('.events-table tr[data-index]:has(td.kind:text-is("sse"))');
    await expect(page.locator("#details h3").textContent()).resolves.toContain("sse · client · lane 1");
    expect(await page.locator("#details pre.wire").allTextContents()).toEqual([
      "greeting",
      "7",
      "7",
      "hello\\n\nworld",
    ]);
    // The lane alone is an event stream's: its events' type, id and data get columns of their own.
    await page.selectOption('select[aria-label="Filter by lane"]', "1");
    const sseRow = page.locator('.events-table tr[data-index]:has(td.kind:text-is("sse"))');
    expect({
      head: await page.locator(".events-table th").allTextContents(),
      cells: await sseRow.locator("td.sse-event, td.sse-id, td.detail").allTextContents(),
    }).toEqual({
      head: ["Time (ms)", "Lane", "Side", "Kind", "Event", "ID", "Data"],
      cells: ["greeting", "7", String.raw`"hello\nworld"`],
    });
    await page.screenshot({ path: join(artifactsDir, "playground-sse-dark.png") });
    // The lane's request, as a command to try it with outside the playground.
    await page.click('.events-table tr[data-index]:has(td.kind:text-is("open"))');
    await page.click("#details .details-copy");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("Copied"));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^curl -N http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("disconnecting shows the abort, the cancel and the cleanup", async () => {
    const page = await openPlayground();
    await pasteAndRun(
      page,
      `export default () => {
  let timer: ReturnType<typeof setInterval>;
  return new Response(new ReadableStream({
    start(controller) { timer = setInterval(() => controller.enqueue("tick\\n"), 40); },
    cancel() { clearInterval(timer); },
  }));
};
`,
    );
    await page.click("#connect");
    await waitForRow(page, /^1 client chunk/);
    await page.click('button[aria-label="Disconnect client 1"]');
    // The table draws only the rows in view: narrow it to what this test is about, as a person would.
    await page.selectOption('[aria-label="Filter by side"]', "server");
    await waitForRow(page, /^1 server cleanup stream-cancel finished/);
    const server = (await tableRows(page))
      .filter((row) => /^1 server (abort|cancel|cleanup|leak)/.test(row))
      .map((row) => row.split(" ")[2]);
    expect(server).toEqual(["abort", "cancel", "cleanup"]);
    await page.selectOption('[aria-label="Filter by side"]', "client");
    expect((await tableRows(page)).at(-1)).toMatch(/^1 client disconnect by client/);
  });

  test("the page's own EventSource receives events through the host", async () => {
    const page = await openPlayground();
    await pasteAndRun(
      page,
      `export default () => new Response(async function* () {
  yield "retry: 100000\\n\\n";
  for (let i = 1; i <= 3; i++) yield "id: " + i + "\\ndata: n" + i + "\\n\\n";
}, { headers: { "content-type": "text/event-stream" } });
`,
    );
    await page.selectOption("#client-kind", "browser");
    await page.click("#connect");
    await waitForRow(page, /^1 client sse message #3/);
    const rows = (await tableRows(page))
      .filter((row) => /^1 client (open|headers|sse|sse-retry) /.test(row))
      .map((row) => row.replace(/^1 client /, ""));
    // The host records the request, its head and the retry it relayed; the page, the events its EventSource dispatched.
    expect(rows.slice(0, 6).map((row) => row.split(" ").slice(0, 3).join(" "))).toEqual([
      "open browser GET",
      "headers 200 text/event-stream,",
      "sse-retry 100000.0 ms",
      "sse message #1",
      "sse message #2",
      "sse message #3",
    ]);
    await page.click("#disconnect-all");
  });

  test("the timeline exports as trace --json lines ending with a summary", async () => {
    const page = await openPlayground();
    await page.click("#connect");
    await waitForRow(page, /client disconnect/);
    await page.click("#export-menu summary");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
    const text = await Bun.file((await download.path())!).text();
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; t: number });
    expect(lines.at(-1)!.kind).toBe("summary");
    expect(lines.some((line) => line.kind === "chunk")).toBe(true);
    const times = lines.map((line) => line.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test("the snippet exports as a standalone Bun server file that keeps the user's code", async () => {
    const page = await openPlayground();
    await pasteAndRun(page, ticker);
    await page.click("#export-menu summary");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-bun")]);
    expect(download.suggestedFilename()).toBe("server.ts");
    const code = await Bun.file((await download.path())!).text();
    expect(code).toContain(ticker.trim().split("\n").slice(1).join("\n"));
    expect(code).toMatch(/Bun\.serve\(\{/);
    expect(code).toContain("curl -N http://localhost:");
    expect(await page.textContent("#status")).toContain("Exported server.ts for Bun");
  });

  test("a lesson's snippet exports with the lesson's request in its try line: curl for its stream, though the snippet serves WebSockets too, and a WebSocket client once the controls say websocket", async () => {
    const page = await openPlayground();
    await openLesson(page, "09-backpressure");
    const tryLine = async () => {
      await page.click("#export-menu summary");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-bun")]);
      return /^\/\/ Try it: {2}(.*)$/m.exec(await Bun.file((await download.path())!).text())?.[1];
    };
    expect(await tryLine()).toBe("curl -N http://localhost:3000/generator");
    await page.selectOption("#client-kind", "websocket");
    await page.fill("#client-path", "/ws");
    expect(await tryLine()).toMatch(/^bun -e 'const ws = new WebSocket\("ws:\/\/localhost:3000\/ws"\);/);
  });

  test("the editor lets a keyboard out: tabbing in shows how, Ctrl+M makes Tab move on to the client controls and back, and a click shows nothing", async () => {
    const page = await openPlayground();
    const source = await page.evaluate(() => window.monaco!.editor.getModels()[0]!.getValue());
    const focused = () => page.evaluate(() => document.activeElement?.closest("[id]")?.id);
    const hint = () =>
      page.locator(".tab-focus-hint").evaluate((node: HTMLElement) => (node.hidden ? "" : node.textContent));
    // From the toolbar's last button, Tab goes into the editor, which says what Tab does there.
    await page.focus("#export-menu > summary");
    await page.keyboard.press("Tab");
    expect({ focused: await focused(), hint: await hint() }).toEqual({
      focused: "editor",
      hint: "Tab indents · Ctrl+M: Tab moves focus",
    });
    expect(await page.getAttribute("#editor .native-edit-context, #editor textarea", "aria-label")).toContain(
      "Ctrl+M makes Tab move focus out of the editor",
    );
    await page.screenshot({ path: join(artifactsDir, "editor-tab-hint.png") });
    await page.keyboard.press("Control+M");
    expect(await hint()).toBe("Tab moves focus · Ctrl+M: Tab indents");
    // Said to a screen reader too, which does not read the hint.
    expect(await page.textContent('#editor [role="status"]')).toBe("Tab now moves focus out of the editor");
    await page.keyboard.press("Tab");
    expect({ focused: await focused(), hint: await hint() }).toEqual({ focused: "client-kind", hint: "" });
    await page.keyboard.press("Shift+Tab");
    expect({ focused: await focused(), hint: await hint() }).toEqual({
      focused: "editor",
      hint: "Tab moves focus · Ctrl+M: Tab indents",
    });
    // Back as it was: Tab indents again.
    await page.keyboard.press("Control+M");
    await page.keyboard.press("Tab");
    expect({ focused: await focused(), hint: await hint() }).toEqual({
      focused: "editor",
      hint: "Tab indents · Ctrl+M: Tab moves focus",
    });
    expect(await page.evaluate(() => window.monaco!.editor.getModels()[0]!.getValue())).not.toBe(source);
    // A pointer in the editor is shown nothing.
    await page.click("#client-path");
    await page.click(".monaco-editor .view-lines");
    expect({ focused: await focused(), hint: await hint() }).toEqual({ focused: "editor", hint: "" });
  });

  test("save as asks for a name and a folder, asks before replacing a file, and Ctrl+S writes later edits", async () => {
    const page = await openPlayground();
    await pasteAndRun(page, ticker);
    const file = join(playground.workspaceDir, "saved-snippet.ts");
    await writeFile(file, "// someone else's\n");
    await page.click("#file-menu summary");
    await page.click("#file-save-as");
    // The sheet offers a name, with its stem selected to be typed over.
    expect(
      await page.evaluate(() => {
        const name = document.getElementById("save-sheet-name") as HTMLInputElement;
        return name.value.slice(name.selectionStart ?? 0, name.selectionEnd ?? 0);
      }),
    ).toBe("snippet");
    await page.keyboard.type("saved-snippet");
    // A folder that does not exist is explained in the sheet itself.
    await page.fill("#save-sheet-folder", join(playground.workspaceDir, "no-such-folder"));
    await page.press("#save-sheet-folder", "Enter");
    await page.waitForFunction(() => (document.getElementById("save-sheet-error")?.textContent ?? "") !== "");
    expect(await page.isVisible("#save-sheet")).toBe(true);
    await page.fill("#save-sheet-folder", playground.workspaceDir);
    await page.press("#save-sheet-name", "Enter");
    // The name is taken in that folder: asked, not replaced.
    await page.waitForFunction(() => document.getElementById("save-sheet-ok")?.textContent === "Replace");
    expect({
      question: await page.textContent("#save-sheet-error"),
      onDisk: await Bun.file(file).text(),
    }).toEqual({
      question: '"saved-snippet.ts" is already in this folder. Replace it?',
      onDisk: "// someone else's\n",
    });
    await page.click("#save-sheet-ok");
    await page.waitForFunction(() => document.getElementById("document-name")?.textContent === "saved-snippet.ts");
    expect(await Bun.file(file).text()).toBe(ticker);
    expect(await page.title()).toBe("saved-snippet.ts — Stream Playground");

    await page.click(".monaco-editor .view-lines");
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.insertText("// edited\n");
    await page.waitForFunction(() => document.title === "saved-snippet.ts • — Stream Playground");
    await page.keyboard.press("ControlOrMeta+S");
    await page.waitForFunction(() => document.title === "saved-snippet.ts — Stream Playground");
    expect(await Bun.file(file).text()).toBe(`${ticker}// edited\n`);
  });

  test("a folder typed while the sheet's first listing is on its way is where the file is saved, and stays typed when that listing arrives", async () => {
    const context = await playground.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // The host's answers to the sheet's folder listings, held while `holding` until released, in order.
    const listings = new Set<number>();
    let sent = 0;
    let holding = false;
    const held: (() => void)[] = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const host = ws.connectToServer();
      ws.onMessage((message) => {
        const request = typeof message === "string" ? JSON.parse(message) : undefined;
        if (request?.payload?.type === "file-list") {
          listings.add(request.id);
          sent++;
        }
        host.send(message);
      });
      host.onMessage((message) => {
        const answer = typeof message === "string" ? JSON.parse(message) : undefined;
        if (holding && listings.has(answer?.replyId)) held.push(() => ws.send(message));
        else ws.send(message);
      });
    });
    await page.goto(playground.host.launchUrl);
    await page.waitForSelector("body[data-editor-ready]");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
    const saveAs = async (name: string, folder: string) => {
      await mkdir(folder);
      await page.click("#file-menu summary");
      await page.click("#file-save-as");
      await page.keyboard.type(name);
      await page.fill("#save-sheet-folder", folder);
      // Enter in the name: the folder field's change lists the typed folder, and the save lists it again.
      await page.press("#save-sheet-name", "Enter");
    };
    // Saved once, the sheet starts next time in that folder rather than at home.
    await saveAs("first", join(playground.workspaceDir, "first-folder"));
    await page.waitForFunction(() => document.getElementById("document-name")?.textContent === "first.ts");

    holding = true;
    const before = sent;
    const folder = join(playground.workspaceDir, "typed-folder");
    await saveAs("held-listing", folder);
    await waitFor("the sheet's three listings", () => (sent >= before + 3 ? true : undefined), 5_000);
    // The answers come now, in order: the start folder's first, after the typed folder was asked for.
    holding = false;
    for (const release of held.splice(0)) release();
    await page.waitForFunction(() => document.getElementById("document-name")?.textContent === "held-listing.ts");
    expect(await Bun.file(join(folder, "held-listing.ts")).exists()).toBe(true);

    // A listing that arrives while a folder is being typed leaves what was typed in the field.
    holding = true;
    const typedOver = join(playground.workspaceDir, "typed-while-listing");
    await mkdir(typedOver);
    await page.click("#file-menu summary");
    await page.click("#file-save-as");
    await page.keyboard.type("typed-over");
    await waitFor("the sheet's listing", () => (held.length > 0 ? true : undefined), 5_000);
    await page.fill("#save-sheet-folder", typedOver);
    holding = false;
    for (const release of held.splice(0)) release();
    await page.waitForSelector("#save-sheet-list li");
    expect(await page.inputValue("#save-sheet-folder")).toBe(typedOver);
    await page.press("#save-sheet-name", "Enter");
    await page.waitForFunction(() => document.getElementById("document-name")?.textContent === "typed-over.ts");
    expect(await Bun.file(join(typedOver, "typed-over.ts")).exists()).toBe(true);
    await context.close();
  });

  test("the host refuses a page without the launch token", async () => {
    const context = await playground.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${playground.host.origin}/`);
    expect(response?.status()).toBe(403);
    expect(await page.textContent("body")).toContain("npm start");
  });
});
