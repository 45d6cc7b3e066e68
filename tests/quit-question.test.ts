import { describe, expect, test } from "bun:test";
import { createQuitQuestion } from "../src/main/quit-question.ts";

describe("the quit question", () => {
  test("is put to the pages once while it waits, and every asker gets the first answer", async () => {
    let asked = 0;
    const quit = createQuitQuestion({ ask: () => asked++ });
    const first = quit.ask();
    const second = quit.ask();
    quit.answer("cancel");
    quit.answer("save");
    expect(await Promise.all([first, second])).toEqual(["cancel", "cancel"]);
    expect(asked).toBe(1);
  });

  test("keeps a draft when no page answers in time, and is asked afresh after an answer", async () => {
    let asked = 0;
    const quit = createQuitQuestion({ ask: () => asked++, timeoutMs: 5 });
    expect(await quit.ask()).toBe("draft");
    const again = quit.ask();
    quit.answer("save");
    expect(await again).toBe("save");
    expect(asked).toBe(2);
  });

  test("an answer with no question asked answers nothing", async () => {
    const quit = createQuitQuestion({ ask: () => {}, timeoutMs: 5 });
    quit.answer("save");
    expect(await quit.ask()).toBe("draft");
  });
});
