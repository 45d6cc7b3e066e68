/**
 * A port nothing listens on just now, for a server that must be told its port (an exported file, a
 * `serve --port`): chosen below the system's range for port 0 (32768 and up on Linux), so a server
 * another test file starts meanwhile on port 0 can never be given it before this one listens.
 */
export function freePort(): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
      return port;
    } catch {
      // Taken: try another.
    }
  }
}
