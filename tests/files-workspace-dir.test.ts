import { describe, expect, test } from "bun:test";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultWorkspaceDir, ensureWorkspaceDir, resolveWorkspaceDir } from "../src/main/workspace.ts";

// Every case names its own home and environment: nothing here reads or writes the real home.
const home = "/home/someone";

describe("where the workspace lives", () => {
  test("the user's data folder of each platform", () => {
    expect({
      linux: defaultWorkspaceDir({ platform: "linux", env: {}, home }),
      xdg: defaultWorkspaceDir({ platform: "linux", env: { XDG_DATA_HOME: "/data/me" }, home }),
      relativeXdg: defaultWorkspaceDir({ platform: "linux", env: { XDG_DATA_HOME: "data" }, home }),
      macos: defaultWorkspaceDir({ platform: "darwin", env: {}, home }),
      windows: defaultWorkspaceDir({ platform: "win32", env: { APPDATA: "/appdata" }, home }),
    }).toEqual({
      linux: "/home/someone/.local/share/stream-playground",
      xdg: "/data/me/stream-playground",
      // The XDG spec says a relative path there is invalid and to be ignored.
      relativeXdg: "/home/someone/.local/share/stream-playground",
      macos: "/home/someone/Library/Application Support/Stream Playground",
      windows: join("/appdata", "Stream Playground"),
    });
  });

  test("a session's workspaceDir wins over STREAM_PLAYGROUND_HOME, which wins over the default", () => {
    const env = { STREAM_PLAYGROUND_HOME: "/custom/home" };
    expect({
      explicit: resolveWorkspaceDir("/explicit", { env, platform: "linux", home }),
      fromEnv: resolveWorkspaceDir(undefined, { env, platform: "linux", home }),
      fallback: resolveWorkspaceDir(undefined, { env: {}, platform: "linux", home }),
    }).toEqual({
      explicit: "/explicit",
      fromEnv: "/custom/home",
      fallback: "/home/someone/.local/share/stream-playground",
    });
  });

  test("the folder is made private to the user", async () => {
    const parent = await mkdtemp(join(tmpdir(), "files-dir-"));
    try {
      const dir = await ensureWorkspaceDir(join(parent, "nested", "workspace"));
      expect({ dir, mode: (await stat(dir)).mode & 0o777 }).toEqual({
        dir: join(parent, "nested", "workspace"),
        mode: 0o700,
      });
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
