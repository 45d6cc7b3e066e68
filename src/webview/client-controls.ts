/**
 * The client controls: what to request (path, method, headers, body), with which client (fetch
 * stream, EventSource in the host, the page's own EventSource, or a WebSocket in the host), how
 * many, and when to let go. A WebSocket also takes messages to send once open and subprotocols.
 * The path may be another server's whole URL; any host client may be slow or flaky.
 */

import {
  type ClientKind,
  clientKindFor,
  type ClientRequest,
  type ClientRequestSettings,
  isOutsideUrl,
} from "../contract/index.ts";
import { byId } from "./dom.ts";
import { createSlowClientControls } from "./slow-client-controls.ts";

export interface ClientControlsOptions {
  onConnect: (request: ClientRequest) => void;
  onDisconnectAll: () => void;
}

/** `Name: value` lines into a header object; blank lines and lines without a colon are skipped. */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The client controls: the request the next Connect makes. */
export interface ClientControls {
  /** The request the controls describe now, or undefined while a field does not make sense. */
  current(): ClientRequest | undefined;
  /**
   * Fills the controls from an example's suggested request: every field, the ones it leaves out at
   * their defaults, so nothing of an earlier lesson's request (a WebSocket client) carries over.
   */
  set(request: ClientRequestSettings): void;
  /** Sets where the next lanes' lens finds the text in a JSON stream (`$.token`); undefined for none. */
  setLens(rule: string | undefined): void;
}

export function createClientControls(options: ClientControlsOptions): ClientControls {
  const form = byId("client-form", HTMLFormElement);
  const kind = byId("client-kind", HTMLSelectElement);
  const method = byId("client-method", HTMLSelectElement);
  const path = byId("client-path", HTMLInputElement);
  const count = byId("client-count", HTMLInputElement);
  const disconnectAfter = byId("client-disconnect-after", HTMLInputElement);
  const headers = byId("client-headers", HTMLTextAreaElement);
  const body = byId("client-body", HTMLTextAreaElement);
  const disconnectAll = byId("disconnect-all", HTMLButtonElement);
  const wsSend = byId("client-ws-send", HTMLTextAreaElement);
  const wsProtocols = byId("client-ws-protocols", HTMLInputElement);
  const wsEvery = byId("client-ws-every", HTMLInputElement);
  const lens = byId("client-lens", HTMLInputElement);
  const wsOnly = [...form.querySelectorAll<HTMLElement>(".ws-only")];
  const slow = createSlowClientControls();

  // EventSource and WebSocket can only GET; say so by disabling what does not apply.
  const syncKind = () => {
    const isStream = kind.value === "stream";
    method.disabled = !isStream;
    body.disabled = !isStream;
    if (!isStream) method.value = "GET";
    const isWebSocket = kind.value === "websocket";
    for (const part of wsOnly) part.hidden = !isWebSocket;
    slow.setEnabled(kind.value !== "browser");
  };
  kind.addEventListener("change", syncKind);
  syncKind();

  /** The request the controls describe, or the field that does not make sense and why. */
  function read(): { ok: true; request: ClientRequest } | { ok: false; field: HTMLInputElement; message: string } {
    const after = Number(disconnectAfter.value);
    const isWebSocket = kind.value === "websocket";
    const every = Number(wsEvery.value);
    const messages = wsSend.value.split("\n").filter((line) => line !== "");
    const protocols = wsProtocols.value
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    const slowness = kind.value === "browser" ? { ok: true as const, slow: undefined } : slow.read();
    if (!slowness.ok) return slowness;
    const target = path.value.trim();
    return {
      ok: true,
      request: {
        client: kind.value as ClientKind,
        // A path on the snippet's server, or another server's whole URL.
        path: isOutsideUrl(target) || target.startsWith("/") ? target : `/${target}`,
        method: method.value,
        headers: parseHeaderLines(headers.value),
        body: body.value === "" || method.value === "GET" ? undefined : body.value,
        clients: Math.max(1, Math.min(50, Math.floor(Number(count.value)) || 1)),
        disconnectAfterMs: disconnectAfter.value !== "" && after > 0 ? after : undefined,
        ...(isWebSocket
          ? {
              send: messages.length > 0 ? messages : undefined,
              protocols: protocols.length > 0 ? protocols : undefined,
              sendEveryMs: wsEvery.value !== "" && every > 0 ? every : undefined,
            }
          : {}),
        ...(slowness.slow === undefined ? {} : { slow: slowness.slow }),
        ...(lens.value.trim() === "" ? {} : { lens: lens.value.trim() }),
      },
    };
  }

  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    const described = read();
    if (!described.ok) {
      described.field.setCustomValidity(described.message);
      described.field.closest("details")?.setAttribute("open", "");
      described.field.reportValidity();
      return;
    }
    options.onConnect(described.request);
  });
  disconnectAll.addEventListener("click", options.onDisconnectAll);

  return {
    current() {
      const now = read();
      return now.ok ? now.request : undefined;
    },
    set(request) {
      kind.value = clientKindFor(request.client, request.path);
      path.value = request.path ?? "/";
      method.value = request.method ?? "GET";
      headers.value = Object.entries(request.headers ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n");
      body.value = request.body ?? "";
      count.value = String(request.clients ?? 1);
      disconnectAfter.value = request.disconnectAfterMs === undefined ? "" : String(request.disconnectAfterMs);
      wsSend.value = (request.send ?? []).join("\n");
      wsProtocols.value = (request.protocols ?? []).join(", ");
      wsEvery.value = request.sendEveryMs === undefined ? "" : String(request.sendEveryMs);
      slow.set(request.slow);
      lens.value = request.lens ?? "";
      syncKind();
    },
    setLens(rule) {
      lens.value = rule ?? "";
    },
  };
}
