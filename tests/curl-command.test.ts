import { describe, expect, test } from "bun:test";
import { curlCommand } from "../src/contract/index.ts";

/** The words a POSIX shell reads from `command`: the shell itself is the oracle for the quoting. */
function wordsAsTheShellReads(command: string): string[] {
  const shell = Bun.spawnSync(["sh", "-c", `set -- ${command}; printf '%s\\0' "$@"`]);
  return shell.stdout.toString().split("\0").slice(0, -1);
}

describe("a request as a curl command", () => {
  test("every word reaches curl as it was, quotes, spaces and newlines included", () => {
    const request = {
      url: "http://127.0.0.1:4000/events?topic=a b&x='1'",
      method: "post",
      headers: { "content-type": "application/json", "x-note": 'it\'s "quoted"' },
      body: '{"prompt": "Why?\\nBecause."}\n',
    };
    expect(wordsAsTheShellReads(curlCommand(request))).toEqual([
      "curl",
      "-N",
      "-X",
      "POST",
      "-H",
      "content-type: application/json",
      "-H",
      `x-note: it's "quoted"`,
      "-d",
      request.body,
      request.url,
    ]);
  });

  test("a GET with nothing else is just the URL", () => {
    expect(curlCommand({ url: "http://127.0.0.1:4000/", method: "GET" })).toBe("curl -N http://127.0.0.1:4000/");
  });
});
