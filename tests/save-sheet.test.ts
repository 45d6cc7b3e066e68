import { describe, expect, test } from "bun:test";
import { serverFileName } from "../src/webview/export-menu.ts";
import { folderOf, joinPath, nameProblem, startFolder } from "../src/webview/save-sheet.ts";

describe("the save sheet", () => {
  test("starts where the kind was last saved, else beside the open file, else at home", () => {
    const home = "/home/ada";
    expect([
      startFolder("server", { remembered: { server: "/srv/exports" }, openFile: "/code/events.ts", homeDir: home }),
      startFolder("timeline", { remembered: { server: "/srv/exports" }, openFile: "/code/events.ts", homeDir: home }),
      startFolder("timeline", { remembered: {}, openFile: undefined, homeDir: home }),
      startFolder("image", { remembered: {}, openFile: "/root.ts", homeDir: home }),
    ]).toEqual(["/srv/exports", "/code", home, "/"]);
  });

  test("joins a folder and a name, and refuses names that are not one file's", () => {
    expect([joinPath("/", "a.ts"), joinPath("/tmp", "a.ts"), folderOf("/tmp/x/a.ts")]).toEqual([
      "/a.ts",
      "/tmp/a.ts",
      "/tmp/x",
    ]);
    expect(["", "a/b.ts", "..", "x".repeat(256), "server.ts"].map(nameProblem)).toEqual([
      "Give the file a name.",
      "A name cannot hold a folder; choose the folder below.",
      '".." is not a file name.',
      "That name is longer than a file system allows (255 characters).",
      undefined,
    ]);
  });

  test("offers a server file named after the snippet it came from", () => {
    expect(["events.ts", "chat.mjs", "my handler.tsx", undefined].map(serverFileName)).toEqual([
      "events.server.ts",
      "chat.server.ts",
      "my handler.server.ts",
      "server.ts",
    ]);
  });
});
