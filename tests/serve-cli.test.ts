/**
 * `stream-playground serve`: a snippet served to clients the playground does not drive. What they
 * get is compared with plain Bun serving the same file (read with `node:http`, `fetch` and the
 * official `openai` client); what the timeline says of them is held to what they got.
 */

import { describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import http from "node:http";
import OpenAI from "openai";
import { parseRecording, type TimelineEvent } from "../src/contract/index.ts";
import { freePort, startCommand } from "./support/command.ts";
import { waitFor } from "./support/desktop-session.ts";
import { answerOf, startOracle } from "./support/oracle.ts";
import { createTempDir } from "./support/temp-dir.ts";

const root = join(import.meta.dir, "..");
const bin = join(root, "bin", "stream-playground.js");
const openaiFixture = join(import.meta.dir, "fixtures", "wire", "openai-chat-stream.ts");

const chatRequest = {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "gpt-test", stream: true, messages: [{ role: "user", content: "hi" }] }),
};

/** `stream-playground serve FILE ARGS` with its own workspace, as a terminal starts it. */
async function serve(file: string, args: string[], home: string) {
  const command = startCommand("node", [bin, "serve", file, ...args], {
    env: { STREAM_PLAYGROUND_HOME: home, NO_COLOR: "1" },
  });
  await command.line("stderr", (text) => text.startsWith("serve: serving"));
  return command;
}

const eventsOf = (lines: { text: string }[]) =>
  lines.filter((line) => line.text.startsWith("{")).map((line) => JSON.parse(line.text) as TimelineEvent);

/** The body of a GET as it arrives, chunk by chunk, read with `node:http`. */
function streamOf(url: string) {
  const chunks: string[] = [];
  const firstChunk = Promise.withResolvers<void>();
  const done = new Promise<string>((resolve, reject) => {
    http
      .get(url, (response) => {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          chunks.push(chunk);
          firstChunk.resolve();
        });
        response.on("end", () => resolve(chunks.join("")));
        response.on("error", reject);
      })
      .on("error", reject);
  });
  return { firstChunk: firstChunk.promise, done };
}

const stoppedMidStream = join(import.meta.dir, "fixtures", "endings", "stopped-mid-stream.ts");
const stopOracle = join(import.meta.dir, "fixtures", "endings", "stop-oracle.ts");

/** How a client read with `node:http` saw a stream end: the body it got, and whether it was cut. */
function cutStreamOf(url: string) {
  const firstChunk = Promise.withResolvers<void>();
  const ended = new Promise<{ body: string; complete: boolean; error: string | undefined }>((resolve, reject) => {
    let body = "";
    let error: string | undefined;
    http
      .get(url, (response) => {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
          firstChunk.resolve();
        });
        response.on("error", (failure: NodeJS.ErrnoException) => {
          error = failure.code ?? failure.message;
        });
        response.on("close", () => resolve({ body, complete: response.complete, error }));
      })
      .on("error", reject);
  });
  return { firstChunk: firstChunk.promise, ended };
}

describe("serve", () => {
  test("outside clients get plain Bun's bytes, each connection on its own lane, and Ctrl+C ends every process", async () => {
    await using home = await createTempDir("serve-home-");
    const port = freePort();
    await using served = await serve(openaiFixture, ["--port", String(port), "--json"], home.dir);
    await using oracle = await startOracle(openaiFixture);
    const origin = `http://localhost:${port}/`;

    // node:http shows the wire bytes; fetch and the openai client read as an app would.
    const path = "/v1/chat/completions";
    const [played, plain] = await Promise.all([
      answerOf(new URL(path, origin).href, chatRequest),
      answerOf(new URL(path, oracle.url).href, chatRequest),
    ]);
    expect(played).toEqual(plain);
    const fetched = async (base: string) => (await fetch(new URL(path, base), chatRequest)).text();
    expect(await fetched(origin)).toBe(await fetched(oracle.url));
    const sdk = async (base: string) => {
      const client = new OpenAI({ apiKey: "test", baseURL: new URL("/v1", base).href, maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: "gpt-test",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      return text;
    };
    const [sdkPlayed, sdkPlain] = await Promise.all([sdk(origin), sdk(oracle.url)]);
    expect(sdkPlayed).toBe(sdkPlain);

    // Three requests, each ended, printed as they happened.
    await waitFor(
      "three ended requests",
      () => (eventsOf(served.stdout).filter((e) => e.kind === "end").length === 3 ? true : undefined),
      10_000,
    );
    const running = served.running().map((p) => p.command);
    served.interrupt();
    expect(await served.exited).toBe(0);
    await waitFor(
      "every process serve started to end",
      () => (served.running().length === 0 ? true : undefined),
      10_000,
    );
    expect(running.some((command) => command.includes("runner-process.ts"))).toBe(true);

    const events = eventsOf(served.stdout);
    const requests = events.filter((event) => event.kind === "request");
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      // Each outside request names where it came from, and its lane opens with that client.
      expect(request.from).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(request.lane).toBeGreaterThan(0);
      const opens = events.filter((event) => event.kind === "open" && event.lane === request.lane);
      expect(opens.map((open) => (open.kind === "open" ? open.outside : undefined))).toEqual([request.from]);
    }
    // A lane per connection: as many lanes as client addresses.
    const lanes = new Set(requests.map((request) => request.lane));
    expect(lanes.size).toBe(new Set(requests.map((request) => request.from)).size);
    expect(lanes.size).toBeGreaterThanOrEqual(2);
    // The server's side of each is what the client got.
    for (const end of events.filter((event) => event.kind === "end"))
      expect(end.kind === "end" && end.bytes).toBe(Buffer.byteLength(played.body));
    expect(events.at(-1)).toMatchObject({ kind: "summary", counts: { request: 3, end: 3, open: lanes.size } });
  }, 60_000);

  test("every save reloads the file, while a stream opened before the save finishes on its own version", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-snippet-");
    const file = join(folder.dir, "ticks.ts");
    const snippet = (word: string) => `export default {
  fetch() {
    const body = async function* () {
      for (let i = 1; i <= 6; i++) {
        yield \`data: ${word} \${i}\\n\\n\`;
        await Bun.sleep(150);
      }
    };
    return new Response(body(), { headers: { "content-type": "text/event-stream" } });
  },
};
`;
    await Bun.write(file, snippet("one"));
    const port = freePort();
    await using served = await serve(file, ["--port", String(port), "--json"], home.dir);

    const first = streamOf(`http://127.0.0.1:${port}/events`);
    await first.firstChunk;
    await Bun.write(file, snippet("two"));
    await waitFor(
      "v2 to load",
      () => (eventsOf(served.stdout).some((e) => e.kind === "loaded" && e.version === 2) ? true : undefined),
      10_000,
    );
    const second = await streamOf(`http://127.0.0.1:${port}/events`).done;
    expect(await first.done).toBe([1, 2, 3, 4, 5, 6].map((i) => `data: one ${i}\n\n`).join(""));
    expect(second).toBe([1, 2, 3, 4, 5, 6].map((i) => `data: two ${i}\n\n`).join(""));

    served.interrupt();
    expect(await served.exited).toBe(0);
    const events = eventsOf(served.stdout);
    const loadedV2 = events.find((e) => e.kind === "loaded" && e.version === 2)!;
    const [firstRequest, secondRequest] = events.filter((e) => e.kind === "request");
    const firstEnd = events.find((e) => e.kind === "end" && e.requestId === firstRequest!.requestId)!;
    // The reload happened while the first stream was open, and did not end it.
    expect(firstRequest!.t).toBeLessThan(loadedV2.t);
    expect(firstEnd.t).toBeGreaterThan(loadedV2.t);
    expect(firstEnd).toMatchObject({ version: 1, writes: 6 });
    expect(secondRequest).toMatchObject({ version: 2 });
    expect(events.some((e) => e.kind === "abort" || e.kind === "restarted")).toBe(false);
  }, 60_000);

  test("a file removed leaves its last version serving, says so, and loads again once written back", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-removed-");
    const file = join(folder.dir, "answer.ts");
    const snippet = (word: string) => `export default () => new Response(${JSON.stringify(word)});\n`;
    await Bun.write(file, snippet("one"));
    const port = freePort();
    await using served = await serve(file, ["--port", String(port), "--json"], home.dir);
    const answer = async () => (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(await answer()).toBe("one");
    await rm(file);
    const said = await served.line("stderr", (text) => text.includes("is gone"), 10_000);
    expect(said).toBe(
      `serve: ${file} is gone (removed or renamed); the version that last loaded keeps serving, and the file loads again once it is back`,
    );
    expect(await answer()).toBe("one");
    await Bun.write(file, snippet("two"));
    await waitFor(
      "v2 to load",
      () => (eventsOf(served.stdout).some((e) => e.kind === "loaded" && e.version === 2) ? true : undefined),
      10_000,
    );
    expect(await answer()).toBe("two");
    served.interrupt();
    expect(await served.exited).toBe(0);
  }, 30_000);

  test("--expect and --record report at Ctrl+C: the recording opens, a broken expectation exits 1", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-expect-");
    const expectFile = join(folder.dir, "served.expect.json");
    const recordFile = join(folder.dir, "served.recording.jsonl");
    await Bun.write(
      expectFile,
      JSON.stringify({
        version: 1,
        expect: [
          { name: "the stream ends", happens: { kind: "end" } },
          { name: "nobody calls", never: { kind: "request" } },
        ],
      }),
    );
    const port = freePort();
    await using served = await serve(
      openaiFixture,
      ["--port", String(port), "--expect", expectFile, "--record", recordFile],
      home.dir,
    );
    const answer = await answerOf(`http://127.0.0.1:${port}/v1/chat/completions`, chatRequest);
    expect(answer.status).toBe(200);
    await waitFor(
      "the request to end",
      () => (served.stdout.some((l) => / end /.test(l.text)) ? true : undefined),
      10_000,
    );
    served.interrupt();
    expect(await served.exited).toBe(1);
    const report = served.stderr.map((line) => line.text).join("\n");
    expect(report).toContain("the stream ends");
    expect(report).toContain("nobody calls");
    const recording = parseRecording(await Bun.file(recordFile).text());
    if (!recording.ok) throw new Error(recording.problem);
    expect(recording.recording.header?.versions[0]?.source).toBe(await Bun.file(openaiFixture).text());
    expect(recording.recording.events.filter((event) => event.kind === "request")).toHaveLength(1);
  }, 60_000);

  test("--version after the command and its file prints the package's version and exits 0", async () => {
    await using home = await createTempDir("serve-home-");
    const { version } = (await Bun.file(join(root, "package.json")).json()) as { version: string };
    await using command = startCommand("node", [bin, "serve", openaiFixture, "--version"], {
      env: { STREAM_PLAYGROUND_HOME: home.dir },
    });
    expect(await command.exited).toBe(0);
    expect(command.stdout.map((line) => line.text)).toEqual([version]);
  }, 30_000);

  test("a negative number is refused in the command's own words, written --port -1 or --port=-1", async () => {
    await using home = await createTempDir("serve-home-");
    const refused = async (...args: string[]) => {
      await using command = startCommand("node", [bin, "serve", openaiFixture, ...args], {
        env: { STREAM_PLAYGROUND_HOME: home.dir, NO_COLOR: "1" },
      });
      return [await command.exited, command.stderr[0]?.text];
    };
    expect(
      await Promise.all([refused("--port", "-1"), refused("--port=-1"), refused("--cleanup-grace", "-5")]),
    ).toEqual([
      [2, '--port takes a port number (0 to 65535), not "-1"'],
      [2, '--port takes a port number (0 to 65535), not "-1"'],
      [2, '--cleanup-grace takes a non-negative number, not "-5"'],
    ]);
  }, 30_000);

  test("a --record file that cannot be written is a usage error, said in one line before serving starts", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-record-");
    const notAFolder = join(folder.dir, "not-a-folder.txt");
    await Bun.write(notAFolder, "a file");
    const recordFile = join(notAFolder, "served.recording.jsonl");
    await using command = startCommand("node", [bin, "serve", openaiFixture, "--port", "0", "--record", recordFile], {
      env: { STREAM_PLAYGROUND_HOME: home.dir, NO_COLOR: "1" },
    });
    expect(await command.exited).toBe(2);
    expect(command.stderr[0]?.text).toBe(
      `--record ${recordFile} cannot be written: ${notAFolder} is a file, not a folder`,
    );
  }, 30_000);

  test("a recording that cannot be written at Ctrl+C is said after the report, and exits 1", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-record-");
    const recordFile = join(folder.dir, "served.recording.jsonl");
    // The snippet takes the recording's path for a folder of its own while it serves.
    const file = join(folder.dir, "takes-the-path.ts");
    await Bun.write(
      file,
      `import { mkdirSync } from "node:fs";
mkdirSync(${JSON.stringify(recordFile)});
export default () => new Response("ok");
`,
    );
    const expectFile = join(folder.dir, "served.expect.json");
    await Bun.write(
      expectFile,
      JSON.stringify({ version: 1, expect: [{ name: "nobody calls", never: { kind: "request" } }] }),
    );
    await using served = await serve(file, ["--port", "0", "--expect", expectFile, "--record", recordFile], home.dir);
    served.interrupt();
    expect(await served.exited).toBe(1);
    const stderr = served.stderr.map((line) => line.text);
    expect(stderr.some((line) => line.includes("✓ 1  nobody calls"))).toBe(true);
    expect(stderr.at(-1)).toStartWith(`serve: could not write the recording to ${recordFile}: `);
  }, 30_000);

  test("a file that does not load is said to, answers 503, and serves once a save fixes it", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-broken-");
    const file = join(folder.dir, "broken.ts");
    await Bun.write(file, 'export default () => new Response("fixed";\n');
    const port = freePort();
    await using served = startCommand("node", [bin, "serve", file, "--port", String(port)], {
      env: { STREAM_PLAYGROUND_HOME: home.dir, NO_COLOR: "1" },
    });
    expect(await served.line("stderr", (text) => text.includes("broken.ts did not load"))).toContain(
      'line 1: Expected ")" but found ";"',
    );
    expect(await served.line("stdout", (text) => / load-error +v1 syntax at 1:42/.test(text))).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(503);
    await Bun.write(file, 'export default () => new Response("fixed");\n');
    await served.line("stdout", (text) => / loaded +v2 /.test(text));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("fixed");
    served.interrupt();
    expect(await served.exited).toBe(0);
  }, 30_000);

  test("a port another server holds is refused with exit 1, saying so", async () => {
    await using home = await createTempDir("serve-home-");
    using holder = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") });
    const command = startCommand("node", [bin, "serve", openaiFixture, "--port", String(holder.port)], {
      env: { STREAM_PLAYGROUND_HOME: home.dir },
    });
    await using _cleanup = command;
    expect(await command.exited).toBe(1);
    expect(command.stderr.map((line) => line.text).join("\n")).toContain(`port ${holder.port} is taken`);
    await waitFor("every process to end", () => (command.running().length === 0 ? true : undefined), 10_000);
  }, 30_000);

  test("the serving line's Try command, pasted into a shell, gets the snippet's stream: its lesson's request, curl at its SSE route, a WebSocket client for a chat or a framework's socket route", async () => {
    await using home = await createTempDir("serve-home-");
    const examples = join(root, "assets", "examples");
    const frameworks = join(import.meta.dir, "fixtures", "frameworks");
    const cases = [
      // A lesson's own try line, query and all.
      {
        file: join(examples, "03-sse-generator.ts"),
        command: /^curl -N 'http:\/\/localhost:\d+\/events\?no-timeout-fix'$/,
        prints: "data: hello",
      },
      // A POST with the JSON body the lesson's endpoint asks for.
      {
        file: join(examples, "16-llm-chat-stream.ts"),
        command:
          /^curl -N -X POST -H 'content-type: application\/json' -d '\{.*"stream":true.*\}' http:\/\/localhost:\d+\/v1\/chat\/completions$/,
        prints: 'data: {"id":"chatcmpl-',
      },
      {
        file: join(examples, "15-websocket-chat.ts"),
        command: /^bun -e '.*ws:\/\/localhost:\d+\/chat/,
        prints: "guest 1 joined",
      },
      // No lesson: the route is read from the snippet.
      { file: join(frameworks, "hono.ts"), command: /^curl -N http:\/\/localhost:\d+\/sse$/, prints: "data: tick 0" },
      {
        file: join(frameworks, "hono-ws.ts"),
        command: /^bun -e '.*ws:\/\/localhost:\d+\/ws"/,
        prints: "hello from hono",
      },
      {
        file: join(frameworks, "elysia-ws.ts"),
        command: /^bun -e '.*ws:\/\/localhost:\d+\/ws"/,
        prints: "hello from elysia",
      },
    ];
    for (const { file, command, prints } of cases) {
      await using served = await serve(file, ["--port", String(freePort())], home.dir);
      const said = served.stderr.find((line) => line.text.startsWith("serve: serving"))?.text ?? "";
      const suggested = / Try: (.*)$/.exec(said)?.[1] ?? "";
      expect({ file, suggested }).toEqual({ file, suggested: expect.stringMatching(command) });
      // Run as printed; `bun` is where `npm install` put it, as in a terminal of this project.
      await using shell = startCommand("sh", ["-c", suggested], {
        env: { PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` },
      });
      const printed = await shell
        .line("stdout", (text) => text.startsWith(prints), 10_000)
        .catch((error: unknown) => `nothing like it: ${error instanceof Error ? error.message : String(error)}`);
      expect({ file, printed: printed.slice(0, prints.length) }).toEqual({ file, printed: prints });
      served.interrupt();
      expect(await served.exited).toBe(0);
    }
  }, 90_000);

  test("without --port, the port the snippet names is used", async () => {
    await using home = await createTempDir("serve-home-");
    await using folder = await createTempDir("serve-named-");
    const port = freePort();
    const file = join(folder.dir, "named.ts");
    await Bun.write(file, `Bun.serve({ port: ${port}, fetch: () => new Response("named port") });\n`);
    await using served = await serve(file, [], home.dir);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("named port");
    // Served where it asked to be, so nothing is said about its port being ignored.
    served.interrupt();
    expect(await served.exited).toBe(0);
    expect(served.stdout.map((line) => line.text).join("\n")).not.toContain("ignored");
  }, 30_000);

  test("Ctrl+C with a stream open ends it as plain Bun's server.stop(true) does, and the timeline tells the abort, the cancel and its cleanup", async () => {
    await using home = await createTempDir("serve-home-");
    await using oracle = startCommand(process.execPath, [stopOracle, stoppedMidStream]);
    const announced = await oracle.line("stdout", (text) => text.startsWith('{"port":'));
    const oraclePort = (JSON.parse(announced) as { port: number }).port;
    const port = freePort();
    await using served = await serve(stoppedMidStream, ["--port", String(port), "--json"], home.dir);

    const plain = cutStreamOf(`http://127.0.0.1:${oraclePort}/`);
    const played = cutStreamOf(`http://127.0.0.1:${port}/`);
    await Promise.all([plain.firstChunk, played.firstChunk]);
    oracle.interrupt();
    served.interrupt();
    const [plainEnd, playedEnd] = await Promise.all([plain.ended, played.ended]);
    expect(await served.exited).toBe(0);
    await waitFor(
      "every process serve started to end",
      () => (served.running().length === 0 ? true : undefined),
      10_000,
    );

    // The client's side: cut the same way, after the same kind of bytes.
    expect({ ...playedEnd, body: undefined }).toEqual({ ...plainEnd, body: undefined });
    expect(playedEnd.complete).toBe(false);
    for (const { body } of [plainEnd, playedEnd]) expect(body).toMatch(/^(data: \d+\n\n)+$/);
    // The handler's side: what it printed under plain Bun, it printed in the playground, in the same order.
    const plainPrinted = oracle.stdout.map((line) => line.text).filter((text) => !text.startsWith('{"port":'));
    expect(plainPrinted).toContain("the stream's cancel ran");
    const events = eventsOf(served.stdout);
    const logged = events.flatMap((event) => (event.kind === "log" ? [event.text] : []));
    expect(logged).toEqual(plainPrinted);

    // And the timeline says why: the server was stopped, not the client leaving.
    const abort = events.find((event) => event.kind === "abort");
    expect(abort).toMatchObject({ side: "server", cause: "server-stopped" });
    expect(abort?.kind === "abort" && abort.detail).toContain("serve was stopped (Ctrl+C)");
    const cancel = events.find((event) => event.kind === "cancel");
    expect(cancel?.kind === "cancel" && cancel.reason).toStartWith("the server was stopped");
    const cleanups = events.filter((event) => event.kind === "cleanup");
    expect(cleanups.map((cleanup) => cleanup.kind === "cleanup" && [cleanup.via, cleanup.cause])).toEqual([
      ["abort-listener", "server-stopped"],
      ["stream-cancel", "server-stopped"],
    ]);
    for (const cleanup of cleanups) expect(cleanup.t).toBeGreaterThanOrEqual(abort!.t);
    expect(events.some((event) => event.kind === "leak")).toBe(false);
    expect(events.at(-1)).toMatchObject({ kind: "summary", counts: { abort: 1, cancel: 1, cleanup: 2 } });
  }, 30_000);

  test("a cleanup that never finishes when serve stops is told as leaked after the grace, and a second Ctrl+C does not wait", async () => {
    await using home = await createTempDir("serve-home-");
    const port = freePort();
    await using served = await serve(stoppedMidStream, ["--port", String(port), "--cleanup-grace", "300"], home.dir);
    const stuck = cutStreamOf(`http://127.0.0.1:${port}/?stuck`);
    await stuck.firstChunk;
    served.interrupt();
    expect(await served.exited).toBe(0);
    const printed = served.stdout.map((line) => line.text).join("\n");
    expect(printed).toContain("has not finished 300 ms after the server was stopped");

    // With a grace longer than anyone waits, the second Ctrl+C ends it: the test's own time limit is shorter.
    await using again = await serve(stoppedMidStream, ["--port", String(port), "--cleanup-grace", "60000"], home.dir);
    const second = cutStreamOf(`http://127.0.0.1:${port}/?stuck`);
    await second.firstChunk;
    again.interrupt();
    await again.line("stderr", (text) => text.includes("Ctrl+C again stops now"));
    again.interrupt();
    expect(await again.exited).toBe(0);
    await waitFor(
      "every process serve started to end",
      () => (again.running().length === 0 ? true : undefined),
      10_000,
    );
  }, 30_000);
});
