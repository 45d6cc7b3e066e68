/**
 * The WebSocket client: Bun's `WebSocket`, as a browser's would behave, plus the lane header (Bun's
 * client takes headers, a browser's does not). It records the handshake, every message each way,
 * and exactly one `ws-close` at the end, however it ends.
 */

import type { ClientWsMessageEvent, ClientWsSendEvent } from "../../contract/index.ts";
import { payloadBytes, payloadOf } from "../ws-payload.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import { laneHeader, mergeHeaders } from "./http-fields.ts";
import type { Probe, ProbeOptions } from "./types.ts";

/** After asking to close, how long the server gets to answer the closing handshake before the socket is dropped. */
export const closeHandshakeMs = 3_000;

/** `http://…` → `ws://…`, as a page's `new WebSocket(url)` would be written for the same server. */
export function webSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  else if (parsed.protocol === "https:") parsed.protocol = "wss:";
  return parsed.href;
}

export function openWebSocketClient(options: ProbeOptions): Probe {
  const { lane, now, emit } = options;
  const url = webSocketUrl(options.url);
  const received = createGatedEmitter<ClientWsMessageEvent>({ of: "ws-message", lane, emit, floodGate: options.floodGate });
  const sent = createGatedEmitter<ClientWsSendEvent>({ of: "ws-send", lane, emit, floodGate: options.floodGate });
  const { promise: done, resolve } = Promise.withResolvers<void>();
  let ended = false;
  let sendTimer: ReturnType<typeof setInterval> | undefined;
  let dropTimer: ReturnType<typeof setTimeout> | undefined;

  emit({ t: now(), lane, side: "client", kind: "open", client: "websocket", method: "GET", url, attempt: 1 });
  const headers = Object.fromEntries(mergeHeaders(options.headers ?? {}, { [laneHeader]: String(lane) }));
  let socket: WebSocket;
  try {
    // Bun's WebSocket takes headers beside the protocols; the DOM typings know only the protocols.
    socket = new WebSocket(url, { headers, protocols: options.protocols ?? [] } as unknown as string[]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    emit({ t: now(), lane, side: "client", kind: "ws-error", message });
    finish(1006, "", false);
    return { disconnect: () => {}, done };
  }
  socket.binaryType = "arraybuffer";

  /** Records the end once: whatever ends the connection first is what the timeline shows. */
  function finish(code: number, reason: string, wasClean: boolean): void {
    if (ended) return;
    ended = true;
    clearInterval(sendTimer);
    clearTimeout(dropTimer);
    // Folds first, so every message is on the timeline before the close.
    received.flush();
    sent.flush();
    emit({ t: now(), lane, side: "client", kind: "ws-close", code, reason, wasClean });
    resolve();
  }

  function send(data: string | Uint8Array): void {
    if (socket.readyState !== WebSocket.OPEN) {
      const state = ["still connecting", "open", "closing", "closed"][socket.readyState] ?? "not open";
      throw new Error(`the WebSocket on lane ${lane} is ${state}: nothing was sent`);
    }
    const t = now();
    const bytes = payloadBytes(data);
    sent.record(t, bytes, () => ({ t, lane, side: "client", kind: "ws-send", ...payloadOf(data, bytes) }));
    socket.send(data);
  }

  function close(code?: number, reason?: string): void {
    if (ended || socket.readyState >= WebSocket.CLOSING) return;
    socket.close(code, reason);
    // A server that never answers the closing handshake would keep this client open for ever.
    dropTimer = setTimeout(() => {
      (socket as unknown as { terminate?: () => void }).terminate?.();
      finish(1006, "", false);
    }, closeHandshakeMs);
  }

  socket.addEventListener("open", () => {
    emit({ t: now(), lane, side: "client", kind: "ws-open", protocol: socket.protocol, extensions: socket.extensions });
    const messages = options.send ?? [];
    if (messages.length === 0) return;
    if (options.sendEveryMs === undefined) {
      for (const message of messages) send(message);
      return;
    }
    let next = 0;
    const sendNext = () => {
      if (socket.readyState === WebSocket.OPEN) send(messages[next++ % messages.length]!);
    };
    sendNext();
    sendTimer = setInterval(sendNext, Math.max(1, options.sendEveryMs));
  });
  socket.addEventListener("message", (event: MessageEvent) => {
    const t = now();
    const data: unknown = event.data;
    const bytes = payloadBytes(data);
    received.record(t, bytes, () => ({ t, lane, side: "client", kind: "ws-message", ...payloadOf(data, bytes) }));
  });
  socket.addEventListener("error", (event: Event) => {
    const message = "message" in event && typeof event.message === "string" && event.message !== "" ? event.message : "the WebSocket failed";
    emit({ t: now(), lane, side: "client", kind: "ws-error", message });
  });
  socket.addEventListener("close", (event: CloseEvent) => finish(event.code, event.reason, event.wasClean));

  return {
    disconnect: () => close(1000),
    done,
    messages: { send, close },
  };
}
