/**
 * The oracle for framework fixtures: the same app run by plain Bun, without the playground
 * (`tests/fixtures/frameworks/oracle-fixture.ts`), and what a client gets from a URL, in a form
 * two servers' answers can be compared in.
 */

import http from "node:http";
import { join } from "node:path";

const oracleFixture = join(import.meta.dir, "..", "fixtures", "frameworks", "oracle-fixture.ts");

/** How long the oracle may take to say where it listens (a cold start imports the framework). */
const startTimeoutMs = 10_000;

/** Starts `fixture` under plain Bun; `await using` stops it. */
export async function startOracle(fixture: string) {
  const child = Bun.spawn([process.execPath, oracleFixture, fixture], { stdout: "pipe", stderr: "pipe" });
  const stop = async () => {
    child.kill("SIGKILL");
    await child.exited;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const reader = child.stdout.getReader();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the oracle for ${fixture} did not listen within ${startTimeoutMs} ms`)),
        startTimeoutMs,
      );
    });
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`the oracle for ${fixture} exited: ${await new Response(child.stderr).text()}`);
      text += new TextDecoder().decode(value);
    }
    const announced: unknown = JSON.parse(text.slice(0, text.indexOf("\n")));
    const port =
      announced !== null && typeof announced === "object" ? (announced as { port?: unknown }).port : undefined;
    if (typeof port !== "number") throw new Error(`the oracle announced ${text}`);
    // What the app prints from here on, for tests that compare it with what it prints in the playground.
    let output = text.slice(text.indexOf("\n") + 1);
    void (async () => {
      for (let read = await reader.read(); !read.done; read = await reader.read())
        output += new TextDecoder().decode(read.value);
    })().catch(() => {});
    return {
      url: `http://127.0.0.1:${port}/`,
      /** The lines the app printed after it announced its port (the oracle fixture's own announcements left out). */
      printed: () => output.split("\n").filter((line) => line !== "" && !line.startsWith('{"port":')),
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Headers about the connection and its framing, which a relay may set differently without changing the message. */
const framing = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "date"]);

/**
 * What a client receives from `url`: status, the message's headers and the body's bytes exactly as
 * they came off the wire (`node:http` does not decode a `Content-Encoding`, unlike `fetch`), as
 * text when they are UTF-8 and as base64 when they are not, with the server's own host written as
 * `<host>` (a 404 page may name the URL it was asked for).
 */
export async function answerOf(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { promise, resolve, reject } = Promise.withResolvers<{
    status: number;
    headers: Record<string, string>;
    body: string;
  }>();
  const requestHeaders = new Headers(init?.headers);
  const body = typeof init?.body === "string" ? init.body : undefined;
  const request = http.request(
    url,
    { method: init?.method ?? "GET", headers: Object.fromEntries(requestHeaders), timeout: 10_000 },
    (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (!framing.has(name) && value !== undefined)
            headers[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString("utf8");
        const exact = Buffer.from(text, "utf8").equals(bytes);
        resolve({
          status: response.statusCode ?? 0,
          headers,
          body: exact ? text.replaceAll(new URL(url).host, "<host>") : `base64:${bytes.toString("base64")}`,
        });
      });
    },
  );
  request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within 10 s`)));
  request.on("error", reject);
  request.end(body);
  return promise;
}
