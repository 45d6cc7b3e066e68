/** WebSocket clients for tests: a probe on a lane of a test runner, and a bare one for an oracle. */

import type { TimelineEvent } from "../../src/contract/index.ts";
import { openClient, type MessageChannel, type Client, type ClientOptions } from "../../src/clients/index.ts";
import { kind } from "./event-log.ts";

interface LiveLog {
  push(event: TimelineEvent): void;
  next<E extends TimelineEvent>(match: (event: TimelineEvent) => event is E): Promise<E>;
}

/**
 * A `websocket` probe on `lane`, resolved once its handshake is done (or failed): at `path`, reading
 * as `slow` says (as fast as it can when not given).
 */
export async function openSocket(
  log: LiveLog,
  url: string,
  lane: number,
  { path = "/", slow }: Pick<ClientOptions, "slow"> & { path?: string } = {},
): Promise<Client & { messages: MessageChannel }> {
  const opened = log.next(
    (event): event is TimelineEvent =>
      event.lane === lane && event.side === "client" && (event.kind === "ws-open" || event.kind === "ws-close"),
  );
  const probe = openClient({
    lane,
    url: new URL(path, url).href,
    client: "websocket",
    slow,
    now: () => performance.now(),
    emit: log.push,
  });
  const first = await opened;
  if (first.kind !== "ws-open" || !probe.messages)
    throw new Error(`the WebSocket on lane ${lane} did not open: ${JSON.stringify(first)}`);
  return { ...probe, messages: probe.messages };
}

type ServerOf<K extends TimelineEvent["kind"]> = Extract<TimelineEvent, { kind: K; side: "server" }>;

/** The next event of `kindName` on the server's side of `lane` that `accept` accepts. */
export function nextOnServer<K extends TimelineEvent["kind"]>(
  log: LiveLog,
  kindName: K,
  lane: number,
  accept: (event: ServerOf<K>) => boolean = () => true,
) {
  return log.next(
    (event): event is ServerOf<K> =>
      event.kind === kindName && event.side === "server" && event.lane === lane && accept(event as ServerOf<K>),
  );
}

/** The next message lane `lane`'s client receives. */
export const nextMessage = (log: LiveLog, lane: number) =>
  log.next(
    (event): event is Extract<TimelineEvent, { kind: "ws-message"; side: "client" }> =>
      kind("ws-message", lane)(event) && event.side === "client",
  );

/** What a bare WebSocket got: its messages in order, and how it closed. */
export interface BareSession {
  messages: string[];
  close: { code: number; reason: string; wasClean: boolean };
}

/**
 * Opens a bare WebSocket to `url`, sends `send` once open, and closes with `closeWith` once
 * `expected` messages have arrived (or leaves the closing to the server when `closeWith` is left out).
 */
export async function bareSession(
  url: string,
  send: string[],
  expected: number,
  closeWith?: { code: number; reason: string },
): Promise<BareSession> {
  const socket = new WebSocket(url.replace(/^http/, "ws"));
  const messages: string[] = [];
  const closed = Promise.withResolvers<BareSession["close"]>();
  socket.addEventListener("close", (event) =>
    closed.resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean }),
  );
  socket.addEventListener("message", (event) => {
    messages.push(String(event.data));
    if (messages.length === expected && closeWith) socket.close(closeWith.code, closeWith.reason);
  });
  socket.addEventListener("open", () => {
    for (const text of send) socket.send(text);
    if (expected === 0 && closeWith) socket.close(closeWith.code, closeWith.reason);
  });
  return { messages, close: await closed.promise };
}
