import { describe, expect, test } from "bun:test";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openWorkspaceFiles, type FileDialogs } from "../src/main/files/index.ts";
import { createTempDir } from "./support/temp-dir.ts";

/** The desktop app's dialogs, as far as saving goes: there are none, but their presence means desktop mode. */
const dialogs: FileDialogs = { openFile: async () => undefined };

describe("saving a copy (exports) where the save sheet says", () => {
  test("writes a new file, leaves one that is there unless replacing was agreed, and writes bytes as they are", async () => {
    await using workspace = await createTempDir("copy-ws-");
    await using target = await createTempDir("copy-target-");
    const fresh = join(target.dir, "events.server.ts");
    const taken = join(target.dir, "taken.png");
    await writeFile(taken, "old\n");
    const files = await openWorkspaceFiles({ workspaceDir: workspace.dir, dialogs });
    try {
      const results = [
        await files.saveCopy(fresh, "export default 1;\n", { kind: "server" }),
        await files.saveCopy(taken, new Uint8Array([0x89, 0x50]), { kind: "image" }),
        await readFile(taken, "utf8"),
        await files.saveCopy(taken, new Uint8Array([0x89, 0x50]), { kind: "image", replace: true }),
      ];
      expect({ results, fresh: await readFile(fresh, "utf8"), taken: [...(await readFile(taken))] }).toEqual({
        results: [
          { type: "saved", path: fresh },
          { type: "exists", path: taken },
          "old\n",
          { type: "saved", path: taken },
        ],
        fresh: "export default 1;\n",
        taken: [0x89, 0x50],
      });
    } finally {
      await files.close();
    }
  });

  test("each kind starts where it was last saved, kept across launches; before that beside the open file, else at home, never in the workspace", async () => {
    await using workspace = await createTempDir("copy-ws-");
    await using home = await createTempDir("copy-home-");
    await using exports = await createTempDir("copy-exports-");
    const open = async () => openWorkspaceFiles({ workspaceDir: workspace.dir, dialogs, homeDir: home.dir });
    const first = await open();
    let before: string[];
    try {
      before = [first.startFolder("server"), first.startFolder("recording")];
      await first.saveCopy(join(exports.dir, "server.ts"), "x", { kind: "server" });
    } finally {
      await first.close();
    }
    const second = await open();
    try {
      const project = join(home.dir, "project");
      await mkdir(project);
      await writeFile(join(project, "events.ts"), "export default () => new Response('hi');\n");
      await second.open(join(project, "events.ts"));
      expect({
        before,
        after: [second.startFolder("server"), second.startFolder("recording"), second.startFolder("snippet")],
      }).toEqual({ before: [home.dir, home.dir], after: [exports.dir, project, project] });
    } finally {
      await second.close();
    }
  });

  test("a folder that is gone, a path that is a folder and a relative path are each said as such", async () => {
    await using workspace = await createTempDir("copy-ws-");
    const files = await openWorkspaceFiles({ workspaceDir: workspace.dir, dialogs });
    const missing = join(workspace.dir, "no-such-folder", "server.ts");
    try {
      await expect(files.saveCopy(missing, "x", { kind: "server" })).rejects.toThrow(
        `Could not write ${missing}: its folder does not exist.`,
      );
      await expect(files.saveCopy(workspace.dir, "x", { kind: "server" })).rejects.toThrow(
        `${workspace.dir} is a folder; choose a file name inside it.`,
      );
      await expect(files.saveCopy("server.ts", "x", { kind: "server" })).rejects.toThrow(
        'A file path must be absolute, not "server.ts".',
      );
    } finally {
      await files.close();
    }
  });

  test("without system dialogs (browser mode) it is refused: the browser downloads", async () => {
    await using workspace = await createTempDir("copy-ws-");
    const files = await openWorkspaceFiles({ workspaceDir: workspace.dir });
    try {
      await expect(files.saveCopy(join(workspace.dir, "server.ts"), "x", { kind: "server" })).rejects.toThrow(
        "no system dialogs in browser mode",
      );
    } finally {
      await files.close();
    }
  });
});
