import { describe, expect, test } from "bun:test";
import { checkPageMessage } from "../src/main/page-messages.ts";

const id = "0b6f8a8e-3f7e-4c53-9f41-2a1f5f0c8d11";
const check = (payload: unknown) => checkPageMessage({ id: 7, payload });

describe("file messages from a page", () => {
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
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "file-new" } } },
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "file-open", path: "/home/me/events.ts" } } },
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "file-list", dir: undefined } } },
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "file-save", id, source: "x", path: "/home/me/copy.ts" } } },
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "draft", id, source: "x" } } },
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "file-conflict-resolve", id, keep: "theirs" } } },
      { ok: true, message: { id: 7, replyId: undefined, payload: { type: "settings-set", settings: { theme: "light", defaultClient: "eventsource" } } } },
    ]);
  });

  test("relative or oversized paths, ids that are not file names, huge sources and unknown choices are refused", () => {
    const problem = (payload: unknown) => {
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
      problem({ type: "file-save-dialog", id }),
      problem({ type: "file-conflict-resolve", id, keep: "both" }),
      problem({ type: "settings-set", settings: [] }),
      problem({ type: "settings-set", settings: { defaultClient: "curl" } }),
    ]).toEqual([
      "file-open.path must be an absolute path (at most 4096 characters)",
      "file-open.path must be an absolute path (at most 4096 characters)",
      "file-open.path must be an absolute path (at most 4096 characters)",
      "file-list.dir must be an absolute path (at most 4096 characters) when present",
      "file-save.id must be a document id",
      "file-save.path must be an absolute path (at most 4096 characters) when present",
      "draft.source must be a string of at most 4194304 characters",
      "draft.source must be a string of at most 4194304 characters",
      "file-save-dialog.source must be a string of at most 4194304 characters",
      "file-conflict-resolve.keep must be mine or theirs",
      "settings-set: settings must be an object",
      "settings-set: settings.defaultClient must be one of stream, eventsource, browser",
    ]);
  });
});
