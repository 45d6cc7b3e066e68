/** A page's side of the host's WebSocket, for tests: what it received, its requests' outcomes, and waits on both. */

import type {
  DocumentReply,
  HostPushes,
  PageRequests,
  PushPayload,
  RemoteError,
  ReplyTo,
  SnippetDocument,
  TimelineEvent,
  TypeOf,
  WorkspaceState,
} from "../../src/contract/index.ts";
import { letIn, type HostAddress } from "./test-host.ts";

/**
 * A message as the host sent it: a push (`payload`) or the answer to a request (`replyId`, then `reply` or `error`).
 */
export interface ReceivedMessage {
  id: number;
  replyId?: number;
  payload?: PushPayload<HostPushes>;
  reply?: unknown;
  error?: RemoteError;
}

/** What a request got: its reply, or the error the host answered with. */
export type Outcome<K extends TypeOf<PageRequests>> = { reply: ReplyTo<PageRequests, K> } | { error: RemoteError };

type PushOfType<T extends TypeOf<HostPushes>> = Extract<PushPayload<HostPushes>, { type: T }>;

/**
 * Opens the WebSocket as the page does (with `cookie` and the host's Origin) and resolves once it is
 * open. Without a `cookie` it lets itself in first, as a browser following the launch URL would.
 */
export async function openPage(host: HostAddress, cookie?: string) {
  const headers = { cookie: cookie ?? (await letIn(host)), origin: host.origin };
  // Bun's WebSocket takes request headers as a second-argument option.
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers } as unknown as string[]);
  const messages: ReceivedMessage[] = [];
  const events: TimelineEvent[] = [];
  const watchers = new Set<() => void>();
  let nextId = 1;
  /** The type of each request sent, by id. */
  const sentTypes = new Map<number, string>();
  let closed = false;
  const notify = () => {
    for (const watch of [...watchers]) watch();
  };
  ws.addEventListener("message", (message) => {
    // The host is the code under test; what it sends is parsed, not validated, here.
    const parsed = JSON.parse(String(message.data)) as ReceivedMessage;
    messages.push(parsed);
    if (parsed.payload?.type === "events") events.push(...parsed.payload.events);
    // Another page's clear arrives as a push, this page's own as its reply: either empties the timeline.
    if (
      parsed.payload?.type === "cleared" ||
      (parsed.replyId !== undefined && sentTypes.get(parsed.replyId) === "clear" && parsed.reply !== undefined)
    )
      events.length = 0;
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

  /** Pushes of one type, from message index `from` on. */
  function pushes<T extends TypeOf<HostPushes>>(type: T, from = 0): PushOfType<T>[] {
    return messages.slice(from).flatMap((m) => (m.payload?.type === type ? [m.payload as PushOfType<T>] : []));
  }

  /** Sends a request without waiting; returns its id, for `reply`. */
  function send<K extends TypeOf<PageRequests>>(type: K, fields: PageRequests[K]["request"]): number {
    const id = nextId++;
    sentTypes.set(id, type);
    ws.send(JSON.stringify({ id, payload: { type, ...fields } }));
    return id;
  }

  /** What request `id` got, now or when it arrives. */
  function reply<K extends TypeOf<PageRequests>>(id: number): Promise<Outcome<K>> {
    return until(() => {
      const answer = messages.find((m) => m.replyId === id);
      if (!answer) return undefined;
      return (answer.error !== undefined ? { error: answer.error } : { reply: answer.reply }) as Outcome<K>;
    });
  }

  /** Sends a request and resolves with what it got: `{ reply }` or `{ error }`. */
  function outcome<K extends TypeOf<PageRequests>>(type: K, fields: PageRequests[K]["request"]): Promise<Outcome<K>> {
    return reply<K>(send(type, fields));
  }

  /** Sends a request and resolves with its reply; an error answer throws. */
  async function request<K extends TypeOf<PageRequests>>(
    type: K,
    fields: PageRequests[K]["request"],
  ): Promise<ReplyTo<PageRequests, K>> {
    const got = await outcome(type, fields);
    if ("error" in got) throw new Error(`${type} got an error: ${got.error.kind}: ${got.error.message}`);
    return got.reply;
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
    outcome,
    request,
    /** Whether the host closed the socket. */
    get closed(): boolean {
      return closed;
    },
    /** The first push of `type` at or after message index `from`, now or when it arrives. */
    push<T extends TypeOf<HostPushes>>(type: T, from = 0): Promise<PushOfType<T>> {
      return until(() => pushes(type, from)[0]);
    },
    /** The workspace the host sent when the page connected. */
    async workspace(): Promise<WorkspaceState> {
      return (await until(() => pushes("workspace")[0])).workspace;
    },
    /** Sends a request whose reply must be a document, and returns the document. */
    async document<K extends "file-new" | "file-open" | "file-save" | "file-open-dialog" | "file-conflict-resolve">(
      type: K,
      fields: PageRequests[K]["request"],
    ): Promise<SnippetDocument> {
      const answer = (await request(type, fields)) as DocumentReply;
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
