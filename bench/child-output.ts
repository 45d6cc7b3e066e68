import { errorMessage } from "../src/contract/index.ts";
/** Reading what a spawned benchmark server says about itself on stdout. */

/**
 * Resolves with the `port` from the first stdout line of a server that announces itself as
 * `{"port": N}`, then keeps draining stdout so later lines cannot fill the pipe.
 */
export async function announcedPort(stdout: ReadableStream<Uint8Array>, timeoutMs: number): Promise<number> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timedOut = Promise.withResolvers<never>();
  const timer = setTimeout(() => timedOut.reject(new Error(`no port announced within ${timeoutMs} ms`)), timeoutMs);
  try {
    while (!text.includes("\n")) {
      const read = await Promise.race([reader.read(), timedOut.promise]);
      if (read.done)
        throw new Error(`the server exited before announcing its port; it printed: ${JSON.stringify(text)}`);
      text += decoder.decode(read.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  drain(reader).catch((error: unknown) =>
    console.error(`bench: reading a server's stdout failed: ${errorMessage(error)}`),
  );
  const line = text.slice(0, text.indexOf("\n"));
  const port = portOf(parseJson(line));
  if (port === undefined)
    throw new Error(`expected {"port": N} as the server's first line, got ${JSON.stringify(line)}`);
  return port;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Not JSON is reported by the caller, with the line.
    return undefined;
  }
}

function portOf(value: unknown): number | undefined {
  if (value === null || typeof value !== "object" || !("port" in value)) return undefined;
  const { port } = value;
  return typeof port === "number" && Number.isInteger(port) && port > 0 ? port : undefined;
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  // Ends when the child exits and its stdout closes.
  while (!(await reader.read()).done);
}
