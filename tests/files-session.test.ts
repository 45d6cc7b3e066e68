import { describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSettings, starterSnippet, type FileDialogs } from "../src/main/files/index.ts";
import type { SessionOptions } from "../src/main/session.ts";
import type { HostPushes, PageRequests, PushPayload } from "../src/contract/index.ts";
import { openPage } from "./support/page-socket.ts";
import { createTempDir } from "./support/temp-dir.ts";
import { createTestPage, startTestHost, type HostAddress } from "./support/test-host.ts";

/** A host whose session keeps its workspace in `workspaceDir`, apart from the host's own page. */
const startFilesHost = (workspaceDir: string, session: Omit<SessionOptions, "workspaceDir"> = {}) =>
  startTestHost({ session: { ...session, workspaceDir } });

const read = (path: string) => readFile(path, "utf8");
const handler = (text: string) => `export default () => new Response(${JSON.stringify(text)});\n`;

/** `count` snippet files in `dir`, named f01.ts, f02.ts, … */
async function snippetFiles(dir: string, count: number): Promise<string[]> {
  const paths = Array.from({ length: count }, (_, i) => join(dir, `f${String(i + 1).padStart(2, "0")}.ts`));
  for (const path of paths) await writeFile(path, handler(path));
  return paths;
}

/**
 * A workspace, a project folder holding `name` (a handler serving `text`), a host, and a page that
 * has opened that file; `await using` stops the host and removes both folders.
 */
async function startWithFileOpen(name: string, text: string, session: Omit<SessionOptions, "workspaceDir"> = {}) {
  const owned: AsyncDisposable[] = [];
  // In reverse, as `await using` would: the host stops before its folders go.
  const dispose = async () => {
    for (const resource of owned.reverse()) await resource[Symbol.asyncDispose]();
  };
  try {
    const workspace = await createTempDir("files-ws-");
    owned.push(workspace);
    const project = await createTempDir("files-project-");
    owned.push(project);
    const path = join(project.dir, name);
    await writeFile(path, handler(text));
    const host = await startFilesHost(workspace.dir, session);
    owned.push(host);
    const page = await openPage(host);
    await page.workspace();
    const { id } = await page.document("file-open", { path });
    return {
      workspaceDir: workspace.dir,
      projectDir: project.dir,
      path,
      host,
      page,
      id,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

describe("documents", () => {
  test("a first launch opens Untitled 1 with the starter snippet, kept in the workspace folder", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    const state = await page.workspace();
    const untitled = join(workspace.dir, "untitled-1.ts");
    expect(state).toEqual({
      workspaceDir: workspace.dir,
      document: {
        id: state.document.id,
        path: untitled,
        name: "Untitled 1",
        untitled: true,
        source: starterSnippet,
        dirty: false,
        revision: expect.any(Number),
      },
      recent: [],
      settings: defaultSettings,
      nativeDialogs: false,
      homeDir: homedir(),
    });
    expect({
      file: await read(untitled),
      session: JSON.parse(await read(join(workspace.dir, "session.json"))),
    }).toEqual({
      file: starterSnippet,
      session: { document: { id: state.document.id, path: untitled, untitled: true }, recent: [] },
    });
  });

  test("an untitled snippet loads from its file in the workspace, so relative imports resolve there", async () => {
    await using workspace = await createTempDir("files-ws-");
    await writeFile(join(workspace.dir, "greeting.ts"), `export const greeting = "hello from the workspace";\n`);
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const reply = await page.request("load", {
      source: `import { greeting } from "./greeting.ts";\nexport default () => new Response(greeting);\n`,
    });
    expect(reply.kind).toBe("loaded");
    expect(await (await fetch(host.session.runnerUrl)).text()).toBe("hello from the workspace");
  });

  test("new opens the next untitled snippet; one left as it started is not kept", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    const first = (await page.workspace()).document;
    expect(await page.request("draft", { id: first.id, source: "// mine\n" })).toEqual({
      type: "taken",
      revision: expect.any(Number),
    });
    const second = await page.document("file-new", {});
    const third = await page.document("file-new", {});
    expect({
      second,
      third: { ...third, id: third.id === second.id ? "same id" : "new id" },
      files: (await readdir(workspace.dir)).filter((n) => n.endsWith(".ts")).sort(),
    }).toEqual({
      second: {
        id: second.id,
        path: join(workspace.dir, "untitled-2.ts"),
        name: "Untitled 2",
        untitled: true,
        source: starterSnippet,
        dirty: false,
        revision: expect.any(Number),
      },
      // Untitled 2 was never touched, so the new one takes its place.
      third: {
        id: "new id",
        path: join(workspace.dir, "untitled-2.ts"),
        name: "Untitled 2",
        untitled: true,
        source: starterSnippet,
        dirty: false,
        revision: expect.any(Number),
      },
      files: ["untitled-1.ts", "untitled-2.ts"],
    });
  });

  test("lessons open as untitled snippets of their own: browsing them leaves no files behind, and an edited one is kept", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const untitledFiles = async () =>
      Promise.all(
        (await readdir(workspace.dir))
          .filter((name) => name.endsWith(".ts"))
          .sort()
          .map(async (name) => `${name}: ${await read(join(workspace.dir, name))}`),
      );
    const lesson = (n: number) => `// lesson ${n}\n`;
    const first = await page.document("file-new", { source: lesson(7) });
    const afterFirst = await untitledFiles();
    await page.document("file-new", { source: lesson(15) });
    const browsed = await page.document("file-new", { source: lesson(7) });
    const afterBrowsing = await untitledFiles();
    await page.request("draft", { id: browsed.id, source: `${lesson(7)}// my change\n` });
    await page.document("file-new", { source: lesson(11) });
    expect({ first: first.source, afterFirst, afterBrowsing, afterEdit: await untitledFiles() }).toEqual({
      first: lesson(7),
      // The untouched starter snippet went, as it does for New.
      afterFirst: [`untitled-1.ts: ${lesson(7)}`],
      afterBrowsing: [`untitled-1.ts: ${lesson(7)}`],
      afterEdit: [`untitled-1.ts: ${lesson(7)}// my change\n`, `untitled-2.ts: ${lesson(11)}`],
    });
  });

  test("open reads a file, save writes it, save as moves the document to a new file and keeps its id", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const events = join(project.dir, "events.ts");
    const copy = join(project.dir, "copy.ts");
    await writeFile(events, handler("one"));
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const opened = await page.request("file-open", { path: events });
    const id = opened.type === "document" ? opened.document.id : "";
    expect(opened).toEqual({
      type: "document",
      document: {
        id,
        path: events,
        name: "events.ts",
        untitled: false,
        source: handler("one"),
        dirty: false,
        revision: expect.any(Number),
      },
      recent: [events],
    });
    expect(await page.request("file-save", { id, source: handler("two") })).toEqual({
      type: "document",
      document: {
        id,
        path: events,
        name: "events.ts",
        untitled: false,
        source: handler("two"),
        dirty: false,
        revision: expect.any(Number),
      },
      recent: [events],
    });
    expect(await page.request("file-save", { id, source: handler("three"), path: copy })).toEqual({
      type: "document",
      document: {
        id,
        path: copy,
        name: "copy.ts",
        untitled: false,
        source: handler("three"),
        dirty: false,
        revision: expect.any(Number),
      },
      recent: [copy, events],
    });
    expect({ events: await read(events), copy: await read(copy), names: (await readdir(project.dir)).sort() }).toEqual({
      events: handler("two"),
      copy: handler("three"),
      names: ["copy.ts", "events.ts"],
    });
  });

  test("saving an untitled snippet asks for a path in browser mode; save as then makes it a file", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    const { id } = (await page.workspace()).document;
    const target = join(project.dir, "saved.ts");
    expect(await page.outcome("file-save", { id, source: "// one\n" })).toEqual({
      error: { kind: "failed", message: "Untitled 1 has no file of its own yet: give a path to save it to (Save As)." },
    });
    expect(await page.document("file-save", { id, source: "// one\n", path: target })).toEqual({
      id,
      path: target,
      name: "saved.ts",
      untitled: false,
      source: "// one\n",
      dirty: false,
      revision: expect.any(Number),
    });
    expect({
      saved: await read(target),
      workspace: (await readdir(workspace.dir)).filter((n) => n.endsWith(".ts")),
    }).toEqual({ saved: "// one\n", workspace: [] });
  });

  test("open refuses a FIFO and a link to /dev/zero at once, and the host goes on answering", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const fifo = join(project.dir, "pipe.ts");
    const zero = join(project.dir, "zero.ts");
    Bun.spawnSync(["mkfifo", fifo]);
    await symlink("/dev/zero", zero);
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    expect([await page.outcome("file-open", { path: fifo }), await page.outcome("file-open", { path: zero })]).toEqual([
      { error: { kind: "failed", message: `${fifo} is a pipe, not a file: the playground opens only regular files.` } },
      {
        error: { kind: "failed", message: `${zero} is a device, not a file: the playground opens only regular files.` },
      },
    ]);
    // Requests after them are answered as ever.
    expect(await page.outcome("file-open", { path: join(project.dir, "missing.ts") })).toEqual({
      error: { kind: "failed", message: `There is no file at ${join(project.dir, "missing.ts")}.` },
    });
  });

  test("open refuses what is not a snippet, a missing file, a folder, a relative path; a stale id is refused", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    await writeFile(join(project.dir, "notes.txt"), "text");
    await mkdir(join(project.dir, "folder.ts"));
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const replies = [
      await page.outcome("file-open", { path: join(project.dir, "notes.txt") }),
      await page.outcome("file-open", { path: join(project.dir, "missing.ts") }),
      await page.outcome("file-open", { path: join(project.dir, "folder.ts") }),
      await page.outcome("file-open", { path: "relative/events.ts" }),
      await page.outcome("draft", { id: "not-the-open-one", source: "x" }),
    ];
    expect(replies).toEqual([
      {
        error: {
          kind: "failed",
          message: "notes.txt is not a snippet: the playground opens and saves .ts, .tsx, .js, .mjs, .mts files.",
        },
      },
      { error: { kind: "failed", message: `There is no file at ${join(project.dir, "missing.ts")}.` } },
      { error: { kind: "failed", message: `${join(project.dir, "folder.ts")} is a folder, not a file.` } },
      {
        error: {
          kind: "malformed",
          message: "malformed message: file-open.path must be an absolute path (at most 4096 characters)",
        },
      },
      {
        error: {
          kind: "failed",
          message: "That document is no longer open (Untitled 1 is); reload the page to see it.",
        },
      },
    ]);
  });

  test("the system's open dialog starts where snippets were last saved, and saving an untitled snippet needs a path", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const events = join(project.dir, "events.ts");
    await writeFile(events, handler("one"));
    const answers = [events, undefined];
    const asked: string[] = [];
    const dialogs: FileDialogs = {
      openFile: async ({ startIn }) => {
        asked.push(`open in ${startIn}`);
        return answers.shift();
      },
    };
    await using host = await startFilesHost(workspace.dir, { dialogs });
    const page = await openPage(host);
    const state = await page.workspace();
    const untitledId = state.document.id;
    // The page's save sheet names the file: without a path there is nothing to save an untitled snippet to.
    const unnamed = await page.outcome("file-save", { id: untitledId, source: "// saved\n" });
    const saved = await page.document("file-save", {
      id: untitledId,
      source: "// saved\n",
      path: join(project.dir, "saved.ts"),
    });
    const opened = await page.request("file-open-dialog", {});
    const cancelledOpen = await page.request("file-open-dialog", {});
    expect({
      nativeDialogs: state.nativeDialogs,
      unnamed,
      saved: saved.path,
      opened: opened.type === "document" && opened.document.path,
      cancelledOpen,
      asked,
      settings: JSON.parse(await read(join(workspace.dir, "settings.json"))).folders,
    }).toEqual({
      nativeDialogs: true,
      unnamed: {
        error: {
          kind: "failed",
          message: "Untitled 1 has no file of its own yet: give a path to save it to (Save As).",
        },
      },
      saved: join(project.dir, "saved.ts"),
      opened: events,
      cancelledOpen: { type: "cancelled" },
      asked: [`open in ${project.dir}`, `open in ${project.dir}`],
      settings: { snippet: project.dir },
    });
  });

  test("in browser mode the dialog requests fail", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    expect([
      await page.outcome("file-open-dialog", {}),
      await page.outcome("recording-open-dialog", {}),
      await page.outcome("save-copy", { path: join(workspace.dir, "server.ts"), kind: "server", text: "x" }),
    ]).toEqual([
      { error: { kind: "failed", message: "no system dialogs in browser mode" } },
      { error: { kind: "failed", message: "no system dialogs in browser mode" } },
      { error: { kind: "failed", message: "no system dialogs in browser mode" } },
    ]);
  });
});

describe("drafts", () => {
  test("an untitled snippet's draft is its own file; an opened file's goes to drafts/<id>.ts until it matches the file again", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const events = join(project.dir, "events.ts");
    await writeFile(events, handler("disk"));
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    const untitled = (await page.workspace()).document;
    await page.request("draft", { id: untitled.id, source: "// typed\n" });
    const untitledText = await read(untitled.path);
    const { id } = await page.document("file-open", { path: events });
    await page.request("draft", { id, source: handler("edited") });
    const draftsDir = join(workspace.dir, "drafts");
    const whileEdited = {
      draft: await read(join(draftsDir, `${id}.ts`)),
      index: JSON.parse(await read(join(draftsDir, "index.json"))),
      file: await read(events),
    };
    await page.request("draft", { id, source: handler("disk") });
    expect({
      untitledText,
      whileEdited,
      afterUndo: { names: await readdir(draftsDir), index: JSON.parse(await read(join(draftsDir, "index.json"))) },
    }).toEqual({
      untitledText: "// typed\n",
      whileEdited: { draft: handler("edited"), index: { [id]: events }, file: handler("disk") },
      afterUndo: { names: ["index.json"], index: {} },
    });
  });

  test("a host killed mid-edit comes back with the last draft it received, dirty", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const events = join(project.dir, "events.ts");
    await writeFile(events, handler("disk"));
    await using pageFiles = await createTestPage();
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "fixtures/files-host-fixture.ts"), pageFiles.dir],
      {
        env: { ...process.env, STREAM_PLAYGROUND_HOME: workspace.dir },
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    try {
      const reader = child.stdout.getReader();
      const address = JSON.parse(new TextDecoder().decode((await reader.read()).value)) as HostAddress;
      const page = await openPage(address);
      await page.workspace();
      const { id } = await page.document("file-open", { path: events });
      const drafts = Array.from({ length: 20 }, (_, i) => handler(`edit ${i + 1}`));
      const ids = drafts.map((source) => page.send("draft", { id, source }));
      // Killed with drafts still arriving: the tenth is on disk, later ones may be too.
      await page.reply(ids[9]!);
      child.kill("SIGKILL");
      await child.exited;

      await using host = await startFilesHost(workspace.dir);
      const restored = (await (await openPage(host)).workspace()).document;
      expect({
        ...restored,
        source: drafts.indexOf(restored.source) >= 9 ? "edit 10 or later" : restored.source,
      }).toEqual({
        id,
        path: events,
        name: "events.ts",
        untitled: false,
        source: "edit 10 or later",
        dirty: true,
        revision: expect.any(Number),
      });
      expect(await read(events)).toBe(handler("disk"));
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("kill -9 during autosave, 2 × 20 rounds (an opened file and an untitled snippet): nothing acknowledged is lost, nothing is torn", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const events = join(project.dir, "events.ts");
    await writeFile(events, handler("disk"));
    await using pageFiles = await createTestPage();
    const rounds = 20;
    const outcomes: string[] = [];
    for (const kind of ["file", "untitled"] as const) {
      for (let round = 0; round < rounds; round++) {
        const child = Bun.spawn(
          [process.execPath, join(import.meta.dir, "fixtures/files-host-fixture.ts"), pageFiles.dir],
          { env: { ...process.env, STREAM_PLAYGROUND_HOME: workspace.dir }, stdout: "pipe", stderr: "inherit" },
        );
        try {
          const reader = child.stdout.getReader();
          const address = JSON.parse(new TextDecoder().decode((await reader.read()).value)) as HostAddress;
          const page = await openPage(address);
          const start = (await page.workspace()).document;
          const id =
            kind === "file"
              ? (await page.document("file-open", { path: events })).id
              : start.untitled
                ? start.id
                : (await page.document("file-new", {})).id;
          // Large drafts, so a kill lands inside a write as often as between them.
          const drafts = Array.from(
            { length: 30 },
            (_, i) => `${handler(`${kind} ${round} edit ${i + 1}`)}// ${"x".repeat(200_000)}\n`,
          );
          const sent = drafts.map((source) => page.send("draft", { id, source }));
          const acknowledged = 5 + ((round * 7) % 20);
          await page.reply(sent[acknowledged - 1]!);
          child.kill("SIGKILL");
          await child.exited;
          await using host = await startFilesHost(workspace.dir);
          const restored = (await (await openPage(host)).workspace()).document;
          const index = drafts.indexOf(restored.source);
          outcomes.push(
            index >= acknowledged - 1
              ? "kept"
              : index === -1
                ? "torn or lost"
                : `older (${index + 1} < ${acknowledged})`,
          );
          expect({ id: restored.id, kept: index >= acknowledged - 1 }).toEqual({ id, kept: true });
        } finally {
          child.kill("SIGKILL");
        }
      }
    }
    console.log(
      `kill -9 during autosave: ${outcomes.filter((o) => o === "kept").length} of ${outcomes.length} rounds kept every acknowledged edit`,
    );
    expect(await read(events)).toBe(handler("disk"));
  }, 120_000);

  test("after a restart the last document comes back, and reopening a file brings its draft back", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const [first, second] = await snippetFiles(project.dir, 2);
    let firstId = "";
    {
      await using host = await startFilesHost(workspace.dir);
      const page = await openPage(host);
      await page.workspace();
      firstId = (await page.document("file-open", { path: first! })).id;
      await page.request("draft", { id: firstId, source: "// unsaved\n" });
      await page.document("file-open", { path: second! });
    }
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    const state = await page.workspace();
    expect({ document: { ...state.document, id: "" }, recent: state.recent }).toEqual({
      document: {
        id: "",
        path: second!,
        name: "f02.ts",
        untitled: false,
        source: handler(second!),
        dirty: false,
        revision: expect.any(Number),
      },
      recent: [second!, first!],
    });
    expect(await page.document("file-open", { path: first! })).toEqual({
      id: firstId,
      path: first!,
      name: "f01.ts",
      untitled: false,
      source: "// unsaved\n",
      dirty: true,
      revision: expect.any(Number),
    });
  });

  test("a file deleted while the playground was closed comes back from its draft as an untitled snippet that says so", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const gone = join(project.dir, "gone.ts");
    await writeFile(gone, handler("disk"));
    let id = "";
    {
      await using host = await startFilesHost(workspace.dir);
      const page = await openPage(host);
      await page.workspace();
      id = (await page.document("file-open", { path: gone })).id;
      await page.request("draft", { id, source: "// rescued\n" });
    }
    await rm(gone);
    await using host = await startFilesHost(workspace.dir);
    const state = await (await openPage(host)).workspace();
    const untitled = join(workspace.dir, "untitled-1.ts");
    expect({
      document: state.document,
      file: await read(untitled),
      drafts: await readdir(join(workspace.dir, "drafts")),
    }).toEqual({
      document: {
        id,
        path: untitled,
        name: "gone.ts (deleted)",
        untitled: true,
        source: "// rescued\n",
        dirty: false,
        revision: expect.any(Number),
      },
      file: "// rescued\n",
      drafts: ["index.json"],
    });
  });
});

describe("watching the open file", () => {
  test("a change by another program is taken when there are no edits, and the runner serves it, whether written in place or renamed over", async () => {
    await using opened = await startWithFileOpen("served.ts", "one");
    const { projectDir, path: served, host, page, id } = opened;
    const changes: {
      how: string;
      pushed: PushPayload<HostPushes>;
      loaded: { kind: string; source: string };
      serves: string;
    }[] = [];
    const edits: [string, () => Promise<void>][] = [
      ["in place", () => writeFile(served, handler("two"))],
      // As many editors save: a new file renamed over the old one (a new inode).
      [
        "renamed over",
        async () => {
          await writeFile(join(projectDir, ".served.ts.swp"), handler("three"));
          await rename(join(projectDir, ".served.ts.swp"), served);
        },
      ],
      ["in place after the rename", () => writeFile(served, handler("four"))],
    ];
    for (const [how, edit] of edits) {
      const from = page.messages.length;
      await edit();
      const pushed = await page.push("file-changed", from);
      const loaded = await page.push("load-result", from);
      changes.push({
        how,
        pushed,
        loaded: { kind: loaded.event.kind, source: loaded.source },
        serves: await (await fetch(host.session.runnerUrl)).text(),
      });
    }
    expect(changes).toEqual([
      {
        how: "in place",
        pushed: { type: "file-changed", id, source: handler("two"), conflict: false },
        loaded: { kind: "loaded", source: handler("two") },
        serves: "two",
      },
      {
        how: "renamed over",
        pushed: { type: "file-changed", id, source: handler("three"), conflict: false },
        loaded: { kind: "loaded", source: handler("three") },
        serves: "three",
      },
      {
        how: "in place after the rename",
        pushed: { type: "file-changed", id, source: handler("four"), conflict: false },
        loaded: { kind: "loaded", source: handler("four") },
        serves: "four",
      },
    ]);
    expect(host.session.workspace()?.document).toEqual({
      id,
      path: served,
      name: "served.ts",
      untitled: false,
      source: handler("four"),
      dirty: false,
      revision: expect.any(Number),
    });
  });

  test("with unsaved edits a change is a conflict that overwrites nothing; mine keeps the edits, theirs takes the file and loads it", async () => {
    await using opened = await startWithFileOpen("events.ts", "disk");
    const { workspaceDir, path: events, host, page, id } = opened;
    const draft = join(workspaceDir, "drafts", `${id}.ts`);
    await page.request("draft", { id, source: handler("mine") });

    let from = page.messages.length;
    await writeFile(events, handler("theirs"));
    const conflict = await page.push("file-changed", from);
    const untouched = await read(draft);
    const mine = await page.request("file-conflict-resolve", { id, keep: "mine" });
    const keptDraft = await read(draft);

    await writeFile(events, handler("theirs again"));
    await page.push("file-changed", from + 1);
    from = page.messages.length;
    const theirs = await page.request("file-conflict-resolve", { id, keep: "theirs" });
    const loaded = await page.push("load-result", from);
    expect({
      conflict,
      untouched,
      mine,
      keptDraft,
      theirs,
      loaded: { kind: loaded.event.kind, source: loaded.source },
      serves: await (await fetch(host.session.runnerUrl)).text(),
      drafts: await readdir(join(workspaceDir, "drafts")),
    }).toEqual({
      conflict: { type: "file-changed", id, source: handler("theirs"), conflict: true },
      untouched: handler("mine"),
      mine: {
        type: "document",
        document: {
          id,
          path: events,
          name: "events.ts",
          untitled: false,
          source: handler("mine"),
          dirty: true,
          revision: expect.any(Number),
        },
        recent: [events],
      },
      keptDraft: handler("mine"),
      theirs: {
        type: "document",
        document: {
          id,
          path: events,
          name: "events.ts",
          untitled: false,
          source: handler("theirs again"),
          dirty: false,
          revision: expect.any(Number),
        },
        recent: [events],
      },
      loaded: { kind: "loaded", source: handler("theirs again") },
      serves: "theirs again",
      drafts: ["index.json"],
    });
  });

  test("a file deleted while open keeps its text in a draft: it is dirty, and a restart brings the text back", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const events = join(project.dir, "events.ts");
    await writeFile(events, handler("only copy"));
    const dirty = Promise.withResolvers<void>();
    let id = "";
    {
      await using host = await startFilesHost(workspace.dir, {
        onTitle: (title) => title.includes("•") && dirty.resolve(),
      });
      const page = await openPage(host);
      await page.workspace();
      id = (await page.document("file-open", { path: events })).id;
      await rm(events);
      await dirty.promise;
      expect({
        unsaved: host.session.hasUnsavedChanges(),
        draft: await read(join(workspace.dir, "drafts", `${id}.ts`)),
      }).toEqual({ unsaved: true, draft: handler("only copy") });
    }
    await using host = await startFilesHost(workspace.dir);
    expect((await (await openPage(host)).workspace()).document).toEqual({
      id,
      path: join(workspace.dir, "untitled-1.ts"),
      name: "events.ts (deleted)",
      untitled: true,
      source: handler("only copy"),
      dirty: false,
      revision: expect.any(Number),
    });
  });

  test("a burst of writes is looked at once, after the last of them (a trailing debounce)", async () => {
    await using opened = await startWithFileOpen("events.ts", "0");
    const { path: events, page, id } = opened;
    for (let i = 1; i <= 20; i++) await writeFile(events, handler(String(i)));
    await page.push("file-changed");
    // A later change is the marker: a second look at the burst would have come before it.
    await writeFile(events, handler("marker"));
    await page.push("file-changed", page.messages.findIndex((m) => m.payload?.type === "file-changed") + 1);
    expect(page.pushes("file-changed")).toEqual([
      { type: "file-changed", id, source: handler("20"), conflict: false },
      { type: "file-changed", id, source: handler("marker"), conflict: false },
    ]);
  });

  test("our own saves cause no file-changed", async () => {
    // A short debounce, so the saves' own events are looked at before the outside change below.
    await using opened = await startWithFileOpen("events.ts", "one", { watchDebounceMs: 5 });
    const { path: events, page, id } = opened;
    for (const text of ["two", "three", "four"]) await page.request("file-save", { id, source: handler(text) });
    // An outside change is the marker: had a save been taken for one, its file-changed (with our
    // own text) would have come first.
    await writeFile(events, handler("outside"));
    // With so short a debounce, an outside write may also be looked at halfway (the file's text cut
    // short): the whole of it is the one that counts.
    const outside = { type: "file-changed" as const, id, source: handler("outside"), conflict: false };
    await page.until(() => page.pushes("file-changed").find((push) => push.source === outside.source));
    const ours = ["one", "two", "three", "four"].map(handler);
    expect({
      last: page.pushes("file-changed").at(-1),
      ours: page.pushes("file-changed").filter((push) => ours.includes(push.source)),
    }).toEqual({ last: outside, ours: [] });
  });
});

describe("settings and recent files", () => {
  test("settings-set merges, tells every page, and the settings persist across sessions", async () => {
    await using workspace = await createTempDir("files-ws-");
    {
      await using host = await startFilesHost(workspace.dir);
      const page = await openPage(host);
      const other = await openPage(host);
      await page.workspace();
      expect(await page.request("settings-set", { settings: { theme: "dark" } })).toEqual({
        settings: { ...defaultSettings, theme: "dark" },
      });
      const window = { width: 1200, height: 800, x: 10, y: -20 };
      expect(await page.request("settings-set", { settings: { autoRun: true, checkTypes: false, window } })).toEqual({
        settings: { theme: "dark", autoRun: true, checkTypes: false, defaultClient: "stream", window },
      });
      await other.until(() => (other.pushes("settings").length === 2 ? true : undefined));
    }
    await using host = await startFilesHost(workspace.dir);
    expect((await (await openPage(host)).workspace()).settings).toEqual({
      theme: "dark",
      autoRun: true,
      checkTypes: false,
      defaultClient: "stream",
      window: { width: 1200, height: 800, x: 10, y: -20 },
    });
  });

  test("a setting that does not check out is refused and nothing changes", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const send = (settings: unknown) =>
      page.outcome("settings-set", { settings } as PageRequests["settings-set"]["request"]);
    const malformed = (message: string) => ({
      error: { kind: "malformed" as const, message: `malformed message: settings-set.settings.${message}` },
    });
    expect([
      await send({ theme: "blue" }),
      await send({ autoRun: "yes" }),
      await send({ checkTypes: "off" }),
      await send({ window: { width: 0, height: 1, x: 0, y: 0 } }),
      await send({ fontSize: 12 }),
    ]).toEqual([
      malformed("theme must be one of system, light, dark"),
      malformed("autoRun must be true or false"),
      malformed("checkTypes must be true or false"),
      malformed(
        "window must be { width, height, x, y } in whole pixels (width and height 1 or more, all within ±100000)",
      ),
      malformed("fontSize is not a setting"),
    ]);
    expect(host.session.workspace()?.settings).toEqual(defaultSettings);
  });

  test("recent files are newest first, each once, at most 10, only real files, and they persist", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    const files = await snippetFiles(project.dir, 12);
    {
      await using host = await startFilesHost(workspace.dir);
      const page = await openPage(host);
      await page.workspace();
      for (const path of files) await page.document("file-open", { path });
      await page.document("file-open", { path: files[4]! });
      // An untitled snippet is no recent file.
      const reply = await page.request("file-new", {});
      expect(reply.type === "document" && reply.recent).toEqual([4, 11, 10, 9, 8, 7, 6, 5, 3, 2].map((i) => files[i]!));
    }
    await rm(files[11]!);
    await using host = await startFilesHost(workspace.dir);
    expect((await (await openPage(host)).workspace()).recent).toEqual(
      [4, 10, 9, 8, 7, 6, 5, 3, 2].map((i) => files[i]!),
    );
  });
});

describe("folders", () => {
  test("file-list shows folders first, then snippets by name, no dotfiles, with the parent", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using project = await createTempDir("files-project-");
    for (const folder of ["src", "lib", ".git"]) await mkdir(join(project.dir, folder));
    for (const name of [
      "b.ts",
      "a10.js",
      "a2.mjs",
      "c.tsx",
      "d.mts",
      "notes.txt",
      "package.json",
      ".hidden.ts",
      ".b.ts.0123456789ab.partial",
    ])
      await writeFile(join(project.dir, name), "");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const entry = (name: string, directory = false) => ({ name, path: join(project.dir, name), directory });
    expect(await page.request("file-list", { dir: project.dir })).toEqual({
      dir: project.dir,
      parent: tmpdir(),
      entries: [
        entry("lib", true),
        entry("src", true),
        entry("a2.mjs"),
        entry("a10.js"),
        entry("b.ts"),
        entry("c.tsx"),
        entry("d.mts"),
      ],
    });
  });

  test("file-list of the workspace is the default and hides its drafts; a missing folder or a file is refused", async () => {
    await using workspace = await createTempDir("files-ws-");
    await using host = await startFilesHost(workspace.dir);
    const page = await openPage(host);
    await page.workspace();
    const file = join(workspace.dir, "untitled-1.ts");
    expect([
      await page.outcome("file-list", {}),
      await page.outcome("file-list", { dir: join(workspace.dir, "missing") }),
      await page.outcome("file-list", { dir: file }),
    ]).toEqual([
      {
        reply: {
          dir: workspace.dir,
          parent: tmpdir(),
          entries: [{ name: "untitled-1.ts", path: file, directory: false }],
        },
      },
      { error: { kind: "failed", message: `There is no folder at ${join(workspace.dir, "missing")}.` } },
      { error: { kind: "failed", message: `${file} is not a folder.` } },
    ]);
  });
});

describe("the window title", () => {
  test("onTitle follows the document's name and marks unsaved edits", async () => {
    const titles: string[] = [];
    await using opened = await startWithFileOpen("events.ts", "disk", { onTitle: (title) => titles.push(title) });
    const { path: events, host, page, id } = opened;
    await page.request("draft", { id, source: handler("edited") });
    await page.request("draft", { id, source: handler("edited more") });
    const unsaved = host.session.hasUnsavedChanges();
    await host.session.saveAll();
    expect({ titles, unsaved, saved: host.session.hasUnsavedChanges(), file: await read(events) }).toEqual({
      titles: [
        "Untitled 1 — Stream Playground",
        "events.ts — Stream Playground",
        "events.ts • — Stream Playground",
        "events.ts — Stream Playground",
      ],
      unsaved: true,
      saved: false,
      file: handler("edited more"),
    });
  });
});

describe("two windows on one snippet", () => {
  test("an edit reaches the other window; an edit made beside it is refused with the host's text, until the window chooses", async () => {
    await using opened = await startWithFileOpen("shared.ts", "one");
    const { host, id, path } = opened;
    const a = opened.page;
    const b = await openPage(host);
    const start = (await b.workspace()).document;
    expect(start.id).toBe(id);
    const r0 = start.revision;

    // A edits: taken, and B is told.
    const fromB = b.messages.length;
    const taken = await a.request("draft", { id, source: handler("a1"), base: r0 });
    if (taken.type !== "taken") throw new Error("A's edit was not taken");
    expect(taken.revision).toBeGreaterThan(r0);
    expect(await b.push("edited", fromB)).toEqual({
      type: "edited",
      id,
      source: handler("a1"),
      revision: taken.revision,
    });

    // B had typed on r0 before the push came: refused, with A's text; A's edit is what the host keeps.
    expect(await b.request("draft", { id, source: handler("b1"), base: r0 })).toEqual({
      type: "edited-elsewhere",
      id,
      source: handler("a1"),
      revision: taken.revision,
    });
    // A save made on r0 is refused the same way, and the file is not written.
    expect(await b.request("file-save", { id, source: handler("b1"), base: r0 })).toEqual({
      type: "edited-elsewhere",
      id,
      source: handler("a1"),
      revision: taken.revision,
    });
    expect(await read(path)).toBe(handler("one"));

    // B chooses to keep its edits: taken over A's, and A is told.
    const fromA = a.messages.length;
    const kept = await b.request("draft", { id, source: handler("b1") });
    if (kept.type !== "taken") throw new Error("B's kept edit was not taken");
    expect(kept.revision).toBeGreaterThan(taken.revision);
    expect(await a.push("edited", fromA)).toEqual({
      type: "edited",
      id,
      source: handler("b1"),
      revision: kept.revision,
    });

    // A saves on the revision it now has: written, and a new page opens on what was saved.
    expect(await a.request("file-save", { id, source: handler("b1"), base: kept.revision })).toMatchObject({
      type: "document",
      document: { source: handler("b1"), dirty: false },
    });
    expect(await read(path)).toBe(handler("b1"));
    const c = await openPage(host);
    expect((await c.workspace()).document.source).toBe(handler("b1"));
  });

  test("an edit that changes nothing is taken without telling anyone", async () => {
    await using opened = await startWithFileOpen("same.ts", "one");
    const { host, id } = opened;
    const b = await openPage(host);
    const { revision } = (await b.workspace()).document;
    const from = b.messages.length;
    expect(await opened.page.request("draft", { id, source: handler("one"), base: revision })).toEqual({
      type: "taken",
      revision,
    });
    await opened.page.request("draft", { id, source: handler("two"), base: revision });
    // The only push B gets is the change.
    const edited = await b.push("edited", from);
    expect(b.pushes("edited", from)).toEqual([edited]);
    expect(edited.source).toBe(handler("two"));
  });
});
