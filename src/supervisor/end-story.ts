/**
 * One story for each end: a client's disconnect that the client did not ask for (the server
 * closed, or the connection broke) is told with the cause the server side of the same lane knows
 * (Bun's idle timeout, the runner going away), so the reset on the client's lane and the abort on
 * the server's point at the same thing.
 *
 * A server abort the runner put down to an idle timeout, on a lane whose client had just
 * disconnected by itself, is the client leaving after all (Bun's idle timer is coarse, so a quiet
 * stream a client leaves near the limit looks the same from the server).
 *
 * The two sides reach the driving process on different paths (the client's in-process, the
 * runner's over IPC in batches), in either order: a disconnect that has no cause yet is held for a
 * moment, and let go as it is when none comes, when its lane has anything else to say, or when
 * the timeline is flushed.
 */

import { requestEnd, type DisconnectEvent, type EndCause, type TimelineEvent } from "../contract/index.ts";

export interface EndStory {
  /** Passes `event` on, or holds it for a moment (a disconnect whose cause may be on its way). */
  take(event: TimelineEvent): void;
  /** Lets every held disconnect go now (the trace or the timeline is ending). */
  flush(): void;
}

export interface EndStoryOptions {
  emit: (event: TimelineEvent) => void;
  /** How long a disconnect waits for its cause, and how far apart the two sides' times may be. */
  holdMs?: number | undefined;
  setTimer?: ((run: () => void, ms: number) => unknown) | undefined;
  clearTimer?: ((timer: unknown) => void) | undefined;
}

type ServerCause = { t: number; cause: Exclude<EndCause, "client-left">; detail: string };

/** How the runner's cancel of a request closed by Bun's idle timeout begins (`request-tracker.ts`). */
const idleCancel = /^Bun's idle timeout closed the connection/;

/** Longer than the runner's IPC batching and a busy turn of the host's event loop. */
const defaultHoldMs = 500;

export function createEndStory(options: EndStoryOptions): EndStory {
  const { emit } = options;
  const holdMs = options.holdMs ?? defaultHoldMs;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  /** The latest server-side end with a cause of its own, per lane. */
  const causes = new Map<number, ServerCause>();
  const held = new Map<number, { event: DisconnectEvent; timer: unknown }>();
  /** When each lane's client last disconnected by itself (or dropped the connection). */
  const leftAt = new Map<number, number>();
  /**
   * Requests whose abort was the client leaving after all: their cancel, cleanup and leaks say so
   * too. Kept until the cleanup (a request may have a cancel and no cleanup; the set stays small,
   * as only a client leaving just as Bun's idle timeout would have closed the stream adds to it).
   */
  const clientLeft = new Set<number>();

  function release(lane: number, cause?: ServerCause): void {
    const waiting = held.get(lane);
    if (!waiting) return;
    held.delete(lane);
    clearTimer(waiting.timer);
    emit(cause ? withCause(waiting.event, cause) : waiting.event);
  }

  return {
    take(event: TimelineEvent): void {
      if (event.side === "server" && event.kind === "abort" && event.cause === "idle-timeout") {
        const left = leftAt.get(event.lane);
        if (left !== undefined && event.t - left >= 0 && event.t - left <= holdMs) {
          const { detail: _detail, idleTimeout: _idleTimeout, quietMs: _quietMs, ...abort } = event;
          clientLeft.add(event.requestId);
          emit({ ...abort, cause: "client-left" });
          return;
        }
      }
      if (event.side === "server" && event.kind === "cancel" && clientLeft.has(event.requestId)) {
        emit({ ...event, reason: event.reason.replace(idleCancel, "the client went away") });
        return;
      }
      // What followed such an abort (its cleanup, a leak, a write never sent) tells the client leaving too.
      if (
        event.side === "server" &&
        (event.kind === "cleanup" || event.kind === "write") &&
        event.cause === "idle-timeout" &&
        clientLeft.has(event.requestId)
      ) {
        const { cause: _cause, ...told } = event;
        if (event.kind === "cleanup") clientLeft.delete(event.requestId);
        emit(told);
        return;
      }
      if (event.side === "server" && event.kind === "leak" && clientLeft.has(event.requestId)) {
        emit({ ...event, detail: event.detail.replaceAll(requestEnd("idle-timeout"), requestEnd("client-left")) });
        return;
      }
      if (event.side === "server" && event.kind === "abort") {
        if (event.cause !== undefined && event.cause !== "client-left") {
          const cause: ServerCause = { t: event.t, cause: event.cause, detail: shortDetail(event) };
          causes.set(event.lane, cause);
          const waiting = held.get(event.lane);
          if (waiting && Math.abs(waiting.event.t - cause.t) <= holdMs) release(event.lane, cause);
        }
        emit(event);
        return;
      }
      if (event.side !== "client") {
        emit(event);
        return;
      }
      // Anything else on the lane comes after its disconnect: let the disconnect go first.
      release(event.lane);
      if (event.kind === "disconnect" && (event.by === "client" || event.by === "drop"))
        leftAt.set(event.lane, event.t);
      if (event.kind !== "disconnect" || event.by === "client" || event.by === "drop") {
        emit(event);
        return;
      }
      const known = causes.get(event.lane);
      if (known && Math.abs(event.t - known.t) <= holdMs) {
        emit(withCause(event, known));
        return;
      }
      const lane = event.lane;
      held.set(lane, { event, timer: setTimer(() => release(lane), holdMs) });
    },

    flush(): void {
      for (const lane of [...held.keys()]) release(lane);
    },
  };
}

/** The server's cause in a few words, for the client's line. */
function shortDetail(event: Extract<TimelineEvent, { kind: "abort" }>): string {
  if (event.cause === "idle-timeout" && event.idleTimeout) {
    const limit =
      event.idleTimeout.source === "request"
        ? `server.timeout(req, ${event.idleTimeout.seconds})`
        : `idleTimeout ${event.idleTimeout.seconds} s`;
    const quiet = event.quietMs === undefined ? "" : ` after ${(event.quietMs / 1_000).toFixed(1)} s without a write`;
    return `Bun's idle timeout (${limit}) closed it${quiet}`;
  }
  return event.detail ?? String(event.cause);
}

function withCause(event: DisconnectEvent, cause: ServerCause): DisconnectEvent {
  return { ...event, cause: cause.cause, causeDetail: cause.detail };
}
