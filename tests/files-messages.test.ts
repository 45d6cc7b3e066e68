import { describe, expect, test } from "bun:test";
import {
  clientKinds,
  savedFileKinds,
  pageRequestChecks,
  runCheck,
  type Check,
  type PageRequests,
  type TypeOf,
} from "../src/contract/index.ts";

const id = "0b6f8a8e-3f7e-4c53-9f41-2a1f5f0c8d11";
const check = (payload: { type: TypeOf<PageRequests> } & Record<string, unknown>) =>
  runCheck<unknown>(pageRequestChecks[payload.type].request as Check<unknown>, payload);

describe("file requests from a page", () => {
  test("well-formed ones are rebuilt field by field, extra fields dropped", () => {
    expect([
      check({ type: "file-new", extra: 1 }),
      check({ type: "file-open", path: "/home/me/events.ts" }),
      check({ type: "file-list" }),
      check({ type: "file-save", id, source: "x", path: "/home/me/copy.ts" }),
      check({ type: "draft", id, source: "x" }),
      check({ type: "file-conflict-resolve", id, keep: "theirs" }),
      check({ type: "settings-set", settings: { theme: "light", defaultClient: "eventsource" } }),
    ]).toEqual([
      { ok: true, value: {} },
      { ok: true, value: { path: "/home/me/events.ts" } },
      { ok: true, value: {} },
      { ok: true, value: { id, source: "x", path: "/home/me/copy.ts" } },
      { ok: true, value: { id, source: "x" } },
      { ok: true, value: { id, keep: "theirs" } },
      { ok: true, value: { settings: { theme: "light", defaultClient: "eventsource" } } },
    ]);
  });

  test("relative or oversized paths, ids that are not file names, huge sources and unknown choices are refused", () => {
    const problem = (payload: { type: TypeOf<PageRequests> } & Record<string, unknown>) => {
      const result = check(payload);
      return result.ok ? "accepted" : result.problem;
    };
    expect([
      problem({ type: "file-open", path: "events.ts" }),
      problem({ type: "file-open", path: `/${"a".repeat(5000)}.ts` }),
      problem({ type: "file-open", path: "/tmp/a\0b.ts" }),
      problem({ type: "file-list", dir: "../elsewhere" }),
      problem({ type: "file-save", id: "../../etc/passwd", source: "x" }),
      problem({ type: "file-save", id, source: "x", path: "copy.ts" }),
      problem({ type: "draft", id, source: "x".repeat(4 * 1024 * 1024 + 1) }),
      problem({ type: "draft", id, source: 42 }),
      problem({ type: "save-copy", path: "server.ts", kind: "server", text: "x" }),
      problem({ type: "save-copy", path: "/tmp/server.ts", kind: "elsewhere", text: "x" }),
      problem({ type: "settings-set", settings: { folders: { server: "exports" } } }),
      problem({ type: "file-conflict-resolve", id, keep: "both" }),
      problem({ type: "settings-set", settings: [] }),
      problem({ type: "settings-set", settings: { defaultClient: "curl" } }),
      problem({ type: "settings-set", settings: JSON.parse(`{"__proto__": {"theme": "dark"}}`) }),
    ]).toEqual([
      "path must be an absolute path (at most 4096 characters)",
      "path must be an absolute path (at most 4096 characters)",
      "path must be an absolute path (at most 4096 characters)",
      "dir must be an absolute path (at most 4096 characters)",
      "id must be a document id",
      "path must be an absolute path (at most 4096 characters)",
      "source must be a string of at most 4194304 characters",
      "source must be a string",
      "path must be an absolute path (at most 4096 characters)",
      `kind must be one of ${savedFileKinds.join(", ")}`,
      "settings.folders.server must be an absolute path (at most 4096 characters)",
      "keep must be one of mine, theirs",
      "settings must be an object",
      `settings.defaultClient must be one of ${clientKinds.join(", ")}`,
      "settings.__proto__ is not a setting",
    ]);
  });
});
