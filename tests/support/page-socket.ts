/** A page's side of the host's WebSocket, for tests: what it received, its requests' replies, and waits on both. */

import type { HostToPageMessage, HostToPagePayload, PagePayload, SnippetDocument, TimelineEvent, WorkspaceState } from "../../src/contract/index.ts";
import { letIn, type HostAddress } from "./test-host.ts";

type PayloadOfType<T extends HostToPagePayload["type"]> = Extract<HostToPagePayload, { type: T }>;

/**
 * Opens the WebSocket as the page does (with `cookie` and the host's Origin) and resolves once it is
 * open. Without a `cookie` it lets itself in first, as a browser following the launch URL would.
 */
export async function openPage(host: HostAddress, cookie?: string) {
  const headers = { cookie: cookie ?? (await letIn(host)), origin: host.origin };
  // Bun's WebSocket takes request headers as a second-argument option.
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers } as unknown as string[]);
  const messages: HostToPageMessage[] = [];
  const events: TimelineEvent[] = [];
  const watchers = new Set<() => void>();
  let nextId = 1;
  let closed = false;
  const notify = () => {
    for (const watch of [...watchers]) watch();
  };
  ws.addEventListener("message", (message) => {
    // The host is the code under test; what it sends is parsed, not validated, here.
    const parsed = JSON.parse(String(message.data)) as HostToPageMessage;
    messages.push(parsed);
    if (parsed.payload.type === "events") events.push(...parsed.payload.events);
    if (parsed.payload.type === "cleared") events.length = 0;
    notify();
  });
  ws.addEventListener("close", () => {
    closed = true;
    notify();
  });
  const { promise: opened, resolve, reject } = Promise.withResolvers<void>();
  ws.addEventListener("open", () => resolve());
  ws.addEventListener("error", () => reject(new Error("the WebSocket did not open")));
  await opened;

  /** Resolves with `read()`'s first result that is not undefined, re-read on every message and on close. */
  function until<T>(read: () => T | undefined): Promise<T> {
    const { promise, resolve } = Promise.withResolvers<T>();
    const watch = () => {
      const value = read();
      if (value === undefined) return;
      watchers.delete(watch);
      resolve(value);
    };
    watchers.add(watch);
    watch();
    return promise;
  }

  /** Pushes (messages that answer no request) of one type, from message index `from` on. */
  function pushes<T extends HostToPagePayload["type"]>(type: T, from = 0): PayloadOfType<T>[] {
    return messages.slice(from).flatMap((m) => (m.replyId === undefined && m.payload.type === type ? [m.payload as PayloadOfType<T>] : []));
  }

  /** Sends a request without waiting; returns its id, for `reply`. */
  function send(payload: PagePayload): number {
    const id = nextId++;
    ws.send(JSON.stringify({ id, payload }));
    return id;
  }

  /** The reply to request `id`, now or when it arrives. */
  function reply(id: number): Promise<HostToPagePayload> {
    return until(() => messages.find((m) => m.replyId === id)?.payload);
  }

  /** Sends a request and resolves with the reply to it. */
  function request(payload: PagePayload): Promise<HostToPagePayload> {
    return reply(send(payload));
  }

  return {
    /** Every message received, in order. */
    messages,
    /** The timeline as this page has it: the events received since the last `cleared`. */
    events,
    until,
    pushes,
    send,
    reply,
    request,
    /** Whether the host closed the socket. */
    get closed(): boolean {
      return closed;
    },
    /** The first push of `type` at or after message index `from`, now or when it arrives. */
    push<T extends HostToPagePayload["type"]>(type: T, from = 0): Promise<PayloadOfType<T>> {
      return until(() => pushes(type, from)[0]);
    },
    /** The workspace the host sent when the page connected. */
    async workspace(): Promise<WorkspaceState> {
      return (await until(() => pushes("workspace")[0])).workspace;
    },
    /** Sends a request whose reply must be `document`, and returns the document. */
    async document(payload: PagePayload): Promise<SnippetDocument> {
      const answer = await request(payload);
      if (answer.type !== "document") throw new Error(`expected a document, got ${JSON.stringify(answer)}`);
      return answer.document;
    },
    /** The first event received (so far or later) that matches. */
    event<E extends TimelineEvent>(match: (event: TimelineEvent) => event is E): Promise<E> {
      return until(() => events.find(match));
    },
    /** Sends raw text, as a broken page might. */
    sendRaw(text: string | Uint8Array): void {
      ws.send(text);
    },
    close(): void {
      ws.close();
    },
  };
}
