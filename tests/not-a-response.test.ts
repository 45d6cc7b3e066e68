import { describe, expect, test } from "bun:test";
import { notAResponseMessage } from "../src/runner/not-a-response.ts";

describe("notAResponseMessage", () => {
  test("names a bare body and says to put it in a Response", () => {
    async function* generator() {
      yield "x";
    }
    const iterable = { async *[Symbol.asyncIterator]() {} };
    const bodies: [unknown, string][] = [
      [generator(), "an async generator"],
      [iterable, "an async iterable"],
      [new ReadableStream(), "a ReadableStream"],
      [new Uint8Array(2), "bytes"],
      [new ArrayBuffer(2), "bytes"],
      [new Blob(["x"]), "a Blob"],
    ];
    for (const [value, said] of bodies)
      expect(notAResponseMessage(value)).toBe(
        `the handler returned ${said} instead of a Response: send it as the body, e.g. \`return new Response(body)\``,
      );
  });

  test("shows a long string's start only", () => {
    expect(notAResponseMessage("y".repeat(100))).toBe(
      `the handler returned the string "${"y".repeat(40)}…" instead of a Response: send it as the body, e.g. \`return new Response(text)\``,
    );
  });

  test("tells a Response of another fetch implementation from Bun's", () => {
    class Response {
      status = 200;
    }
    expect(notAResponseMessage(new Response())).toContain("another fetch implementation than Bun's");
    expect(notAResponseMessage(new Map())).toBe("the handler returned a Map instead of a Response");
  });

  test("says the value of anything else", () => {
    expect(notAResponseMessage(null)).toBe("the handler returned null instead of a Response");
    expect(notAResponseMessage(42)).toBe("the handler returned the number 42 instead of a Response");
    expect(notAResponseMessage(function make() {})).toBe(
      "the handler returned a function (make) instead of a Response: call it and return what it makes",
    );
    expect(notAResponseMessage(Object.create(null))).toBe(
      "the handler returned a plain object instead of a Response: send it as JSON with `return Response.json(value)`",
    );
  });
});
