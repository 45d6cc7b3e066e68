/**
 * The WebSocket client: Bun's `WebSocket`, as a browser's would behave, plus the lane header (Bun's
 * client takes headers, a browser's does not). It records the handshake, every message each way,
 * and exactly one `ws-close` at the end, however it ends.
 */

import {
  errorMessage,
  formatByteSize,
  laneHeader,
  type ClientWsMessageEvent,
  type ClientWsSendEvent,
} from "../contract/index.ts";
import { payloadBytes, payloadOf } from "../shared/index.ts";
import { createGatedEmitter } from "./gated-emitter.ts";
import { mergeHeaders } from "./http-fields.ts";
import { slowClientFor } from "./slow-client.ts";
import { openSlowLink, type SlowLink } from "./slow-link.ts";
import type { Client, ClientOptions } from "./types.ts";

/** After asking to close, how long the server gets to answer the closing handshake before the socket is dropped. */
export const closeHandshakeMs = 3_000;

/** `http://…` → `ws://…`, as a page's `new WebSocket(url)` would be written for the same server. */
export function webSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  else if (parsed.protocol === "https:") parsed.protocol = "wss:";
  return parsed.href;
}

export function openWebSocketClient(options: ClientOptions): Client {
  const { lane, now, emit } = options;
  const url = webSocketUrl(options.url);
  const received = createGatedEmitter<ClientWsMessageEvent>({
    of: "ws-message",
    lane,
    emit,
    floodGate: options.floodGate,
  });
  const sent = createGatedEmitter<ClientWsSendEvent>({ of: "ws-send", lane, emit, floodGate: options.floodGate });
  const slow = slowClientFor(options);
  const dropAfterBytes = slow?.behaviour.dropAfterBytes;
  const { promise: done, resolve } = Promise.withResolvers<void>();
  let ended = false;
  /** Asked to close before the socket existed (a slow link still opening). */
  let closeWanted: { code?: number | undefined; reason?: string | undefined } | undefined;
  let socket: WebSocket | undefined;
  let link: SlowLink | undefined;
  let receivedBytes = 0;
  /** Set when this client asked to close or dropped the connection: it, not the server, ended it. */
  let closedByClient = false;
  let sendTimer: ReturnType<typeof setInterval> | undefined;
  let dropTimer: ReturnType<typeof setTimeout> | undefined;

  emit({
    t: now(),
    lane,
    side: "client",
    kind: "open",
    client: "websocket",
    method: "GET",
    url,
    attempt: 1,
    ...(options.external ? { external: true } : {}),
    ...(slow ? { slow: slow.behaviour } : {}),
  });
  slow?.pacer.start();
  const headers = Object.fromEntries(
    mergeHeaders(options.headers ?? {}, options.external ? {} : { [laneHeader]: String(lane) }),
  );

  /** Records the end once: whatever ends the connection first is what the timeline shows. */
  function finish(code: number, reason: string, wasClean: boolean): void {
    if (ended) return;
    ended = true;
    clearInterval(sendTimer);
    clearTimeout(dropTimer);
    slow?.pacer.close();
    link?.close();
    // Folds first, so every message is on the timeline before the close.
    received.flush();
    sent.flush();
    // A close frame the client did not ask for is the server's; a 1006 the client did not cause is neither's.
    const by = closedByClient ? "client" : code === 1006 ? undefined : "server";
    emit({ t: now(), lane, side: "client", kind: "ws-close", code, reason, wasClean, ...(by ? { by } : {}) });
    resolve();
  }

  function fail(message: string): void {
    emit({ t: now(), lane, side: "client", kind: "ws-error", message });
    finish(1006, "", false);
  }

  function send(data: string | Uint8Array): void {
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      const state =
        socket === undefined
          ? "still connecting"
          : (["still connecting", "open", "closing", "closed"][socket.readyState] ?? "not open");
      throw new Error(`the WebSocket on lane ${lane} is ${state}: nothing was sent`);
    }
    const bytes = payloadBytes(data);
    if (!sent.count(bytes)) {
      const t = now();
      if (sent.admit(t, bytes)) emit({ t, lane, side: "client", kind: "ws-send", ...payloadOf(data, bytes) });
    }
    socket.send(data);
  }

  /** Ends the connection without a closing handshake, as a broken network would. */
  function terminate(): void {
    closedByClient = true;
    (socket as unknown as { terminate?: () => void } | undefined)?.terminate?.();
    finish(1006, "", false);
  }

  function close(code?: number, reason?: string): void {
    if (ended) return;
    if (socket === undefined) {
      closedByClient = true;
      closeWanted = { code, reason };
      return;
    }
    if (socket.readyState >= WebSocket.CLOSING) return;
    closedByClient = true;
    socket.close(code, reason);
    // A server that never answers the closing handshake would keep this client open for ever.
    dropTimer = setTimeout(terminate, closeHandshakeMs);
  }

  function connect(address: string, connectHeaders: Record<string, string>): void {
    let opened: WebSocket;
    try {
      // Bun's WebSocket takes headers beside the protocols; the DOM typings know only the protocols.
      opened = new WebSocket(address, {
        headers: connectHeaders,
        protocols: options.protocols ?? [],
      } as unknown as string[]);
    } catch (error) {
      fail(errorMessage(error));
      return;
    }
    socket = opened;
    opened.binaryType = "arraybuffer";
    opened.addEventListener("open", () => {
      emit({
        t: now(),
        lane,
        side: "client",
        kind: "ws-open",
        protocol: opened.protocol,
        extensions: opened.extensions,
      });
      if (closeWanted) return close(closeWanted.code, closeWanted.reason);
      const messages = options.send ?? [];
      if (messages.length === 0) return;
      if (options.sendEveryMs === undefined) {
        for (const message of messages) send(message);
        return;
      }
      let next = 0;
      const sendNext = () => {
        if (opened.readyState === WebSocket.OPEN) send(messages[next++ % messages.length]!);
      };
      sendNext();
      sendTimer = setInterval(sendNext, Math.max(1, options.sendEveryMs));
    });
    opened.addEventListener("message", (event: MessageEvent) => {
      if (ended) return;
      const data: unknown = event.data;
      const bytes = payloadBytes(data);
      // Under a flood most messages are counted into a fold without a clock read of their own.
      if (!received.count(bytes)) {
        const t = now();
        if (received.admit(t, bytes)) emit({ t, lane, side: "client", kind: "ws-message", ...payloadOf(data, bytes) });
      }
      receivedBytes += bytes;
      if (dropAfterBytes !== undefined && receivedBytes >= dropAfterBytes) {
        emit({
          t: now(),
          lane,
          side: "client",
          kind: "ws-error",
          message: `dropped after ${formatByteSize(receivedBytes)} of messages, by the lane's setting`,
        });
        terminate();
      }
    });
    opened.addEventListener("error", (event: Event) => {
      const message =
        "message" in event && typeof event.message === "string" && event.message !== ""
          ? event.message
          : "the WebSocket failed";
      emit({ t: now(), lane, side: "client", kind: "ws-error", message });
    });
    opened.addEventListener("close", (event: CloseEvent) => finish(event.code, event.reason, event.wasClean));
  }

  if (slow === undefined) connect(url, headers);
  else {
    // A slow client reads the server through a relay that can stop reading (see slow-link.ts).
    openSlowLink({ target: url, pacer: slow.pacer }).then(
      (opened) => {
        link = opened;
        if (ended || closeWanted) return finish(1006, "", false);
        connect(opened.url, { ...headers, host: opened.host });
      },
      (error: unknown) => fail(`the slow link did not open: ${errorMessage(error)}`),
    );
  }

  return {
    disconnect: () => close(1000),
    done,
    messages: { send, close },
    reading: slow?.pacer,
  };
}
