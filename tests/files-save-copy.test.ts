import { describe, expect, test } from "bun:test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openWorkspaceFiles, type FileDialogs } from "../src/main/files/index.ts";
import { createTempDir } from "./support/temp-dir.ts";

/** Dialogs that answer from lists and record what they were asked. */
function scriptedDialogs(answers: { save: (string | undefined)[]; replace: boolean[] }) {
  const asked: string[] = [];
  const dialogs: FileDialogs = {
    openFile: async () => undefined,
    saveFile: async ({ suggestedName, startIn }) => {
      asked.push(`save ${suggestedName} in ${startIn}`);
      return answers.save.shift();
    },
    confirmReplace: async (path) => {
      asked.push(`replace ${path}?`);
      return answers.replace.shift() ?? false;
    },
  };
  return { dialogs, asked };
}

describe("saving a copy (exports) with the system dialog", () => {
  test("writes where the user chose, asks before replacing, and a declined replace writes nothing", async () => {
    await using workspace = await createTempDir("copy-ws-");
    await using target = await createTempDir("copy-target-");
    const fresh = join(target.dir, "server.ts");
    const taken = join(target.dir, "taken.ts");
    await writeFile(taken, "old\n");
    const { dialogs, asked } = scriptedDialogs({ save: [fresh, taken, taken, undefined], replace: [false, true] });
    const files = await openWorkspaceFiles({ workspaceDir: workspace.dir, dialogs });
    try {
      const results = [
        await files.saveCopy("server.ts", "export default 1;\n"),
        await files.saveCopy("taken.ts", "new\n"),
        await readFile(taken, "utf8"),
        await files.saveCopy("taken.ts", new TextEncoder().encode("new\n")),
        await files.saveCopy("server.ts", "never written\n"),
      ];
      expect({ results, fresh: await readFile(fresh, "utf8"), taken: await readFile(taken, "utf8"), asked }).toEqual({
        results: [fresh, undefined, "old\n", taken, undefined],
        fresh: "export default 1;\n",
        taken: "new\n",
        asked: [
          `save server.ts in ${workspace.dir}`,
          `save taken.ts in ${workspace.dir}`,
          `replace ${taken}?`,
          `save taken.ts in ${workspace.dir}`,
          `replace ${taken}?`,
          `save server.ts in ${workspace.dir}`,
        ],
      });
    } finally {
      await files.close();
    }
  });

  test("a folder that is gone is reported as such, not as a success", async () => {
    await using workspace = await createTempDir("copy-ws-");
    const missing = join(workspace.dir, "no-such-folder", "server.ts");
    const { dialogs } = scriptedDialogs({ save: [missing], replace: [] });
    const files = await openWorkspaceFiles({ workspaceDir: workspace.dir, dialogs });
    try {
      await expect(files.saveCopy("server.ts", "x")).rejects.toThrow(
        `Could not write ${missing}: its folder does not exist.`,
      );
    } finally {
      await files.close();
    }
  });

  test("without system dialogs (browser mode) it is refused", async () => {
    await using workspace = await createTempDir("copy-ws-");
    const files = await openWorkspaceFiles({ workspaceDir: workspace.dir });
    try {
      await expect(files.saveCopy("server.ts", "x")).rejects.toThrow("no system dialogs in browser mode");
    } finally {
      await files.close();
    }
  });
});
