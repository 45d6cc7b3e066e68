import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openClient } from "../src/clients/index.ts";
import type { TimelineEvent } from "../src/contract/index.ts";
import { kind } from "./support/event-log.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { inlineSnippetPath } from "./support/timeline.ts";

const startRunner = runnerPerTest();

const spinOrExit = `export default function (req: Request) {
  const path = new URL(req.url).pathname;
  if (path === "/spin") {
    while (true) {}
  }
  if (path === "/exit") {
    process.exit(3);
  }
  return new Response("fine");
}`;

/** A request whose connection the runner's death resets. */
const doomed = (url: string) =>
  fetch(url).then(
    () => "answered",
    () => "reset",
  );

describe("watchdog", () => {
  test("a handler that blocks the event loop is detected, the runner restarted on the same port, the snippet reloaded", async () => {
    const { runner, log } = await startRunner();
    await runner.load(spinOrExit, inlineSnippetPath);
    const port = runner.port;
    const restarted = log.next(kind("restarted"));
    const started = performance.now();
    expect(await doomed(`${runner.url}spin`)).toBe("reset");
    const event = await restarted;
    // Detection within a second is the contract; the restart itself adds a few ms.
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(event).toMatchObject({ cause: "blocked", version: 1 });
    expect(event.reason).toContain("GET /spin");
    expect(runner.port).toBe(port);
    expect(await (await fetch(runner.url)).text()).toBe("fine");
  });

  test("a runner whose IPC messages wait unread is not taken for blocked while its pulse beats; with no pulse either, it is", async () => {
    const { runner, log } = await startRunner({
      entry: join(import.meta.dir, "fixtures/unread-ipc-runner-fixture.ts"),
    });
    await runner.load("v1", inlineSnippetPath);
    // From here the fixture's heartbeats reach the host only through its pulse file.
    await runner.load("v2", inlineSnippetPath);
    const pid = runner.pid;
    await Bun.sleep(2_000);
    expect(log.events.filter(kind("restarted"))).toEqual([]);
    expect(runner.pid).toBe(pid);
    expect(await (await fetch(runner.url)).text()).toBe("v2");
    // And from here not even that: the watchdog must still act.
    const restarted = log.next(kind("restarted"));
    const started = performance.now();
    await runner.load("v3", inlineSnippetPath);
    expect(await restarted).toMatchObject({ cause: "blocked", version: 3 });
    expect(performance.now() - started).toBeLessThan(1_500);
  }, 10_000);

  test("a host busy reading a flood of WebSocket echoes does not restart the runner serving them", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `export default {
  fetch(req: Request, server: Bun.Server<undefined>) {
    return server.upgrade(req) ? undefined : new Response("upgrade", { status: 426 });
  },
  websocket: {
    backpressureLimit: 512 * 1024 * 1024,
    message(ws: Bun.ServerWebSocket<undefined>, message: string | Buffer) {
      ws.send(message);
    },
  },
};`,
      inlineSnippetPath,
    );
    const messages = 100_000;
    const payload = "x".repeat(1024);
    // The client runs in this process, the runner's host: its reading keeps the host busy, as the
    // playground's own clients do. On a slow machine that left IPC unread for over 800 ms in about
    // one round in three, and the runner was restarted as blocked (the client closed with 1006).
    for (let round = 0; round < 5; round++) {
      let echoed = 0;
      const ended = Promise.withResolvers<string>();
      const opened = Promise.withResolvers<void>();
      const client = openClient({
        lane: 1,
        url: runner.url.replace(/^http/, "ws"),
        client: "websocket",
        now: () => performance.now(),
        emit: (event: TimelineEvent) => {
          if (event.side !== "client") return;
          if (event.kind === "ws-open") opened.resolve();
          if (event.kind === "ws-close") ended.resolve(`closed after ${echoed} echoes (code ${event.code})`);
          if (event.kind === "ws-message") echoed++;
          if (event.kind === "folded" && event.of === "ws-message") echoed += event.count;
          if (echoed === messages) ended.resolve("all echoed");
        },
      });
      await opened.promise;
      for (let i = 0; i < messages; i++) client.messages!.send(payload);
      expect(await ended.promise).toBe("all echoed");
      client.disconnect();
      await client.done;
    }
    expect(log.events.filter(kind("restarted"))).toEqual([]);
  }, 60_000);

  test("a crash loop is one cause repeating: three exits in 5 s stop the reload, two blocks and an exit do not", async () => {
    const restartsAfter = async (paths: string[]) => {
      const { runner, log } = await startRunner();
      await runner.load(spinOrExit, inlineSnippetPath);
      const events = [];
      for (const path of paths) {
        const restarted = log.next(kind("restarted"));
        await doomed(`${runner.url}${path}`);
        events.push(await restarted);
      }
      const last = events.at(-1)!;
      const serving = await fetch(runner.url).then((response) => response.status);
      return {
        cause: last.cause,
        version: last.version,
        sameCause: last.reason.includes("for the same cause"),
        serving,
      };
    };
    expect(await restartsAfter(["exit", "exit", "exit"])).toEqual({
      cause: "exit",
      version: undefined,
      sameCause: true,
      serving: 503,
    });
    expect(await restartsAfter(["spin", "spin", "exit"])).toEqual({
      cause: "exit",
      version: 1,
      sameCause: false,
      serving: 200,
    });
  }, 30_000);

  test("process.exit is reported with its line and the runner comes back", async () => {
    const { runner, log } = await startRunner();
    await runner.load(spinOrExit, inlineSnippetPath);
    const restarted = log.next(kind("restarted"));
    expect(await doomed(`${runner.url}exit`)).toBe("reset");
    expect(await restarted).toMatchObject({ cause: "exit", line: 7, version: 1 });
    expect(await (await fetch(runner.url)).text()).toBe("fine");
  });

  test("top-level code that blocks fails its load and the last good version serves again", async () => {
    const { runner, log } = await startRunner();
    await runner.load(`export default () => new Response("good");`, inlineSnippetPath);
    const restarted = log.next(kind("restarted"));
    const failed = await runner.load(`while (true) {}\nexport default () => new Response("never");`, inlineSnippetPath);
    expect(failed).toMatchObject({ kind: "load-error", failure: "runner-lost", serving: 1 });
    expect(await restarted).toMatchObject({ cause: "blocked", version: 1 });
    expect(await (await fetch(runner.url)).text()).toBe("good");
  });

  test("process.exit at the top level fails the load with its line", async () => {
    const { runner } = await startRunner();
    await runner.load(`export default () => new Response("good");`, inlineSnippetPath);
    const failed = await runner.load(
      `\nprocess.exit(1);\nexport default () => new Response("never");`,
      inlineSnippetPath,
    );
    expect(failed).toMatchObject({ kind: "load-error", failure: "runner-lost", line: 2, serving: 1 });
    expect(await (await fetch(runner.url)).text()).toBe("good");
  });

  test("a throw in a snippet's timer is reported and the runner keeps serving", async () => {
    const { runner, log } = await startRunner();
    const uncaught = log.next(kind("uncaught"));
    await runner.load(
      `setTimeout(() => {\n  throw new Error("late failure");\n}, 1);\nexport default () => new Response("still here");`,
      inlineSnippetPath,
    );
    expect(await uncaught).toMatchObject({ message: "Error: late failure", line: 2 });
    expect(await (await fetch(runner.url)).text()).toBe("still here");
  });
});
