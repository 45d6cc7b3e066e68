import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { waitFor } from "./support/desktop-session.ts";
import { connect } from "node:net";
import { refusalFor } from "../src/runner/process-guard.ts";
import { isOwnHost, withoutHostCookies } from "../src/runner/request-guard.ts";
import { kind } from "./support/event-log.ts";
import { runnerPerTest } from "./support/test-runner.ts";
import { inlineSnippetPath, ofKind } from "./support/timeline.ts";

const startRunner = runnerPerTest();

/** This process's group, from /proc (the test machines are Linux). */
function ownProcessGroup(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

/**
 * A handler that signals `target` (SIGURG: ignored by default, so a guard that failed would harm nothing) and reports
 * what happened.
 */
const signalling = (target: string) => `export default () => {
  try {
    process.kill(${target}, "SIGURG");
    return new Response("signalled");
  } catch (error) {
    return new Response("refused: " + error.message, { status: 403 });
  }
};`;

/** One HTTP/1.1 request with exactly the `Host` given, as a DNS-rebinding page's browser would send it. */
function rawRequest(port: number, host: string): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const socket = connect(port, "127.0.0.1", () =>
    socket.end(`GET /secret HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
  );
  let received = "";
  socket.on("data", (chunk) => (received += chunk.toString()));
  socket.on("end", () => resolve(received));
  socket.on("error", reject);
  return promise;
}

describe("the playground's own processes are off limits", () => {
  test.each([
    [
      "the host",
      "process.ppid",
      () => `process.kill(${process.pid}) is refused: that is the playground's host process.`,
    ],
    [
      "the runner itself",
      "process.pid",
      (runnerPid: number) =>
        `process.kill(${runnerPid}) is refused: that is the playground's runner, the process serving this snippet.`,
    ],
    [
      "the runner's own process group (0)",
      "0",
      () => "process.kill(0) is refused: 0 means the runner's own process group, the runner included.",
    ],
    [
      "every process (-1)",
      "-1",
      () => "process.kill(-1) is refused: -1 means every process you may signal, the playground's own included.",
    ],
    [
      "the host's process group",
      String(-ownProcessGroup()),
      () =>
        `process.kill(${-ownProcessGroup()}) is refused: ${-ownProcessGroup()} means the process group of the playground's host or runner.`,
    ],
  ])("signalling %s is refused at the snippet's line and shown on the timeline", async (_name, target, message) => {
    const { runner, log } = await startRunner();
    await runner.load(signalling(target), inlineSnippetPath);
    const refusal = log.next(kind("log"));
    const response = await fetch(runner.url);
    const text = `${message(runner.pid!)} A snippet may signal processes it started, not the playground's own.`;
    expect({ status: response.status, body: await response.text(), log: await refusal }).toMatchObject({
      status: 403,
      body: `refused: ${text}`,
      log: { kind: "log", level: "error", text, line: 3 },
    });
  });

  test("a pid object whose valueOf answers the host's pid only the second time is refused, not signalled", async () => {
    const { runner } = await startRunner();
    // A pid no process can have (2^22 + 1, above Linux's largest pid_max) for the check, the host's for the kill.
    await runner.load(
      signalling(`{ calls: 0, valueOf() { return this.calls++ === 0 ? 4194305 : process.ppid; } }`),
      inlineSnippetPath,
    );
    const response = await fetch(runner.url);
    // Whatever the first answer was, the number checked is the one signalled: no such process, and the host lives on.
    expect({ status: response.status, body: await response.text() }).toEqual({
      status: 403,
      body: "refused: kill() failed: ESRCH: No such process",
    });
  });

  test("the runner's channel to the host is hidden from the snippet, as under plain bun", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `let heard = 0;
process.on("message", () => heard++);
export default () => Response.json({
  send: typeof process.send,
  disconnect: typeof process.disconnect,
  channel: typeof process.channel,
  connected: process.connected,
  heard,
});`,
      inlineSnippetPath,
    );
    const answer = await (await fetch(runner.url)).json();
    expect(answer).toEqual({
      send: "undefined",
      disconnect: "undefined",
      channel: "undefined",
      connected: false,
      heard: 0,
    });
    // The runner still answers the host: another load goes through.
    const again = await runner.load(`export default () => new Response("still here");`, inlineSnippetPath);
    expect({ kind: again.kind, body: await (await fetch(runner.url)).text() }).toEqual({
      kind: "loaded",
      body: "still here",
    });
    expect(ofKind(log.events, "uncaught")).toEqual([]);
  });

  test("a refusal the snippet does not catch is the request's error event, with its line", async () => {
    const { runner, log } = await startRunner();
    await runner.load(
      `export default () => {\n  process.kill(process.ppid);\n  return new Response("unreachable");\n};`,
      inlineSnippetPath,
    );
    const error = log.next(kind("error"));
    const response = await fetch(runner.url);
    expect({ status: response.status, error: await error }).toMatchObject({
      status: 500,
      error: {
        during: "handler",
        line: 2,
        message: `process.kill(${process.pid}) is refused: that is the playground's host process. A snippet may signal processes it started, not the playground's own.`,
      },
    });
  });

  test("at the top level, the refusal fails the load at its line and the previous version keeps serving", async () => {
    const { runner } = await startRunner();
    await runner.load(`export default () => new Response("good");`, inlineSnippetPath);
    const failed = await runner.load(
      `// signal the host\nprocess.kill(process.ppid, "SIGTERM");\nexport default () => new Response("never");`,
      inlineSnippetPath,
    );
    expect(failed).toMatchObject({ kind: "load-error", failure: "top-level-throw", line: 2, serving: 1 });
    expect(await (await fetch(runner.url)).text()).toBe("good");
  });

  test("a process the snippet spawned can still be signalled", async () => {
    const { runner } = await startRunner();
    await runner.load(
      `export default async () => {
  const child = Bun.spawn(["sleep", "30"]);
  process.kill(child.pid, "SIGTERM");
  await child.exited;
  return new Response(String(child.signalCode));
};`,
      inlineSnippetPath,
    );
    expect(await (await fetch(runner.url)).text()).toBe("SIGTERM");
  });

  test("what a snippet spawns ends with its runner: on a restart and on a stop", async () => {
    const { runner, log } = await startRunner();
    // A duration no other process uses, so a scan of /proc finds these and only these.
    const seconds = `${1000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const sleepers = () =>
      readdirSync("/proc").filter((entry) => {
        try {
          return /^\d+$/.test(entry) && readFileSync(`/proc/${entry}/cmdline`, "latin1") === `sleep\0${seconds}\0`;
        } catch {
          return false;
        }
      });
    await runner.load(
      `for (let i = 0; i < 5; i++) Bun.spawn(["sleep", "${seconds}"]);
export default () => {
  setTimeout(() => process.exit(3), 10);
  return new Response("bye");
};`,
      inlineSnippetPath,
    );
    // A child is `sleep` once it has exec'd, a moment after Bun.spawn returns.
    const before = await waitFor("five sleepers", () => (sleepers().length === 5 ? sleepers() : undefined), 5_000);
    // process.exit: the runner is replaced, and reloading the version spawns five new ones.
    const restarted = log.next((event) => event.kind === "restarted");
    await fetch(runner.url);
    await restarted;
    await waitFor("the new runner's children", () => (sleepers().length === 5 ? true : undefined), 5_000);
    expect(sleepers().filter((pid) => before.includes(pid))).toEqual([]);
    await runner.stop();
    await waitFor("every child to end with the runner", () => (sleepers().length === 0 ? true : undefined), 5_000);
  });

  test("which targets are refused", () => {
    const own = { runnerPid: 200, hostPid: 100, groups: () => new Set([50]) };
    const refused = (target: number) => refusalFor(target, own) !== undefined;
    expect([100, 200, 0, -1, -50, -100, -200, 300, -300, 1].map((target) => [target, refused(target)])).toEqual([
      [100, true],
      [200, true],
      [0, true],
      [-1, true],
      [-50, true],
      [-100, true],
      [-200, true],
      [300, false],
      [-300, false],
      [1, false],
    ]);
  });
});

describe("requests the runner refuses or cleans", () => {
  const echo = `export default (req) => {
  console.log("served", req.headers.get("host"));
  return new Response("cookie=" + req.headers.get("cookie"));
};`;

  test("a Host that is not the runner's own loopback address is refused before the snippet runs", async () => {
    const { runner, log } = await startRunner();
    await runner.load(echo, inlineSnippetPath);
    const port = runner.port;
    const [rebound, own, localhost] = await Promise.all([
      rawRequest(port, `attacker.example:${port}`),
      rawRequest(port, `127.0.0.1:${port}`),
      rawRequest(port, `LOCALHOST:${port}`),
    ]);
    await runner.settle(1_000);
    expect({
      rebound: [rebound.split("\r\n")[0], rebound.slice(rebound.indexOf("\r\n\r\n") + 4)],
      own: own.split("\r\n")[0],
      localhost: localhost.split("\r\n")[0],
      // Only the two allowed requests reached the snippet.
      requests: ofKind(log.events, "request").length,
    }).toEqual({
      rebound: [
        "HTTP/1.1 403 Forbidden",
        `Forbidden: the playground's runner answers only to 127.0.0.1, localhost, [::1], not "attacker.example:${port}".\n`,
      ],
      own: "HTTP/1.1 200 OK",
      localhost: "HTTP/1.1 200 OK",
      requests: 2,
    });
  });

  test("before any snippet loads, a foreign Host is refused too", async () => {
    const { runner } = await startRunner();
    const reply = await rawRequest(runner.port, "attacker.example");
    expect(reply.split("\r\n")[0]).toBe("HTTP/1.1 403 Forbidden");
  });

  test("the host's cookies never reach the snippet, nor the timeline", async () => {
    const { runner, log } = await startRunner();
    await runner.load(echo, inlineSnippetPath);
    const withOthers = await (
      await fetch(runner.url, {
        headers: { cookie: "stream-playground-4321=launch-secret; theme=dark; stream-playground-1=other-secret" },
      })
    ).text();
    const onlyHost = await (
      await fetch(runner.url, { headers: { cookie: "stream-playground-4321=launch-secret" } })
    ).text();
    await runner.settle(1_000);
    expect({ withOthers, onlyHost, leaked: JSON.stringify(log.events).includes("secret") }).toEqual({
      withOthers: "cookie=theme=dark",
      onlyHost: "cookie=null",
      leaked: false,
    });
  });

  test("cookie and host rules, one by one", () => {
    expect([
      withoutHostCookies("stream-playground-1=a"),
      withoutHostCookies("a=1; stream-playground-2=b;b=2"),
      withoutHostCookies("stream-playgroundish=1"),
      isOwnHost("127.0.0.1:80"),
      isOwnHost("LOCALHOST:80"),
      // A dev server's proxy passes on its own Host.
      isOwnHost("localhost:5173"),
      isOwnHost("[::1]:80"),
      isOwnHost("127.0.0.1"),
      isOwnHost("127.0.0.1.attacker.example"),
      isOwnHost("localhost:80@attacker.example"),
      isOwnHost("attacker.example:80"),
      isOwnHost(null),
    ]).toEqual([
      undefined,
      "a=1; b=2",
      "stream-playgroundish=1",
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
