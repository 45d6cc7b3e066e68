/**
 * What a handler that returned something other than a Response is told: what it returned, and for
 * the usual slips (a body returned bare, a missing `return`, a framework's own Response class) the
 * one-line fix. Bun's own server answers these with "Expected a Response object, but received …".
 */

const previewChars = 40;

function preview(text: string): string {
  return JSON.stringify(text.length > previewChars ? `${text.slice(0, previewChars)}…` : text);
}

/** The class a value was made by, when it was made by one other than `Object`. */
function className(value: object): string | undefined {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? name : undefined;
}

/** A bare body the handler could have put in a Response as it is. */
function bodyKind(value: object): string | undefined {
  if (value instanceof ReadableStream) return "a ReadableStream";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "bytes";
  if (value instanceof Blob) return "a Blob";
  if (Symbol.asyncIterator in value) {
    return Object.prototype.toString.call(value) === "[object AsyncGenerator]"
      ? "an async generator"
      : "an async iterable";
  }
  return undefined;
}

/** The handler's slip, said as a sentence: "the handler returned … instead of a Response…". */
export function notAResponseMessage(value: unknown): string {
  const said = (what: string, fix?: string) =>
    `the handler returned ${what} instead of a Response${fix === undefined ? "" : `: ${fix}`}`;
  if (value === undefined) return said("nothing (undefined)", "is a `return` missing?");
  if (value === null) return said("null");
  if (typeof value === "string")
    return said(`the string ${preview(value)}`, "send it as the body, e.g. `return new Response(text)`");
  if (typeof value === "function")
    return said(`a function (${value.name || "anonymous"})`, "call it and return what it makes");
  if (typeof value !== "object") return said(`the ${typeof value} ${String(value)}`);
  const body = bodyKind(value);
  if (body !== undefined) return said(body, "send it as the body, e.g. `return new Response(body)`");
  const named = className(value);
  if (named === "Response")
    return said(
      "a Response made by another fetch implementation than Bun's (a polyfill's)",
      "make it with the global Response",
    );
  if (named !== undefined) return said(`a ${named}`);
  return said("a plain object", "send it as JSON with `return Response.json(value)`");
}
