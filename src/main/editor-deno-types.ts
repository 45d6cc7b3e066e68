/**
 * The `Deno` global as the playground provides it, for the editor: a snippet written for Deno
 * (`Deno.serve(...)`) runs here as it is (src/runner/serve-capture.ts), so the editor must know
 * the names. Deno's own declarations (`deno types`) are not used: they are several megabytes and
 * declare the web globals a second time, beside Bun's. This declares only what the runner
 * implements, with Deno's shapes, so a property the playground lacks (`info.completed`) is an error
 * here as it would be at run time.
 */
export const denoEditorDeclarations = `declare namespace Deno {
  /** An address the server listens on or a client connects from. */
  interface NetAddr {
    transport: "tcp" | "udp";
    hostname: string;
    port: number;
  }

  /** What a handler learns about the request besides the request itself. */
  interface ServeHandlerInfo {
    /** The client's address. */
    remoteAddr: NetAddr;
  }

  /** Answers one request. */
  type ServeHandler = (request: Request, info: ServeHandlerInfo) => Response | Promise<Response>;

  /**
   * Options of \`Deno.serve\`. In the playground the snippet is served on the playground's own
   * server: \`port\`, \`hostname\`, \`cert\`, \`key\` and \`path\` are ignored (with a notice), and
   * \`signal\` does not stop it.
   */
  interface ServeOptions {
    port?: number;
    hostname?: string;
    /** A Unix socket to listen on instead of a port. */
    path?: string;
    cert?: string;
    key?: string;
    reusePort?: boolean;
    signal?: AbortSignal;
    /** Called once the server listens, with its address. */
    onListen?: (localAddr: NetAddr) => void;
    /** Answers a request whose handler threw. */
    onError?: (error: unknown) => Response | Promise<Response>;
  }

  /** Options that include the handler. */
  interface ServeInit extends ServeOptions {
    handler: ServeHandler;
  }

  /** What \`Deno.serve\` returns. */
  interface HttpServer {
    /** The address the server listens on. */
    readonly addr: NetAddr;
    /** Settles when the server has closed. */
    readonly finished: Promise<void>;
    /** Stops accepting connections and waits for open requests to finish. */
    shutdown(): Promise<void>;
    ref(): void;
    unref(): void;
  }

  /** The default export \`deno serve\` runs; the playground serves it like any \`export default { fetch }\`. */
  interface ServeDefaultExport {
    fetch: ServeHandler;
  }

  /** Serves HTTP requests with \`handler\`. */
  function serve(handler: ServeHandler): HttpServer;
  /** Serves HTTP requests with \`handler\`. */
  function serve(options: ServeOptions, handler: ServeHandler): HttpServer;
  /** Serves HTTP requests with \`options.handler\`. */
  function serve(options: ServeInit): HttpServer;

  interface UpgradeWebSocketOptions {
    protocol?: string;
    idleTimeout?: number;
  }

  interface WebSocketUpgrade {
    response: Response;
    socket: WebSocket;
  }

  /**
   * Upgrades a request to a WebSocket: return \`response\` from the handler, and talk over
   * \`socket\` (\`onopen\`, \`onmessage\`, \`send\`, \`close\`). Throws when the request does not ask
   * for a WebSocket (\`Upgrade: websocket\`). The playground traces both sides of the socket.
   */
  function upgradeWebSocket(request: Request, options?: UpgradeWebSocketOptions): WebSocketUpgrade;
}
`;
