/**
 * What ended a request before its body did, in the words the timeline puts after "… ms after":
 * one phrase for every place that says it (a cleanup, a leak, a write that was never sent), so the
 * runner's sentences and the timeline's agree with the request's `abort`.
 */

import type { EndCause } from "./timeline-events.ts";

/** `the client left`, `the server was stopped`, …: undefined (recordings from before causes were known) is the client. */
export function requestEnd(cause: EndCause | undefined): string {
  switch (cause) {
    case undefined:
    case "client-left":
      return "the client left";
    case "idle-timeout":
      return "Bun's idle timeout closed the connection";
    case "runner-lost":
      return "the runner went away";
    case "server-stopped":
      return "the server was stopped";
    default: {
      const _never: never = cause;
      return _never;
    }
  }
}
