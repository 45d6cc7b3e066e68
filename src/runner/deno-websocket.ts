/**
 * `Deno.upgradeWebSocket(req)` for Deno snippets, on Bun: it gives back `{ socket, response }` as
 * Deno does, and when the handler returns that response the runner upgrades the request with
 * Bun's `server.upgrade`. The socket is the browser-style `WebSocket` Deno hands out (events,
 * `onmessage`, `send`, `close`), backed by the connection's `ServerWebSocket`.
 *
 * Deno's documented behaviour followed here: the request must ask for a WebSocket (`Upgrade:
 * websocket`) or the call throws; `send` before `open` throws `InvalidStateError`; `close` takes
 * 1000 or 3000–4999; a `protocol` option becomes the response's `Sec-WebSocket-Protocol`.
 */

import type { ServerWebSocket } from "bun";
import { NativeResponse } from "./native-globals.ts";

/** What a Deno handler's returned response stands for. */
export interface DenoUpgrade {
  socket: DenoWebSocket;
  /** Headers for the 101 response. */
  headers: Record<string, string>;
}

const upgrades = new WeakMap<object, DenoUpgrade>();

/** The upgrade a handler asked for by returning `response`, if it is the response of `Deno.upgradeWebSocket`. */
export function denoUpgradeOf(response: unknown): DenoUpgrade | undefined {
  return response !== null && typeof response === "object" ? upgrades.get(response) : undefined;
}

type Listener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

/** Deno's server-side `WebSocket`. */
export class DenoWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readyState = 0;
  // Deno 2 hands server sockets out with "arraybuffer" (measured with deno 2.9), not the browser's "blob".
  binaryType: "blob" | "arraybuffer" = "arraybuffer";
  readonly extensions = "";
  onopen: ((event: Event) => unknown) | null = null;
  onmessage: ((event: MessageEvent) => unknown) | null = null;
  onclose: ((event: CloseEvent) => unknown) | null = null;
  onerror: ((event: Event) => unknown) | null = null;
  /** Told of a listener that threw, with the event it was handling; the other listeners still run. */
  onListenerError: (error: unknown, type: string) => void = () => {};
  private ws: ServerWebSocket<unknown> | undefined;
  private readonly listeners = new Map<string, { listener: Listener; once: boolean }[]>();

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {}

  get bufferedAmount(): number {
    return this.ws?.getBufferedAmount() ?? 0;
  }

  addEventListener(type: string, listener: Listener | null, options?: boolean | { once?: boolean }): void {
    if (!listener) return;
    const list = this.listeners.get(type) ?? [];
    if (list.some((entry) => entry.listener === listener)) return;
    list.push({ listener, once: typeof options === "object" && options.once === true });
    this.listeners.set(type, list);
  }

  removeEventListener(type: string, listener: Listener | null): void {
    const list = this.listeners.get(type);
    if (list)
      this.listeners.set(
        type,
        list.filter((entry) => entry.listener !== listener),
      );
  }

  dispatchEvent(event: Event): boolean {
    const handler = { open: this.onopen, message: this.onmessage, close: this.onclose, error: this.onerror }[
      event.type
    ];
    const run = (listener: Listener) => {
      try {
        if (typeof listener === "function") listener.call(this, event);
        else listener.handleEvent(event);
      } catch (error) {
        this.onListenerError(error, event.type);
      }
    };
    if (typeof handler === "function") run(handler as Listener);
    for (const entry of [...(this.listeners.get(event.type) ?? [])]) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      run(entry.listener);
    }
    return !event.defaultPrevented;
  }

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.readyState === DenoWebSocket.CONNECTING)
      throw new DOMException("'readyState' not OPEN", "InvalidStateError");
    const ws = this.ws;
    if (!ws || this.readyState !== DenoWebSocket.OPEN) return;
    if (data instanceof Blob) {
      void data.arrayBuffer().then((bytes) => ws.send(bytes));
      return;
    }
    ws.send(data as string | ArrayBufferLike);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new DOMException(
        `The close code must be either 1000 or in the range of 3000 to 4999, received ${code}`,
        "InvalidAccessError",
      );
    }
    if (this.readyState >= DenoWebSocket.CLOSING) return;
    this.readyState = DenoWebSocket.CLOSING;
    this.ws?.close(code, reason);
  }

  // --- called by the runner's websocket handlers ------------------------------------------------

  /** The connection opened. */
  opened(ws: ServerWebSocket<unknown>): void {
    this.ws = ws;
    this.readyState = DenoWebSocket.OPEN;
    this.dispatchEvent(new Event("open"));
  }

  /** A message arrived (Bun gives binary messages as a Buffer). */
  received(message: string | Uint8Array): void {
    let data: string | ArrayBuffer | Blob = typeof message === "string" ? message : message.slice().buffer;
    if (typeof data !== "string" && this.binaryType === "blob") data = new Blob([data]);
    this.dispatchEvent(new MessageEvent("message", { data, origin: new URL(this.url).origin }));
  }

  /** The connection closed. */
  closed(code: number, reason: string): void {
    this.readyState = DenoWebSocket.CLOSED;
    this.dispatchEvent(new CloseEvent("close", { code, reason, wasClean: code !== 1006 }));
  }
}

/** `Deno.upgradeWebSocket(req, options)`. */
export function upgradeWebSocket(
  request: Request,
  options: { protocol?: string; idleTimeout?: number } = {},
): { socket: DenoWebSocket; response: Response } {
  const upgrade = request.headers.get("upgrade");
  if (upgrade === null || !upgrade.split(",").some((token) => token.trim().toLowerCase() === "websocket")) {
    throw new TypeError("Invalid Header: 'upgrade' header must contain 'websocket'");
  }
  const url = new URL(request.url);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const socket = new DenoWebSocket(url.href, options.protocol ?? "");
  // A stand-in: Bun answers the upgrade itself with a 101, which a Response cannot hold.
  const response = new NativeResponse(null, { status: 200 });
  upgrades.set(response, { socket, headers: options.protocol ? { "sec-websocket-protocol": options.protocol } : {} });
  return { socket, response };
}
