import { describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAtomicTempName, listFolder, removeLeftoverTempFiles, writeFileAtomic } from "../src/main/files/index.ts";
import { atomicWriteContents } from "./fixtures/atomic-write-contents.ts";

const fixture = join(import.meta.dir, "fixtures/atomic-write-fixture.ts");

async function tempFolder() {
  const dir = await mkdtemp(join(tmpdir(), "files-atomic-"));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts the fixture rewriting `path`; resolves once its first write is done and its loop runs. */
async function startRewriting(path: string) {
  const child = Bun.spawn([process.execPath, fixture, path], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toBe("ready\n");
  reader.releaseLock();
  return child;
}

describe("atomic writes", () => {
  test("a writer killed at random moments always leaves one complete content, never a truncated or mixed one", async () => {
    await using folder = await tempFolder();
    const path = join(folder.dir, "snippet.ts");
    await writeFile(path, atomicWriteContents[0]);
    const seen = new Set<number>();
    for (let round = 0; round < 40; round++) {
      const child = await startRewriting(path);
      // The kill lands at a random point of the loop: most of a write's ~4 ms is spent writing
      // and flushing the temporary file, so many kills hit a write half done.
      const { promise: killed, resolve } = Promise.withResolvers<void>();
      setTimeout(() => {
        child.kill("SIGKILL");
        resolve();
      }, Math.random() * 40);
      await killed;
      await child.exited;
      const text = await readFile(path, "utf8");
      const index = atomicWriteContents.indexOf(text as (typeof atomicWriteContents)[number]);
      expect({ round, complete: index !== -1, length: text.length }).toEqual({
        round,
        complete: true,
        length: atomicWriteContents[index]?.length ?? -1,
      });
      seen.add(index);
    }
    const leftovers = (await readdir(folder.dir)).filter(isAtomicTempName);
    expect({
      // Both contents were there at some kill: the writer really ran between kills.
      seen: [...seen].sort(),
      // Some kills hit a write half done (about three in four do): each left its temporary file.
      killedMidWrite: leftovers.length > 0,
      // Temporary files a kill left behind are dotfiles, which a listing skips.
      listing: await listFolder(folder.dir),
      removed: await removeLeftoverTempFiles(folder.dir),
      after: await readdir(folder.dir),
    }).toEqual({
      seen: [0, 1],
      killedMidWrite: true,
      listing: { dir: folder.dir, parent: tmpdir(), entries: [{ name: "snippet.ts", path, directory: false }] },
      removed: leftovers.length,
      after: ["snippet.ts"],
    });
  }, 60_000);

  test("a write replaces the file's text and keeps its mode; a new file gets the mode asked for", async () => {
    await using folder = await tempFolder();
    const existing = join(folder.dir, "script.mjs");
    await writeFile(existing, "old", { mode: 0o755 });
    await writeFileAtomic(existing, "new");
    const fresh = join(folder.dir, "private.json");
    await writeFileAtomic(fresh, "{}", 0o600);
    const mode = async (path: string) => (await Bun.file(path).stat()).mode & 0o777;
    expect({
      text: await readFile(existing, "utf8"),
      mode: await mode(existing),
      fresh: await mode(fresh),
      names: (await readdir(folder.dir)).sort(),
    }).toEqual({
      text: "new",
      mode: 0o755,
      fresh: 0o600,
      names: ["private.json", "script.mjs"],
    });
  });

  test("a write through a symlink replaces the file it points at and keeps the link", async () => {
    await using folder = await tempFolder();
    const real = join(folder.dir, "real.ts");
    const link = join(folder.dir, "link.ts");
    await writeFile(real, "old");
    await symlink(real, link);
    await writeFileAtomic(link, "new");
    expect({ real: await readFile(real, "utf8"), link: await readlink(link) }).toEqual({ real: "new", link: real });
  });

  test("a write into a folder that does not exist fails and leaves nothing", async () => {
    await using folder = await tempFolder();
    const path = join(folder.dir, "missing", "snippet.ts");
    await expect(writeFileAtomic(path, "x")).rejects.toThrow("ENOENT");
    expect(await readdir(folder.dir)).toEqual([]);
  });
});
