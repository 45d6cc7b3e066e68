/** The code the Deno export adds for a snippet with Bun's `websocket` handlers (see `deno-websocket.ts`). */

import { typedOrNot } from "./deno-helpers.ts";

/**
 * `bunWebSocket(options)`: Bun.serve-style options whose fetch and routes can upgrade, as Deno.serve's
 * routes helper takes them; and `hub()` (named `hubName`), the topics every socket shares, whose
 * `publish` and `subscriberCount` stand in for the server's.
 */
export function bunWebSocketHelper(name: string, hubName: string, typed: boolean): string {
  return typedOrNot(
    typed,
    `/**
 * Added by the export: Bun.serve's websocket handlers, on Deno.upgradeWebSocket. In fetch (and in
 * routes), server.upgrade(req, { data, headers }) upgrades the request, and what the handler
 * returns after it is replaced by Deno's 101 response, as Bun ignores it. Each socket reaches
 * open, message and close with Bun's data, send (which returns the bytes sent, or 0 once closed:
 * Deno reports no backpressure), close and topics (subscribe, publish, server.publish), kept in
 * this process. Binary messages arrive as a Uint8Array. A handler that throws goes to the error
 * handler, or is logged, and the socket stays open, as in Bun.
 */
function ${name}<Options extends { fetch?: Function; routes?: Record<string, unknown>; websocket?: unknown }>(options: Options): Options {
  type Data = string | ArrayBufferLike | ArrayBufferView;
  type Handler = (...args: unknown[]) => unknown;
  const handlers = (options.websocket ?? {}) as Record<string, unknown>;
  const { topics, publishTo, size } = ${hubName}();
  const upgraded = new WeakMap<Request, Response>();

  function call(name: string, ws: ServerSocket, ...args: unknown[]): void {
    const handler = handlers[name];
    if (typeof handler !== "function") return;
    try {
      (handler as Handler).call(handlers, ws, ...args);
    } catch (error) {
      if (typeof handlers.error === "function") (handlers.error as Handler).call(handlers, error, ws);
      else console.error(error);
    }
  }

  class ServerSocket {
    readonly topics = new Set<string>();
    constructor(
      readonly socket: WebSocket,
      public data: unknown,
    ) {}
    get readyState(): number {
      return this.socket.readyState;
    }
    get subscriptions(): string[] {
      return [...this.topics];
    }
    send(data: Data): number {
      if (this.socket.readyState !== WebSocket.OPEN) return 0;
      this.socket.send(data);
      return size(data);
    }
    sendText(text: string): number {
      return this.send(String(text));
    }
    sendBinary(bytes: ArrayBufferLike | ArrayBufferView): number {
      return this.send(bytes);
    }
    close(code?: number, reason?: string): void {
      this.socket.close(code, reason);
    }
    subscribe(topic: string): void {
      this.topics.add(topic);
      if (!topics.has(topic)) topics.set(topic, new Set());
      topics.get(topic)!.add(this);
    }
    unsubscribe(topic: string): void {
      this.topics.delete(topic);
      topics.get(topic)?.delete(this);
    }
    isSubscribed(topic: string): boolean {
      return this.topics.has(topic);
    }
    publish(topic: string, data: Data): number {
      return publishTo(topic, data, handlers.publishToSelf === true ? undefined : this);
    }
    publishText(topic: string, text: string): number {
      return this.publish(topic, String(text));
    }
    publishBinary(topic: string, bytes: ArrayBufferLike | ArrayBufferView): number {
      return this.publish(topic, bytes);
    }
    cork<T>(callback: (ws: ServerSocket) => T): T {
      return callback(this);
    }
    getBufferedAmount(): number {
      return this.socket.bufferedAmount;
    }
  }

  const server = {
    publish: ${hubName}().publish,
    subscriberCount: ${hubName}().subscriberCount,
    upgrade(req: Request, upgrade?: { data?: unknown; headers?: HeadersInit }): boolean {
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return false;
      const { socket, response } = Deno.upgradeWebSocket(req);
      new Headers(upgrade?.headers).forEach((value, key) => response.headers.set(key, value));
      const ws = new ServerSocket(socket, upgrade?.data);
      socket.binaryType = "arraybuffer";
      socket.onopen = () => call("open", ws);
      socket.onmessage = (event) => call("message", ws, typeof event.data === "string" ? event.data : new Uint8Array(event.data));
      socket.onclose = (event) => {
        for (const topic of ws.topics) topics.get(topic)?.delete(ws);
        call("close", ws, event.code, event.reason);
      };
      upgraded.set(req, response);
      return true;
    },
  };

  const withServer = (handler: Function) => async (req: Request) => {
    const result = await handler.call(options, req, server);
    return upgraded.get(req) ?? result;
  };
  const routes: Record<string, unknown> = {};
  for (const [path, route] of Object.entries(options.routes ?? {})) {
    if (typeof route === "function") routes[path] = withServer(route);
    else if (route && typeof route === "object" && !(route instanceof Response)) {
      routes[path] = Object.fromEntries(Object.entries(route).map(([method, handler]) => [method, typeof handler === "function" ? withServer(handler) : handler]));
    } else routes[path] = route;
  }
  return { ...options, routes, fetch: options.fetch && withServer(options.fetch) };
}

/**
 * Added by the export: the topics the sockets of ${name}() share, in this process. Its publish and
 * subscriberCount are the server's (Bun's server.publish), for code that holds Bun's server.
 */
function ${hubName}() {
  type Data = string | ArrayBufferLike | ArrayBufferView;
  type Member = { socket: { send(data: Data): void } };
  const holder = ${hubName} as unknown as { hub?: ReturnType<typeof create> };
  function create() {
    const topics = new Map<string, Set<Member>>();
    const encoder = new TextEncoder();
    const size = (data: Data) => (typeof data === "string" ? encoder.encode(data).byteLength : data.byteLength);
    function publishTo(topic: string, data: Data, except?: Member): number {
      const members = [...(topics.get(topic) ?? [])].filter((member) => member !== except);
      for (const member of members) member.socket.send(data);
      return members.length === 0 ? 0 : size(data);
    }
    return {
      topics,
      size,
      publishTo,
      publish: (topic: string, data: Data): number => publishTo(topic, data),
      subscriberCount: (topic: string): number => topics.get(topic)?.size ?? 0,
    };
  }
  return (holder.hub ??= create());
}
`,
  );
}
