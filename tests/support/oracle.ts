/**
 * The oracle for framework fixtures: the same app run by plain Bun, without the playground
 * (`tests/fixtures/frameworks/oracle-fixture.ts`), and what a client gets from a URL, in a form
 * two servers' answers can be compared in.
 */

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
    reader.releaseLock();
    const announced: unknown = JSON.parse(text.slice(0, text.indexOf("\n")));
    const port =
      announced !== null && typeof announced === "object" ? (announced as { port?: unknown }).port : undefined;
    if (typeof port !== "number") throw new Error(`the oracle announced ${text}`);
    return { url: `http://127.0.0.1:${port}/`, [Symbol.asyncDispose]: stop };
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
 * What a client receives from `url`: status, the message's headers and the body's bytes as text,
 * with the server's own host written as `<host>` (a 404 page may name the URL it was asked for).
 */
export async function answerOf(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const response = await fetch(url, init);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!framing.has(name)) headers[name] = value;
  });
  const body = await response.text();
  return { status: response.status, headers, body: body.replaceAll(new URL(url).host, "<host>") };
}
